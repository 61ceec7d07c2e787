"""The bibcv command line: each command wires pipeline stages, nothing more.

Only click is imported up front; each command imports what it needs, so
`bibcv --help` and an up-to-date `bibcv build` stay quick.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import math
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from bibcv import DEFAULT_TIMEOUT, OUTPUT_FORMATS, __version__
from bibcv.errors import BibcvError, BibcvErrors, Origin, warning_lines
from bibcv.launch import DEFAULT_OUTPUT_DIR, progress_prefix, signalled, started_engines

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from concurrent.futures import Future

    from bibcv.watch import Reporter
CV_FILES = click.argument("cv_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))


class _Commands(click.Group):
    """The command group; an output that cannot be written ends the run plainly."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except _OutputError as error:
            _point_at_devnull(error.stream)
            if error.stream is sys.stdout and error.errno != errno.EPIPE:  # `| head` is fine
                click.echo(f"bibcv: cannot write to standard output: {error.strerror}", err=True)
            ctx.exit(1)


class _OutputError(OSError):
    """Standard output or error refused what was written (a full disk, /dev/full)."""

    def __init__(self, error: OSError, stream: object) -> None:
        super().__init__(error.errno, error.strerror or str(error))
        self.stream = stream


def _echo(text: str, err: bool = False, nl: bool = True) -> None:
    """click.echo, where a failed write is an _OutputError rather than a traceback."""
    try:
        click.echo(text, err=err, nl=nl)
    except OSError as error:
        raise _OutputError(error, sys.stderr if err else sys.stdout) from None


