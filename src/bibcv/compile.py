"""LaTeX to PDF with XeLaTeX, locked down, in one pass when one is enough.

A document that declares ``\\nofiles`` (both built-in themes do) writes no
auxiliary files, so a second pass could not change it: XeLaTeX runs once,
directly, which saves latexmk's start-up and bookkeeping. Any other document
goes through latexmk, which reruns the engine as long as it must.

Either way the engine runs in a private temporary folder on a file named
``cv.tex`` whatever the CV is called (a name with ``%``, ``$``, a quote or a
leading ``-`` would mean something to TeX or to kpathsea), may not run
programs (-no-shell-escape) nor open files outside that folder (openin_any
and openout_any = p), reads nothing from stdin, and is killed with its whole
process group when it overruns or the user interrupts. Outputs are moved into
place only after a successful run, so a failed build never replaces a good PDF.
Each private folder carries the process id in its name, so a folder left by a
process that was killed (kill -9) is removed by the next build. TeX loads its
format from an inflated copy when there is one (see texformat): the same format.

The PDF is reproducible: its creation date is SOURCE_DATE_EPOCH when that is
set, else the time the caller gives (the newest input's), and FORCE_SOURCE_DATE
makes TeX's own clock agree. xdvipdfmx then writes that date and derives the
document /ID from it instead of from the clock, so the same inputs give the
same bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bibcv import DEFAULT_TIMEOUT
from bibcv.atomic import temporary_beside
from bibcv.errors import BibcvError, Origin
from bibcv.texformat import current_copy, make_copy
from bibcv.texlog import Overfull, overfull_lines
from bibcv.texstart import (
    ENGINE_OPTIONS,
    JOB_NAME,
    WORK_FOLDER_PREFIX,
    XELATEX_COMMAND,
    kill_group,
    locked_down_env,
    needs_one_pass,
    work_folder_prefix,
)

if TYPE_CHECKING:
    from bibcv.warmtex import WarmEngines

T = TypeVar("T")

LATEXMK_COMMAND = ["latexmk", "-norc", "-xelatex", *ENGINE_OPTIONS]
_WORK_FOLDER = re.compile(rf"^{WORK_FOLDER_PREFIX}(\d+)-")
_ENGINE_RUN = re.compile(r"^Run number \d+ of rule '(?:xe)?latex'", re.MULTILINE)
# The first error TeX reports: "./cv.tex:12: message" (-file-line-error) or "! message".
_FIRST_ERROR = re.compile(r"^(?:\./[^:\n]+\.tex:(?P<line>\d+): |! )(?P<message>.+)$",
                          re.MULTILINE)
_ERROR_CONTEXT_LINE = re.compile(r"^l\.(\d+) ", re.MULTILINE)
# What TeX says on its terminal only, when it stops before or outside the log:
# "! Unable to read an entire line---bufsize=200000." or "xelatex: fatal: ...".
_TERMINAL_ERROR = re.compile(r"(?:^|(?<=\)))! (?P<message>.+)$|^\S+: fatal: (?P<fatal>.+)$",
                             re.MULTILINE)
_RUNNING: set[subprocess.Popen] = set()  # TeX and citeproc-js runs, for stop_all_engines
_RUNNING_LOCK = threading.Lock()
_STOPPING = threading.Event()  # set by stop_all_engines: no run may start or succeed after it
MISSING_GLYPH = re.compile(
    r"^Missing character: There is no (.) \((U\+[0-9A-F]+)\) in font ([^/:;\n]+)", re.MULTILINE)


class LatexError(BibcvError):
    """TeX failed; keeps where in the .tex, so the caller can trace it back to its input."""

    def __init__(self, summary: str, failed_tex: Path, tex_line: int, log: Path,
                 culprit: str | None = None) -> None:
        super().__init__(f"{summary} (full log: {log})", Origin(failed_tex, tex_line))
        self.summary, self.failed_tex, self.tex_line, self.log = summary, failed_tex, tex_line, log
        self.culprit = culprit  # a character the fonts lack, when that was the problem


@dataclass(frozen=True)
class CompiledCV:
    tex: Path
    pdf: Path
    engine_passes: int
    overfull: list[Overfull] = field(default_factory=list)  # lines TeX set into the margin
    warm: bool = False  # made by a warm engine (see warmtex)


def compile_pdf(tex_source: str, stem: str, out_dir: Path,
                timeout: float = DEFAULT_TIMEOUT, source_date: int | None = None,
                engines: WarmEngines | None = None,
                attachments: dict[str, bytes] | None = None) -> CompiledCV:
    """Compile in a private folder; on success move ``stem.tex`` and ``stem.pdf`` into out_dir.

    ``source_date`` (seconds since 1970) becomes the PDF's creation date unless
    SOURCE_DATE_EPOCH is set; without either, the PDF carries the current time.
    With ``engines``, a warm engine waiting with this document's preamble makes
    the same PDF in a fraction of the time (see warmtex); otherwise TeX runs cold.
    ``attachments`` are files the document includes (a photo), written beside it:
    TeX may read nothing outside its private folder. A document with attachments
    runs cold: a warm engine's folder holds the document alone.
    """
    env = engine_env(source_date)
    out_dir.mkdir(parents=True, exist_ok=True)
    if engines is None or attachments:
        compiled = _compile_cold(tex_source, stem, out_dir, env, timeout, attachments)
    else:
        compiled = _compile_warm(tex_source, stem, out_dir, env, timeout, engines)
    make_copy()  # for the passes after this one, once a machine and format (see texformat)
    return compiled


def _compile_warm(tex_source: str, stem: str, out_dir: Path, env: dict[str, str],
                  timeout: float, engines: WarmEngines) -> CompiledCV:
    """On the CV's warm engine, if it has this preamble and format; else cold."""
    try:
        with engines.finished(tex_source, stem, out_dir, env, timeout) as warm:
            if warm is not None:
                compiled = replace(_published(
                    warm.document, warm.work / f"{JOB_NAME}.pdf", warm.log, out_dir, stem, 1,
                    warm.line_offset), warm=True)
        if warm is None:
            compiled = _compile_cold(tex_source, stem, out_dir, env, timeout, None)
    except BibcvError:
        engines.after_build(stem, out_dir, tex_source)  # the next edit may well fix it
        raise
    engines.after_build(stem, out_dir, tex_source)
    return compiled


