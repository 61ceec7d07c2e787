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
  XDV only (``-no-pdf``), into a named pipe; bibcv runs ``xdvipdfmx`` on it as
  XeTeX itself would (``xdvipdfmx -q -E -o JOB.pdf``, the XDV on its standard
  input, while TeX writes it) with the build's SOURCE_DATE_EPOCH, which dates
  the PDF and derives its /ID;
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
import os
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bibcv.compile import (
    MISSING_GLYPH,
    communicate_or_stop,
    engine_missing,
    stop_on_overrun,
    tracked,
)
from bibcv.texstart import JOB_NAME, WaitingTeX, kill_group, last_preamble, split_document

XDV_TO_PDF = ["xdvipdfmx", "-q", "-E"]  # what XeTeX runs itself, with "-o JOB.pdf"


@dataclass(frozen=True)
class WarmResult:
    """A finished warm pass: its folder holds JOB.pdf and the whole document."""

    work: Path
    document: Path  # the whole .tex, as a cold pass would have had it
    line_offset: int  # add to a line of the body file to get the line in the whole .tex
    log: str  # the pass's log, read once: checked for missing glyphs, then for overfull lines


class WarmEngine:
    """One XeLaTeX waiting at ``\\begin{document}`` with one preamble loaded, and what
    it takes to finish the document with it."""

    def __init__(self, tex: WaitingTeX) -> None:
        self.tex, self.preamble, self.job = tex, tex.preamble, JOB_NAME
        self.process, self.work = tex.process, Path(tex.folder)

    def waiting(self) -> bool:
        """Still running: loading its preamble, or done with it and waiting."""
        return self.tex.waiting()

    def finish(self, tex_source: str, env: dict[str, str], timeout: float) -> WarmResult | None:
        """Typeset the body of tex_source (whose preamble is this engine's) and write the PDF;
        None when anything went wrong, for the caller to run cold."""
        body = tex_source[len(self.preamble):]
        (self.work / f"{self.job}-body.tex").write_text(body, encoding="utf-8")
        deadline = time.monotonic() + timeout
        try:
            driver = _PdfDriver(self.work, self.job)
        except OSError:  # no named pipe on this file system: the build runs cold
            return None
        with tracked(self.process), driver:
            assert self.process.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # TeX ended: its exit status says how
                self.process.stdin.write(_go_line(env).encode("ascii"))
                self.process.stdin.flush()
            driver.start(env)
            stop_on_overrun(self.process, timeout, self.tex.xdv_closed.wait)
            driver.input_done()
            # TeX then takes about as long to end (freeing its memory) as xdvipdfmx takes to
            # make the PDF from what it has read: they run side by side.
            made = driver.wait(_left(deadline))
            stop_on_overrun(self.process, _left(deadline), self.process.wait)
        if self.process.returncode != 0 or not made:
            return None
        log = (self.work / f"{self.job}.log").read_text(encoding="utf-8", errors="replace")
        if MISSING_GLYPH.search(log):
            return None
        document = self.work / "document.tex"
        document.write_text(tex_source, encoding="utf-8")
        return WarmResult(self.work, document, self.preamble.count("\n"), log)

    def discard(self) -> None:
        """Stop TeX (its whole process group) and remove its folder."""
        self.tex.discard()


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