def _point_at_devnull(stream: object) -> None:
    """Let what is still buffered for a failed stream go nowhere: Python flushes it at exit,
    and would fail a second time there, with a traceback of its own."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def _seconds(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    """A --timeout: a finite number of seconds above zero."""
    if not math.isfinite(value) or value <= 0:
        raise click.BadParameter(f"{value:g} is not a number of seconds TeX may run; give a "
                                 f"number above 0, such as {DEFAULT_TIMEOUT:g}")
    return value


TIMEOUT = click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True,
                       callback=_seconds,
                       help="Seconds TeX may run for one CV before it is stopped.")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bibcv")
def main() -> None:
    """Build academic CVs (PDF through LaTeX, a web page, Markdown) from BibTeX files and a
    YAML file per CV."""


@main.command()
@CV_FILES
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_OUTPUT_DIR, show_default=True,
              help="Where <stem>.pdf (and .tex), .html and .md are written.")
@TIMEOUT
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="the number of processors", help="CVs compiled at the same time.")
@click.option("--force", is_flag=True, help="Rebuild even CVs whose inputs have not changed.")
@click.option("-f", "--format", "formats", callback=lambda _ctx, _param, value: _formats(value),
              metavar="LIST",
              help=f"Output formats, separated by commas ({', '.join(OUTPUT_FORMATS)}); "
                   "default: the CV's `formats:` key, else pdf.")
def build(cv_files: tuple[Path, ...], output_dir: Path, timeout: float, jobs: int,
          force: bool, formats: tuple[str, ...] | None) -> None:
    """Build each CV YAML file whose inputs changed since its last build.

    Without CV files, builds every cv/*.yaml except base files (cv/_*.yaml)."""
    cv_files, refused = _chosen_cvs("build", cv_files)
    _refuse_shared_stems(cv_files, output_dir)
    stale = list(cv_files) if force else _stale(cv_files, output_dir, formats)
    progress = _Progress(len(cv_files))
    for path in cv_files:
        if path not in stale:
            progress.say(f"{path}: up to date")
    failures = _build_all(stale, output_dir, timeout, jobs, formats, progress) if stale else 0
    sys.exit(1 if failures or refused else 0)


def _stale(cv_files: tuple[Path, ...], output_dir: Path,
           formats: tuple[str, ...] | None) -> list[Path]:
    """The CVs whose inputs changed since their last build (or which have none)."""
    from bibcv.incremental import is_up_to_date

    return [path for path in cv_files if not is_up_to_date(path, output_dir, formats)]


def _build_all(stale: list[Path], output_dir: Path, timeout: float, jobs: int,
               formats: tuple[str, ...] | None, progress: _Progress) -> int:
    """Build the CVs in parallel; return how many failed. SIGTERM stops them as Ctrl-C does."""
    from bibcv.compile import remove_stale_work_folders, stop_all_engines
    from bibcv.warmtex import WarmEngines

    global _stop_signal
    failures = 0
    engines = started_engines() or WarmEngines()
    pool = None
    previous_handler = signal.getsignal(signal.SIGTERM)
    _stop_signal = None
    try:  # from the moment the handler is in place, a signal lands in `except` below
        signal.signal(signal.SIGTERM, _stop_building)
        if signalled() is not None:  # launch's stop was dropped inside a callback (launch._stop)
            raise _Stopped(signalled(), said=True)
        # First of all (unless launch started them even before this module was imported),
        # TeX loads each CV's preamble, as its last build had it, while Python imports
        # the rest and builds the document; a CV whose preamble changed runs TeX cold.
        engines.prepare_from_last_builds(stale[:jobs], output_dir, formats)
        remove_stale_work_folders()
        from concurrent.futures import ThreadPoolExecutor

        from bibcv.pipeline import build_cv

        gc.enable()  # off while these were imported, when launch started the build
        pool = ThreadPoolExecutor(max_workers=jobs)
        futures = {pool.submit(build_cv, path, output_dir, timeout, formats, engines): path
                   for path in stale}
        for future in _as_completed(futures):
            try:
                built = future.result()
            except BibcvError as error:
                _warn(error.warnings)
                progress.say(str(error), err=True)
                failures += 1
                continue
            except OSError as error:
                progress.say(f"{futures[future]}: cannot write the outputs: {error}", err=True)
                failures += 1
                continue
            _warn(built.warnings)
            written = ", ".join(str(output) for output in built.main_outputs)
            progress.say(f"{futures[future]}: wrote {written}")
        _stop_if_signalled()
    except (KeyboardInterrupt, _Stopped) as stop:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second signal must not cut this short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all_engines()  # the builds in progress fail, and remove their private folders
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if not (isinstance(stop, _Stopped) and stop.said):
            _echo("stopped: the outputs of the CVs not finished are unchanged", err=True)
        sys.exit(128 + (stop.signal if isinstance(stop, _Stopped) else signal.SIGINT))
    finally:
        engines.close()  # while SIGTERM still comes here: no TeX is left waiting
        signal.signal(signal.SIGTERM, previous_handler)
    pool.shutdown()
    return failures


SIGNAL_CHECK_SECONDS = 0.1


def _as_completed(futures: Iterable[Future]) -> Iterator[Future]:
    """The futures as they finish, waking every SIGNAL_CHECK_SECONDS meanwhile.

    The system may hand SIGTERM or SIGINT to any thread, a worker's too (it does when
    the main thread is slow to wake while the worker starts TeX with signals blocked).
    Python then only marks the signal for the main thread, whose handler runs when
    it next executes Python code: asleep in concurrent.futures.as_completed, it did
    so only once TeX had finished. Waking every tenth of a second bounds that delay.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=SIGNAL_CHECK_SECONDS, return_when=FIRST_COMPLETED)
        _stop_if_signalled()
        yield from done


class _Stopped(Exception):
    """A signal asked the build to stop (SIGTERM: `kill`, a CI runner cancelling)."""

    def __init__(self, signal_number: int, said: bool = False) -> None:
        super().__init__(signal_number)
        self.signal = signal_number
        self.said = said  # launch has said "stopped" already


_stop_signal: int | None = None  # the signal _stop_building acted on, during a build


def _stop_building(signal_number: int, _frame: object) -> None:
    """Stop the build. The signal is kept too: raised inside a callback Python runs for
    an object being freed, the exception would be dropped (see launch._stop), so the
    wait for the builds looks for it as well (_as_completed)."""
    global _stop_signal
    _stop_signal = signal_number
    raise _Stopped(signal_number)


def _stop_if_signalled() -> None:
    if _stop_signal is not None:
        raise _Stopped(_stop_signal)


@main.command()
@click.argument("cv_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("build"), show_default=True, help="Where the outputs are written.")
@click.option("-f", "--format", "formats", callback=lambda _ctx, _param, value: _formats(value),
              metavar="LIST",
              help=f"Output formats, separated by commas ({', '.join(OUTPUT_FORMATS)}); "
                   "default: the CV's `formats:` key, else pdf.")
@TIMEOUT
def watch(cv_files: tuple[Path, ...], output_dir: Path, formats: tuple[str, ...] | None,
          timeout: float) -> None:
    """Build each CV, then rebuild it whenever a file it reads changes; Ctrl-C stops.

    Without CV files, watches every cv/*.yaml except base files (cv/_*.yaml).
    """
    _watch(_watched_cvs("watch", cv_files, output_dir), output_dir, formats, timeout)
    sys.exit(0)


@main.command()
@click.argument("cv_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("build"), show_default=True,
              help="Where the outputs are written, and what is served.")
@click.option("-f", "--format", "formats", callback=lambda _ctx, _param, value: _formats(value),
              metavar="LIST",
              help=f"Output formats, separated by commas ({', '.join(OUTPUT_FORMATS)}); "
                   "default: html,pdf.")
@TIMEOUT
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on; one of this machine's own (loopback) "
                   "unless --allow-remote.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to serve on (0: any free one).")
@click.option("--allow-remote", is_flag=True,
              help="Serve on a --host that other machines can reach: they can then read "
                   "every file in the output folder.")
def serve(cv_files: tuple[Path, ...], output_dir: Path, formats: tuple[str, ...] | None,
          timeout: float, host: str, port: int, allow_remote: bool) -> None:
    """Serve the CVs' pages and PDFs on this machine, rebuilt as you edit; open pages reload.

    Without CV files, serves every cv/*.yaml except base files (cv/_*.yaml).
    """
    import threading

    from bibcv.serve import BuildStates, CVServer, check_address

    try:
        check_address(host, allow_remote)
    except BibcvError as error:
        _fail(error)
    cv_files = _watched_cvs("serve", cv_files, output_dir)
    states = BuildStates(path.stem for path in cv_files)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        server = CVServer(host, port, output_dir, states)
    except OSError as error:
        _fail(BibcvError(f"cannot serve on {host} port {port}: {error.strerror or error}; "
                         "choose another --port (0 picks a free one)"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _echo(f"serving {output_dir}/ at {server.url} (open it in a browser; Ctrl-C stops)")
    try:
        # The page before the PDF: an open page is told as soon as its file is written.
        page_first = sorted(formats or ("html", "pdf"), key=lambda name: name == "pdf")
        _watch(cv_files, output_dir, tuple(page_first), timeout,
               lambda path, error: states.report(path.stem, error), states.written)
    finally:
        server.close()
    sys.exit(0)


def _watched_cvs(command: str, cv_files: tuple[Path, ...], output_dir: Path) -> tuple[Path, ...]:
    """The CVs to watch (see _chosen_cvs), at least one, none sharing an output's name."""
    cv_files, _refused = _chosen_cvs(command, cv_files)
    if not cv_files:
        _no_cv(command)
    _refuse_shared_stems(cv_files, output_dir)
    return cv_files


def _chosen_cvs(command: str, cv_files: tuple[Path, ...]) -> tuple[tuple[Path, ...], int]:
    """The CVs among the files named and how many of those were refused; with none named,
    every cv/*.yaml but base files, as `make cv` builds them."""
    from bibcv.cvfiles import is_base_file

    if cv_files:
        return _cv_files(command, cv_files)
    every_cv = tuple(path for path in sorted(Path("cv").glob("*.yaml")) if not is_base_file(path))
    if not every_cv:
        _no_cv(command)
    return _cv_files(command, every_cv)


def _no_cv(command: str) -> NoReturn:
    _fail(BibcvError(f"no CV to {command}: name the CV files, or run where cv/*.yaml are"))


def _watch(cv_files: tuple[Path, ...], output_dir: Path, formats: tuple[str, ...] | None,
           timeout: float, report: Reporter | None = None,
           written: Callable[[Path], None] | None = None) -> None:
    """Build, then rebuild on every change, until Ctrl-C or SIGTERM; ``written`` is told each
    output as soon as it is in place, ``report`` each build's outcome."""
    from bibcv.pipeline import build_cv  # the entry point `bibcv build` uses
    from bibcv.warmtex import WarmEngines
    from bibcv.watch import Watcher

    def build_one(path: Path) -> tuple[list[Path], list[BibcvError]]:
        built = build_cv(path, output_dir, timeout, formats, engines, written)
        return built.main_outputs, built.warnings  # the page's .bib files go unsaid

    signal.signal(signal.SIGTERM, _stop_watching)  # `kill`, or a service manager stopping it
    # Each CV's TeX waits with its preamble loaded, so that an edit costs only the body.
    with WarmEngines(keep_warm=True) as engines:
        watcher = Watcher(cv_files, output_dir, formats, build_one,
                          lambda line, err: _echo(line, err=err), report, engines.warm_up)
        try:
            engines.prepare_from_last_builds(cv_files, output_dir, formats)
            watcher.run()
        except KeyboardInterrupt:
            _echo("stopped watching")


def _stop_watching(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _cv_files(command: str, paths: tuple[Path, ...]) -> tuple[tuple[Path, ...], int]:
    """The CVs among the paths: base files are skipped with a note, other files refused.

    So `bibcv build cv/*.yaml` builds every CV of a folder that holds base files too.
    """
    from bibcv.cvfiles import CV_SUFFIXES, is_base_file

    kept, refused = [], 0
    for path in _distinct(paths):
        if path.suffix not in CV_SUFFIXES:
            _report(BibcvError(f"{command} takes CV files (.yaml); a BibTeX file is read "
                               "through a CV's 'bibliography' list" if path.suffix == ".bib"
                               else f"{command} takes CV files (.yaml)", Origin(path)))
            refused += 1
        elif is_base_file(path):
            _echo(f"{path}: skipped: a base file (its name starts with '_'), which CVs "
                       "extend", err=True)
        else:
            kept.append(path)
    return tuple(kept), refused


def _distinct(paths: tuple[Path, ...]) -> list[Path]:
    """Each file once, as first named: `build a.yaml ./a.yaml a.yaml` builds a.yaml once."""
    seen: dict[Path, Path] = {}
    for path in paths:
        seen.setdefault(path.resolve(), path)
    return list(seen.values())


def _refuse_shared_stems(cv_files: tuple[Path, ...], output_dir: Path) -> None:
    """Two CVs with one file name would write the same PDF: say so before building either."""
    seen: dict[str, Path] = {}
    for path in cv_files:
        other = seen.setdefault(path.stem, path)
        if other != path:
            _fail(BibcvError(f"{other} and {path} would both write "
                             f"{output_dir / path.stem}.pdf; rename one, or build them "
                             "into different folders with -o"))


def _formats(value: str | None) -> tuple[str, ...] | None:
    """``pdf,html`` to ('pdf', 'html'); None leaves the choice to each CV."""
    if value is None:
        return None
    names = tuple(dict.fromkeys(n.strip().casefold() for n in value.split(",") if n.strip()))
    unknown = [name for name in names if name not in OUTPUT_FORMATS]
    if unknown or not names:
        raise click.BadParameter(f"{', '.join(unknown) or repr(value)} is not an output "
                                 f"format; use {', '.join(OUTPUT_FORMATS)}, separated by commas")
    return names


class _Progress:
    """Prefixes lines with [done/total] when there is more than one CV."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def say(self, line: str, err: bool = False) -> None:
        self.done += 1
        _echo(f"{progress_prefix(self.done, self.total)}{line}", err=err)


@main.command()
@CV_FILES
def check(cv_files: tuple[Path, ...]) -> None:
    """Validate CV YAML files and their bibliographies without running TeX.

    Without CV files, checks every cv/*.yaml except base files (cv/_*.yaml)."""
    from bibcv.pipeline import check_cv

    cv_files, failures = _chosen_cvs("check", cv_files)
    for path in cv_files:
        try:
            checked = check_cv(path)
        except BibcvError as error:
            _report(error)
            failures += 1
            continue
        _warn(checked.warnings)
        if checked.errors:
            _report(BibcvErrors(checked.errors))
            failures += 1
            continue
        _echo(f"{path}: ok")
    sys.exit(1 if failures else 0)
@main.command("export-bib")
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="The .bib file to write; - or none: standard output.")
@click.option("--strip-cv-fields", is_flag=True,
              help="Leave out what only the CV needs: data annotations (author+an), "
                   "private notes and local files (annote, comment, file, owner, timestamp, "
                   "bdsk-file-N), per-paper links (pdf, slides, code, ...) and selected.")
def export_bib_command(sources: tuple[Path, ...], output: Path | None,
                       strip_cv_fields: bool) -> None:
    """Export clean BibTeX: what a CV shows (CV.yaml) or every entry (FILE.bib)."""
    from bibcv.atomic import write_output
    from bibcv.pipeline import export_bib


    try:
        exported = export_bib(list(sources), strip_cv_fields)
    except BibcvError as error:
        _fail(error)
    _warn(exported.warnings)
    if output is None or str(output) == "-":
        _echo(exported.text, nl=False)
        return
    try:
        write_output(output, exported.text)
    except BibcvError as error:
        _fail(error)
    except OSError as error:
        _fail(BibcvError(f"cannot write {output}: {error.strerror or error}"))
    none = " (no publications section or query selects any entry)" if not exported.count else ""
    _echo(f"wrote {exported.count} entries to {output}{none}", err=True)


@main.command("export-academicpages")
@click.argument("cv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="The academicpages site (or a folder to copy into it).")
def export_academicpages_command(cv_file: Path, output_dir: Path) -> None:
    """Write OUTPUT_DIR/_publications/*.md and OUTPUT_DIR/files/*.bib for academicpages."""
    from bibcv.backends.academicpages import export_academicpages
    from bibcv.document import load_document

    try:
        exported = export_academicpages(load_document(cv_file), output_dir)
    except BibcvError as error:
        _fail(error)
    except OSError as error:
        _fail(BibcvError(f"cannot write into {output_dir}: {error}"))
    _warn(exported.warnings)
    for removed in exported.removed:
        _echo(f"removed {removed}: its paper is no longer shown", err=True)
    _echo(f"wrote {len(exported.pages)} pages to {output_dir / '_publications'} and "
               f"their BibTeX to {output_dir / 'files'}", err=True)


MAILTO = click.option("--mailto", metavar="ADDRESS",
                      help="Your e-mail address, sent in the User-Agent as Crossref and "
                           "OpenAlex ask (default: $BIBCV_MAILTO, else the email of the CVs "
                           "in cv/ when they give one).")
KEY_PATTERN = click.option("--key-pattern", default=None, metavar="PATTERN",
                           help="How new keys are made (default: $BIBCV_KEY_PATTERN, else "
                                "{first_author}{initials}{yy}, as DBLP: ZuoSY21).")


@main.command()
@click.argument("identifiers", nargs=-1, required=True)
@click.option("--to", "target", type=click.Path(path_type=Path, dir_okay=False),
              help="The .bib file to add to (default: the only .bib file in bib/).")
@KEY_PATTERN
@MAILTO
def add(identifiers: tuple[str, ...], target: Path | None, key_pattern: str | None,
        mailto: str | None) -> None:
    """Add papers by DOI or arXiv id (or their URLs) to a .bib file, as clean BibTeX.

    A paper the bib/ folder already has (same DOI, arXiv id or title) is refused,
    naming the entry it duplicates.  Nothing is written unless every paper was fetched.
    """
    from bibcv.fetch.add import add_papers
    from bibcv.fetch.bibfile import BibFile
    from bibcv.fetch.http import Http, contact_address

    try:
        target = target or _only_bib_file()
        bib = BibFile.read(target)
        others = [BibFile.read(path) for path in sorted(target.parent.glob("*.bib"))
                  if path.resolve() != target.resolve()]
        with Http(contact_address(mailto)) as http:
            added = add_papers(list(identifiers), bib, http, _key_pattern(key_pattern), others)
        if added.entries:
            bib.write()
    except BibcvError as error:
        _fail(error, unchanged=True)
    for message in added.refused:
        _echo(message, err=True)
    for entry in added.entries:
        _echo(f"added {entry.key} to {target}")
    sys.exit(1 if added.refused else 0)


@main.command()
@click.argument("source", type=click.Choice(["dblp", "orcid", "openalex"]))
@click.argument("person")
@click.option("--to", "target", type=click.Path(path_type=Path, dir_okay=False),
              help="The .bib file to sync into (default: the only .bib file in bib/).")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@KEY_PATTERN
@MAILTO
def sync(source: str, person: str, target: Path | None, dry_run: bool,
         key_pattern: str | None, mailto: str | None) -> None:
    """Bring a person's publications from DBLP (PID), ORCID (iD) or OpenAlex (author id).

    Papers the file has (same DOI, arXiv id, DBLP key or title) are left as you edited
    them; new ones are added; a preprint and its published version become one entry.
    """
    from bibcv.fetch.bibfile import BibFile
    from bibcv.fetch.http import Http, contact_address
    from bibcv.fetch.sources import SOURCES
    from bibcv.fetch.sync import sync_entries

    try:
        target = target or _only_bib_file()
        bib = BibFile.read(target)
        with Http(contact_address(mailto)) as http:
            listing = SOURCES[source](http, person)
        summary = sync_entries(listing.entries, bib, _key_pattern(key_pattern))
        if summary.changes and not dry_run:
            bib.write()
    except BibcvError as error:
        _fail(error, unchanged=True)
    would = "would be " if dry_run else ""
    for kind, lines in (("added", summary.added), ("merged", summary.merged),
                        ("conflicting", summary.conflicting)):
        for line in lines:
            _echo(f"{would if kind != 'conflicting' else ''}{kind}: {line}")
    _echo(f"{target}: {len(listing.entries)} papers of {listing.person} on {source}: "
               f"{len(summary.added)} {would}added, {len(summary.matched) + len(summary.merged)} "
               f"matched ({len(summary.merged)} {would}merged), {len(summary.conflicting)} "
               "conflicting" + ("; nothing was written (--dry-run)" if dry_run else ""))


IMPORTERS = {"rendercv": ("bibcv.importers.rendercv", "import_rendercv"),
             "jsonresume": ("bibcv.importers.jsonresume", "import_jsonresume"),
             "al-folio": ("bibcv.importers.sites", "import_al_folio"),
             "academicpages": ("bibcv.importers.sites", "import_academicpages")}


@main.command("import")
@click.argument("kind", type=click.Choice(list(IMPORTERS)))
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The CV to write, e.g. cv/ada.yaml; its publications go to bib/ada.bib "
                   "(beside cv/), or beside the CV.")
def import_command(kind: str, source: Path, output: Path) -> None:
    """Write a bibcv CV (and .bib) from a RenderCV YAML file, a JSON Resume, or the folder of
    an al-folio or academicpages site. What cannot be carried over is listed."""
    import importlib

    from bibcv.importers.common import write

    module, function = IMPORTERS[kind]
    bib = (output.parent.parent / "bib" if output.parent.name == "cv" else output.parent) \
        / f"{output.stem}.bib"
    try:
        imported = getattr(importlib.import_module(module), function)(source)
        written = write(imported, output, bib)
    except BibcvError as error:
        _fail(error)
    for line in imported.not_carried:
        _echo(f"not carried over: {line}", err=True)
    _echo(f"wrote {', '.join(map(str, written))}; next: bibcv build {output}")


@main.command("cite-counts")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("bib/citations.yaml"), show_default=True,
              help="The counts file CVs name with `citations:`.")
@MAILTO
def cite_counts(sources: tuple[Path, ...], output: Path, mailto: str | None) -> None:
    """Fetch how often each paper is cited, from OpenAlex (by DOI, else by title), into a
    file that builds read offline. SOURCES: .bib files or CVs (default: bib/*.bib)."""
    import datetime

    from bibcv.atomic import write_text_atomically
    from bibcv.bibliography import load_bibliography
    from bibcv.fetch.citations import fetch_counts
    from bibcv.fetch.http import Http, contact_address

    try:
        files = _bib_files(sources or tuple(sorted(Path("bib").glob("*.bib"))))
        entries = list(load_bibliography(files))
        today = datetime.datetime.now(datetime.timezone.utc).date()
        with Http(contact_address(mailto)) as http:
            fetched = fetch_counts(entries, http, today)
        write_text_atomically(output, fetched.counts.text())
    except BibcvError as error:
        _fail(error, unchanged=True)
    except OSError as error:
        _fail(BibcvError(f"cannot write {output}: {error}"), unchanged=True)
    for entry in fetched.not_found:
        _echo(f"{entry.origin}: {entry.key}: OpenAlex has no work with this "
                   + ("DOI" if entry.has("doi") else "title") + "; no count", err=True)
    _echo(f"wrote {len(fetched.counts.counts)} counts to {output} ({fetched.counts.source}, "
               f"{fetched.counts.fetched.isoformat()}); {len(fetched.not_found)} not found")


def _bib_files(sources: tuple[Path, ...]) -> list[Path]:
    """.bib files as named, and the bibliography files of CVs."""
    from bibcv.cvfiles import CV_SUFFIXES
    from bibcv.load import load_cv

    if not sources:
        raise BibcvError("no .bib file in bib/; name the .bib files or CVs to count")
    files: list[Path] = []
    for source in sources:
        files += load_cv(source)[0].bibliography_files if source.suffix in CV_SUFFIXES \
            else [source]
    return list(dict.fromkeys(files))


def _only_bib_file() -> Path:
    found = sorted(Path("bib").glob("*.bib"))
    if len(found) != 1:
        raise BibcvError(f"bib/ holds {len(found)} .bib files; name the one to write with "
                         "--to bib/FILE.bib")
    return found[0]


def _key_pattern(option: str | None) -> str:
    from bibcv.fetch.records import DEFAULT_KEY_PATTERN

    return option or os.environ.get("BIBCV_KEY_PATTERN") or DEFAULT_KEY_PATTERN


@main.command()
@click.argument("stem")
@click.option("--name", help="Your name as it should appear (default: from STEM).")
@click.option("--cv-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("cv"),
              show_default=True)
@click.option("--bib-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("bib"), show_default=True)
def new(stem: str, name: str | None, cv_dir: Path, bib_dir: Path) -> None:
    """Start a CV: write CV_DIR/STEM.yaml and BIB_DIR/STEM.bib, ready to build."""
    from bibcv.starter import create_starter

    try:
        written = create_starter(stem, name, cv_dir, bib_dir)
    except BibcvError as error:
        _fail(error)
    for path in written:
        _echo(f"wrote {path}")
    _echo(f"next: bibcv build {written[0]}")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="Your name as it should appear (default: from the folder's name).")
@click.option("--stem", help="The CV's file name, e.g. ada-lovelace (default: from the name).")
def init(folder: Path, name: str | None, stem: str | None) -> None:
    """Start a CV repository of your own in FOLDER: cv/, bib/, a Makefile and CI."""
    from bibcv.starter import create_repository

    stem = stem or _stem_of(name or folder.resolve().name)
    try:
        written = create_repository(folder, stem, name)
    except BibcvError as error:
        _fail(error)
    for path in written:
        _echo(f"wrote {path}")
    _echo(f"next: cd {folder} && make cv   (or: bibcv build {written[0].relative_to(folder)})")


def _stem_of(name: str) -> str:
    """A file name from a person's name: "Ada Lovelace" -> ada-lovelace."""
    import re

    from bibcv.texdecode import to_ascii

    return re.sub(r"[^a-z0-9]+", "-", to_ascii(name).lower()).strip("-") or "cv"


@main.command()
@click.option("--theme", default="classic", show_default=True,
              help="A built-in theme, or the folder of one.")
def schema(theme: str) -> None:
    """Print the JSON Schema of CV files for a theme, for editors to complete and check keys."""
    import json

    from bibcv.cvformat import json_schema
    from bibcv.theme import find_theme, load_theme

    try:
        found = load_theme(find_theme(theme, Path.cwd()))
    except LookupError as error:
        _fail(BibcvError(str(error)))
    except BibcvError as error:
        _fail(error)
    _echo(json.dumps(json_schema(found), indent=2, ensure_ascii=False))


@main.command()
def themes() -> None:
    """List the built-in themes, one line each: its name, what it extends, what it is for."""
    from bibcv.theme import BUILTIN_THEMES, builtin_themes, load_theme

    loaded = [load_theme(BUILTIN_THEMES / name) for name in builtin_themes()]
    width = max(len(theme.name) for theme in loaded)
    for theme in loaded:
        extends = f" (extends {theme.ancestors[0]})" if theme.ancestors else ""
        _echo(f"{theme.name:<{width}}  {theme.description}{extends}")


def _report(error: BibcvError) -> None:
    """Say the errors, after what the run warned of before they stopped it."""
    _warn(error.warnings)
    _echo(f"{error}", err=True)


def _fail(error: BibcvError, unchanged: bool = False) -> NoReturn:
    """Say what stopped the command, and exit 1; a fetch command that stops has written
    nothing (``unchanged``), which it says after the reason."""
    _warn(error.warnings)
    _echo(f"{error}; nothing was changed" if unchanged else f"{error}", err=True)
    sys.exit(1)


def _warn(warnings: Iterable[BibcvError]) -> None:
    for line in warning_lines(warnings):
        _echo(line, err=True)