def _compile_cold(tex_source: str, stem: str, out_dir: Path, env: dict[str, str],
                  timeout: float, attachments: dict[str, bytes] | None) -> CompiledCV:
    with tempfile.TemporaryDirectory(prefix=work_folder_prefix()) as folder:
        work = Path(folder)
        for name, data in (attachments or {}).items():
            (work / name).write_bytes(data)
        tex = work / f"{JOB_NAME}.tex"
        tex.write_text(tex_source, encoding="utf-8")
        one_pass = needs_one_pass(tex_source)
        command = XELATEX_COMMAND if one_pass else LATEXMK_COMMAND
        succeeded, output = _run_engine(command, tex, env, timeout)
        pdf = work / f"{JOB_NAME}.pdf"
        log = work / f"{JOB_NAME}.log"
        if not succeeded or not pdf.is_file():
            raise _compile_error(tex, log, output, out_dir, stem)
        log_text = log.read_text(encoding="utf-8", errors="replace")
        missing = MISSING_GLYPH.search(log_text)
        if missing:
            raise _missing_glyph_error(tex, log, out_dir, stem, missing)
        passes = 1 if one_pass else len(_ENGINE_RUN.findall(output))
        return _published(tex, pdf, log_text, out_dir, stem, passes)


def _published(tex: Path, pdf: Path, log: str, out_dir: Path, stem: str, passes: int,
               line_offset: int = 0) -> CompiledCV:
    """Move the .tex and PDF of a successful run into out_dir as ``stem.tex``, ``stem.pdf``,
    with the overfull lines of its log (the text, read once: the run has checked it).

    line_offset: what to add to the log's line numbers to get lines of the .tex
    (a warm pass typesets a file that holds only the body).
    """
    published_tex, published_pdf = out_dir / f"{stem}.tex", out_dir / f"{stem}.pdf"
    _publish([(tex, published_tex), (pdf, published_pdf)])
    for stale in _failure_files(out_dir, stem):
        stale.unlink(missing_ok=True)
    overfull = [replace(line, tex_line=line.tex_line + line_offset)
                for line in overfull_lines(log)]
    return CompiledCV(published_tex, published_pdf, passes, overfull)