class _PdfDriver:
    """xdvipdfmx reading the XDV through a named pipe while TeX writes it, as XeTeX's own
    pass pipes it: the driver's start (reading TeX's file database and font maps, a third
    of its 0.03 s of processor time) no longer waits for TeX to end.

    It needs the build's date (SOURCE_DATE_EPOCH in its environment), known only once the
    edit is, so it cannot start with TeX; it starts just after TeX is let go, which reaches
    its first page (and opens the XDV) a few hundredths of a second later. This end holds
    the pipe open for reading until the driver runs (TeX may open it first), and for
    writing until TeX has closed the XDV: the driver, reading before TeX opens the file,
    would otherwise see its end at once. XeTeX writes the XDV in order, never seeking.
    """

    def __init__(self, work: Path, job: str) -> None:
        self.pdf = work / f"{job}.pdf"
        self.process: subprocess.Popen | None = None
        fifo = work / f"{job}.xdv"
        os.mkfifo(fifo, 0o600)
        self._reader: int | None = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # no writer yet
        self._writer: int | None = None
        try:
            self._writer = os.open(fifo, os.O_WRONLY)
            os.set_blocking(self._reader, True)
        except BaseException:
            self._close_pipe()
            raise

    def start(self, env: dict[str, str]) -> None:
        """Start xdvipdfmx with the build's environment, reading the pipe."""
        assert self._reader is not None
        try:
            self.process = subprocess.Popen(
                [*XDV_TO_PDF, "-o", self.pdf.name], cwd=self.pdf.parent, env=env,
                stdin=self._reader, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
        except FileNotFoundError:
            raise engine_missing("xdvipdfmx") from None
        finally:
            os.close(self._reader)
            self._reader = None

    def __enter__(self) -> _PdfDriver:
        return self

    def __exit__(self, *_exc: object) -> None:
        """However the pass ended: the pipe is closed and the driver gone."""
        self._close_pipe()
        if self.process is not None and self.process.poll() is None:
            kill_group(self.process)
            self.process.wait()

    def input_done(self) -> None:
        """TeX has closed the XDV (or ended): let the driver read the pipe's end."""
        if self._writer is not None:
            os.close(self._writer)
            self._writer = None

    def _close_pipe(self) -> None:
        self.input_done()
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None

    def wait(self, timeout: float) -> bool:
        """Whether the driver wrote the PDF (stopped as TeX would be after timeout seconds)."""
        assert self.process is not None
        with tracked(self.process):
            communicate_or_stop(self.process, timeout)
        return self.process.returncode == 0 and self.pdf.is_file()


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
        if split is not None:
            self._prepare_preamble(stem, out_dir, split[0])

    def prepare_from_last_builds(self, cv_files: Sequence[Path], out_dir: Path,
                                 formats: Sequence[str] | None) -> None:
        """Start an engine for each CV that will make a PDF (all do when formats is None)."""
        if formats is None or "pdf" in formats:
            for path in cv_files:
                self.prepare_from_last_build(path.stem, out_dir)

    def prepare_from_last_build(self, stem: str, out_dir: Path) -> None:
        """Guess the next build's preamble from the last one's .tex: it rarely changes."""
        preamble = last_preamble(str(out_dir / f"{stem}.tex"))
        if preamble is not None:
            self._prepare_preamble(stem, out_dir, preamble)

    def adopt(self, stem: str, out_dir: Path, tex: WaitingTeX) -> None:
        """Keep a TeX started on the CV's preamble before this module was imported (launch)."""
        self._keep(_key(stem, out_dir), WarmEngine(tex))

    def _prepare_preamble(self, stem: str, out_dir: Path, preamble: str) -> None:
        key = _key(stem, out_dir)
        with self._lock:
            old = self._engines.pop(key, None)
        if old is not None and old.preamble == preamble and old.waiting():
            self._keep(key, old)
            return
        if old is not None:
            old.discard()
        engine = None
        try:
            engine = WarmEngine(WaitingTeX(preamble))
            self._keep(key, engine)
        except OSError:
            return  # no xelatex, no room for a folder: the build runs cold and says why
        except BaseException:  # Ctrl-C or SIGTERM before it was kept: close() cannot see it
            if engine is not None:
                engine.discard()
            raise

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
            # The same preamble, and the same format (the engine started on a copy before
            # kpsewhich said which format XeLaTeX loads: see texformat).
            usable = (split is not None and split[0] == engine.preamble and engine.waiting()
                      and engine.tex.env.get("TEXFORMATS") == env.get("TEXFORMATS"))
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
