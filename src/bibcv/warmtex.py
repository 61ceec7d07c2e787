"""A XeLaTeX started ahead of time, waiting at ``\\begin{document}`` with its preamble loaded.

Of one pass over a CV, about nine tenths is the preamble (packages, fontspec,
fonts) and only the rest typesets the body and writes the PDF. A warm engine
runs the preamble before the body exists: a small driver ``\\input``s the
preamble, then waits on its standard input (a pipe: XeTeX opens an input file
twice, so a named pipe would hang it). When the body is ready it is written
beside the driver and one line on the pipe lets TeX go on.

The document is split textually at its first ``\\begin{document}``, so themes
need nothing special. An engine is used only when its preamble is exactly the
new document's; otherwise it is discarded and the build runs cold.

The result is the same PDF, byte for byte, as a cold pass:

- the date: a warm engine starts before the inputs' newest change is known
  (an edit is the newest change), so the line that lets it go sets TeX's
  ``\\year \\month \\day \\time`` to the build's date, and the engine writes
  XDV only (``-no-pdf``); bibcv then runs ``xdvipdfmx`` as XeTeX itself would
  (``xdvipdfmx -q -E -o JOB.pdf``, the XDV on its standard input) with the
  build's SOURCE_DATE_EPOCH, which dates the PDF and derives its /ID;
- the names: the driver is named as a cold pass's file (``cv.tex``), so the XDV
  and PDF are named as in a cold pass.

Anything unusual (TeX or xdvipdfmx failing, a missing glyph) is not
interpreted here: the build runs cold, which reports it with the right lines.

The lock-down is a cold pass's: the same options and environment, a private
temporary folder, its own process group, killed with it when discarded; the
time limit runs from the moment the engine is let go. If bibcv dies without
discarding it, the pipe closes and TeX, reading end of file, stops.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bibcv.compile import (
    JOB_NAME,
    MISSING_GLYPH,
    XELATEX_COMMAND,
    communicate_or_stop,
    engine_env,
    engine_missing,
    kill_group,
    needs_one_pass,
    stop_on_overrun,
    tracked,
    work_folder_prefix,
)

_BEGIN_DOCUMENT = "\\begin{document}"
# The driver: the preamble, then wait for one line (read in scroll mode, the only mode
# that may read the terminal), run it (it sets the date and nonstop mode back), go on.
_DRIVER = ("\\input{{{job}-preamble}}\\scrollmode\\read16 to\\bibcvgo"
           "\\bibcvgo\\input{{{job}-body}}\n")
XDV_TO_PDF = ["xdvipdfmx", "-q", "-E"]  # what XeTeX runs itself, with "-o JOB.pdf"
# What XeTeX says on its terminal once it has closed the XDV file (xetex.web, part 32).
_XDV_CLOSED = b"Output written on "


def split_document(tex_source: str) -> tuple[str, str] | None:
    """The preamble and the body (from ``\\begin{document}`` on), when a warm engine can
    make this document: one pass (``\\nofiles``) and ``\\begin{document}`` starting a line."""
    at = tex_source.find(_BEGIN_DOCUMENT)
    if at < 0 or (at > 0 and tex_source[at - 1] != "\n") or not needs_one_pass(tex_source):
        return None
    return tex_source[:at], tex_source[at:]


@dataclass(frozen=True)
class WarmResult:
    """A finished warm pass: its folder holds JOB.pdf and the whole document."""

    work: Path
    document: Path  # the whole .tex, as a cold pass would have had it
    line_offset: int  # add to a line of the body file to get the line in the whole .tex
    log: str  # the pass's log, read once: checked for missing glyphs, then for overfull lines


class WarmEngine:
    """One XeLaTeX waiting at ``\\begin{document}`` with one preamble loaded."""

    def __init__(self, preamble: str) -> None:
        self.preamble, self.job = preamble, JOB_NAME
        self._folder = tempfile.TemporaryDirectory(prefix=f"{work_folder_prefix()}warm-")
        self.work = Path(self._folder.name)
        self._xdv_closed = threading.Event()
        process = None
        try:
            (self.work / f"{self.job}-preamble.tex").write_text(preamble, encoding="utf-8")
            (self.work / f"{self.job}.tex").write_text(_DRIVER.format(job=self.job),
                                                       encoding="utf-8")
            # Its date does not matter: the line that lets it go sets the build's.
            process = self.process = subprocess.Popen(
                [*XELATEX_COMMAND, "-no-pdf", f"{self.job}.tex"], cwd=self.work,
                env=engine_env(None), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, start_new_session=True)
            threading.Thread(target=self._listen, daemon=True).start()
        except BaseException:  # also Ctrl-C or SIGTERM just as TeX started: no TeX is left
            if process is not None:
                kill_group(process)
                process.wait()
            self._folder.cleanup()
            raise

    def _listen(self) -> None:
        """Read what TeX says (a full pipe would stop it); note when its XDV is closed."""
        assert self.process.stdout is not None
        with self.process.stdout as said:
            for line in said:
                if line.startswith(_XDV_CLOSED):
                    self._xdv_closed.set()
        self._xdv_closed.set()  # TeX has ended, perhaps failing: nothing more to wait for

    def waiting(self) -> bool:
        """Still running: loading its preamble, or done with it and waiting."""
        return self.process.poll() is None

    def finish(self, tex_source: str, env: dict[str, str], timeout: float) -> WarmResult | None:
        """Typeset the body of tex_source (whose preamble is this engine's) and write the PDF;
        None when anything went wrong, for the caller to run cold."""
        body = tex_source[len(self.preamble):]
        (self.work / f"{self.job}-body.tex").write_text(body, encoding="utf-8")
        deadline = time.monotonic() + timeout
        with tracked(self.process):
            assert self.process.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # TeX ended: its exit status says how
                self.process.stdin.write(_go_line(env).encode("ascii"))
                self.process.stdin.flush()
            stop_on_overrun(self.process, timeout, self._xdv_closed.wait)
            # TeX then takes about as long to end (freeing its memory) as xdvipdfmx takes to
            # make the PDF: they run side by side.
            made = self._xdv_to_pdf(env, _left(deadline))
            stop_on_overrun(self.process, _left(deadline), self.process.wait)
        if self.process.returncode != 0 or not made:
            return None
        log = (self.work / f"{self.job}.log").read_text(encoding="utf-8", errors="replace")
        if MISSING_GLYPH.search(log):
            return None
        document = self.work / "document.tex"
        document.write_text(tex_source, encoding="utf-8")
        return WarmResult(self.work, document, self.preamble.count("\n"), log)

    def _xdv_to_pdf(self, env: dict[str, str], timeout: float) -> bool:
        xdv = self.work / f"{self.job}.xdv"
        if not xdv.is_file():
            return False
        with xdv.open("rb") as stdin:
            try:
                driver = subprocess.Popen(
                    [*XDV_TO_PDF, "-o", f"{self.job}.pdf"], cwd=self.work, env=env,
                    stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    start_new_session=True)
            except FileNotFoundError:
                raise engine_missing("xdvipdfmx") from None
            with tracked(driver):
                communicate_or_stop(driver, timeout)
        return driver.returncode == 0 and (self.work / f"{self.job}.pdf").is_file()

    def discard(self) -> None:
        """Stop TeX (its whole process group) and remove its folder."""
        if self.process.poll() is None:
            kill_group(self.process)
            self.process.wait()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        self._folder.cleanup()


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.0)


def _go_line(env: dict[str, str]) -> str:
    """What the waiting engine runs before the body: the build's date, as a cold pass
    would have it (FORCE_SOURCE_DATE: SOURCE_DATE_EPOCH, in UTC), and nonstop mode again."""
    date = ""
    if env.get("FORCE_SOURCE_DATE") == "1":
        when = datetime.fromtimestamp(int(env["SOURCE_DATE_EPOCH"]), timezone.utc)
        date = (f"\\year={when.year} \\month={when.month} \\day={when.day} "
                f"\\time={when.hour * 60 + when.minute} ")
    return f"\\nonstopmode{date}\\relax\n"


class WarmEngines:
    """At most one warm engine per CV (by its name and output folder), for the next build.

    ``keep_warm``: after each build, have the next engine load the new preamble
    (`bibcv watch`), once ``warm_up`` is called: the watcher calls it when it has
    been quiet for a moment, after the edit's outputs are written and said, so
    that loading a preamble (a pass's worth of processor time) never competes
    with the edit in progress, nor with the viewer or browser showing it.
    A one-off `bibcv build` starts its engines once, up front. Closing discards
    every engine; use it as a context manager.
    """

    def __init__(self, keep_warm: bool = False) -> None:
        self.keep_warm = keep_warm
        self._engines: dict[tuple[Path, str], WarmEngine] = {}
        self._next: dict[tuple[Path, str], str] = {}  # keep_warm: the sources to warm up for
        self._lock = threading.Lock()

    def __enter__(self) -> WarmEngines:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def prepare(self, stem: str, out_dir: Path, tex_source: str) -> None:
        """Have an engine with this document's preamble wait for the CV's next build."""
        split = split_document(tex_source)
        if split is None:
            return
        key = _key(stem, out_dir)
        with self._lock:
            old = self._engines.pop(key, None)
        if old is not None and old.preamble == split[0] and old.waiting():
            self._keep(key, old)
            return
        if old is not None:
            old.discard()
        engine = None
        try:
            engine = WarmEngine(split[0])
            self._keep(key, engine)
        except OSError:
            return  # no xelatex, no room for a folder: the build runs cold and says why
        except BaseException:  # Ctrl-C or SIGTERM before it was kept: close() cannot see it
            if engine is not None:
                engine.discard()
            raise

    def prepare_from_last_builds(self, cv_files: Sequence[Path], out_dir: Path,
                                 formats: Sequence[str] | None) -> None:
        """Start an engine for each CV that will make a PDF (all do when formats is None)."""
        if formats is None or "pdf" in formats:
            for path in cv_files:
                self.prepare_from_last_build(path.stem, out_dir)

    def prepare_from_last_build(self, stem: str, out_dir: Path) -> None:
        """Guess the next build's preamble from the last one's .tex: it rarely changes."""
        try:
            source = (out_dir / f"{stem}.tex").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        self.prepare(stem, out_dir, source)

    @contextlib.contextmanager
    def finished(self, tex_source: str, stem: str, out_dir: Path, env: dict[str, str],
                 timeout: float) -> Iterator[WarmResult | None]:
        """The document made by the CV's warm engine, if it has one with this preamble;
        the engine and its folder are gone when the block ends."""
        engine = self._take(stem, out_dir)
        if engine is None:
            yield None
            return
        try:
            split = split_document(tex_source)
            usable = split is not None and split[0] == engine.preamble and engine.waiting()
            yield engine.finish(tex_source, env, timeout) if usable else None
        finally:
            engine.discard()

    def after_build(self, stem: str, out_dir: Path, tex_source: str) -> None:
        if self.keep_warm:
            with self._lock:
                self._next[_key(stem, out_dir)] = tex_source

    def warm_up(self) -> None:
        """Start the engines the builds since the last call asked for (see keep_warm)."""
        with self._lock:
            wanted, self._next = self._next, {}
        for (out_dir, stem), tex_source in wanted.items():
            self.prepare(stem, out_dir, tex_source)

    def close(self) -> None:
        with self._lock:
            engines, self._engines, self._next = list(self._engines.values()), {}, {}
        for engine in engines:
            engine.discard()

    def _take(self, stem: str, out_dir: Path) -> WarmEngine | None:
        with self._lock:
            return self._engines.pop(_key(stem, out_dir), None)

    def _keep(self, key: tuple[Path, str], engine: WarmEngine) -> None:
        with self._lock:
            displaced = self._engines.pop(key, None)
            self._engines[key] = engine
        if displaced is not None:
            displaced.discard()


def _key(stem: str, out_dir: Path) -> tuple[Path, str]:
    return out_dir.resolve(), stem