def remove_stale_work_folders() -> None:
    """Remove private folders left by bibcv processes that no longer run (killed with -9).

    A folder's name carries the id of the process that made it; a live process's
    folders, and other users' folders, are left alone.
    """
    temp = Path(tempfile.gettempdir())
    try:
        candidates = [entry for entry in os.scandir(temp) if _WORK_FOLDER.match(entry.name)]
    except OSError:
        return
    for entry in candidates:
        pid = int(entry.name.split("-")[1])
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid() or _is_running(pid):
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def stop_all_engines() -> None:
    """Kill every TeX and citeproc-js run of this process (SIGTERM to `bibcv build`): their
    builds then fail."""
    _STOPPING.set()
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        kill_group(process)


def engine_env(source_date: int | None) -> dict[str, str]:
    """The locked-down environment, with a fixed date when there is one (see module doc),
    and the inflated copy of the format XeLaTeX loads when there is one (see texformat)."""
    env = locked_down_env(current_copy())
    given = env.get("SOURCE_DATE_EPOCH")
    if given is not None and not re.fullmatch(r"[0-9]{1,12}", given):
        raise BibcvError(
            f"the environment variable SOURCE_DATE_EPOCH is {given!r}, not a number of seconds "
            "since 1970; set it to one (such as `git log -1 --format=%ct`) or unset it")
    if "SOURCE_DATE_EPOCH" not in env and source_date is not None:
        env["SOURCE_DATE_EPOCH"] = str(source_date)
    if "SOURCE_DATE_EPOCH" in env:
        env["FORCE_SOURCE_DATE"] = "1"
    return env


def _run_engine(command: list[str], tex: Path, env: dict[str, str],
                timeout: float) -> tuple[bool, str]:
    """Run TeX on tex; return whether it succeeded and everything it printed."""
    try:
        process = subprocess.Popen(
            [*command, tex.name], cwd=tex.parent, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, text=True, errors="replace",
        )
    except FileNotFoundError:
        raise engine_missing(command[0]) from None
    with tracked(process):
        output = communicate_or_stop(process, timeout)
    return process.returncode == 0, output


def communicate_or_stop(process: subprocess.Popen, timeout: float) -> str:
    """What a TeX program printed once it ends ('' when its output is not read), stopped as
    ``stop_on_overrun`` says."""
    return stop_on_overrun(process, timeout, lambda: process.communicate()[0]) or ""


def stop_on_overrun(process: subprocess.Popen, timeout: float, wait: Callable[[], T],
                    program: str = "TeX") -> T:
    """What ``wait()`` gives once the program (TeX, or citeproc-js on Node) has done what it
    waits for; on a timeout or an interruption (Ctrl-C in `bibcv watch`) the program's whole
    process group is stopped, as it runs in a session of its own, and ``wait()`` is called
    again to see it end.

    The time limit is a timer that kills the group, not a timeout of the wait itself: with
    that, Python polls for a program's end, sleeping up to 50 ms between looks, and an edit in
    `bibcv watch` waited through two such sleeps (TeX's, then xdvipdfmx's)."""
    overran = threading.Event()

    def stop_overrun() -> None:
        if process.returncode is None:
            overran.set()
            kill_group(process)

    timer = threading.Timer(timeout, stop_overrun)
    timer.daemon = True
    timer.start()
    try:
        result = wait()
    except BaseException:
        kill_group(process)
        wait()
        raise
    finally:
        timer.cancel()
    if overran.is_set():
        raise timed_out(timeout, program)
    return result


@contextlib.contextmanager
def tracked(process: subprocess.Popen, program: str = "TeX") -> Iterator[None]:
    """Let stop_all_engines find a run of TeX (or of citeproc-js) while it goes on; once
    stopped, no run succeeds."""
    with _RUNNING_LOCK:
        _RUNNING.add(process)
        if _STOPPING.is_set():
            kill_group(process)
    try:
        yield
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
    if _STOPPING.is_set():
        raise BibcvError(f"stopped before {program} finished; nothing was written")


def engine_missing(program: str) -> BibcvError:
    return BibcvError(
        f"{program} is not installed. Run `make cv`: on Debian or Ubuntu it installs "
        "TeX, elsewhere it prints what to install (scripts/system-deps.sh lists it)")


def timed_out(timeout: float, program: str = "TeX") -> BibcvError:
    return BibcvError(
        f"{program} did not finish within {timeout:g} seconds and was stopped; "
        "a very long or looping input is the usual cause (--timeout gives it longer)")


def _compile_error(tex: Path, log: Path, output: str, out_dir: Path, stem: str) -> LatexError:
    """Keep the failed .tex and the log beside the outputs, and point at the failing line.

    The log holds TeX's first error; when TeX stopped without writing it there
    (a line over its buffer, a bad SOURCE_DATE_EPOCH), its terminal output has it.
    """
    kept_tex, kept_log = _keep_failure(tex, log, output, out_dir, stem)
    log_text = kept_log.read_text(encoding="utf-8")
    error = _FIRST_ERROR.search(log_text)
    message = error.group("message").strip() if error else _terminal_error(output)
    message = message.removeprefix("LaTeX Error: ")
    line = int(error.group("line")) if error and error.group("line") else 0
    if error and not line:
        context = _ERROR_CONTEXT_LINE.search(log_text, error.end())
        line = int(context.group(1)) if context else 0
    return LatexError(f"LaTeX error: {message}", kept_tex, line, kept_log)


def _terminal_error(output: str) -> str:
    """TeX's own words from its terminal output, or its last line; never nothing."""
    said = _TERMINAL_ERROR.search(output)
    if said:
        return (said.group("message") or said.group("fatal")).strip()
    last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "")
    return f"TeX stopped; its last words: {last}" if last else "TeX failed without saying why"


def _missing_glyph_error(tex: Path, log: Path, out_dir: Path, stem: str,
                         missing: re.Match[str]) -> LatexError:
    kept_tex, kept_log = _keep_failure(tex, log, "", out_dir, stem)
    char, code, font = missing.groups()
    return LatexError(
        f"the font {font.strip()} has no {char!r} ({code}), so the PDF would show nothing "
        "there; write the text in a script the theme's font covers (Latin, Greek, Cyrillic, "
        "or CJK with a CJK font installed)",
        kept_tex, 0, kept_log, culprit=char)


def _keep_failure(tex: Path, log: Path, output: str, out_dir: Path,
                  stem: str) -> tuple[Path, Path]:
    kept_tex, kept_log = _failure_files(out_dir, stem)
    shutil.copyfile(tex, kept_tex)
    log_text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else output
    kept_log.write_text(log_text, encoding="utf-8")
    return kept_tex, kept_log


def _failure_files(out_dir: Path, stem: str) -> tuple[Path, Path]:
    """Where a failed build leaves its .tex and log for the user to inspect."""
    return out_dir / f"{stem}.failed.tex", out_dir / f"{stem}.log"


def _publish(moves: list[tuple[Path, Path]]) -> None:
    """Copy each file next to its target, then rename: readers never see half a file.

    When a copy fails (a full disk), the copies made so far are removed again.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for source, target in moves:
            temporary = temporary_beside(target)
            staged.append((temporary, target))
            shutil.copyfile(source, temporary)
    except BaseException:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
