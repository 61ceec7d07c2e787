"""XeLaTeX's lock-down, and starting it on a preamble to wait for its body (see warmtex).

A new `bibcv build` starts TeX on the preamble of each CV's last build before it
imports the rest of bibcv, so that the preamble (most of a pass) runs while
Python imports and builds the document. Every hundredth of a second before TeX
starts is a hundredth more on the build, so this module imports only what the
`bibcv` command has imported by then anyway (its script imports ``re``) and what
starting a program needs: subprocess, tempfile, threading, and texformat (which
format TeX loads), which needs nothing more. Importing bibcv's compile module
first took 0.02 s.

Every TeX run shares what is defined here: the command, its options and the
locked-down environment (see compile's module doc), the private folder's name,
and how a run is killed with everything it started.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator

from bibcv.texformat import recorded_copy, start_lookup

ENGINE_OPTIONS = ["-no-shell-escape", "-halt-on-error", "-interaction=nonstopmode",
                  "-file-line-error"]
XELATEX_COMMAND = ["xelatex", *ENGINE_OPTIONS]
LOCKED_DOWN_ENV = {
    "openin_any": "p",
    "openout_any": "p",
    "shell_escape": "f",
    "max_print_line": "10000",  # one log line per message, so errors can be read back
}
JOB_NAME = "cv"  # TeX's file name inside the private folder, whatever the CV is called
WORK_FOLDER_PREFIX = "bibcv-"
BEGIN_DOCUMENT = "\\begin{document}"
# \nofiles in the preamble, outside a comment: the document needs one pass.
_ONE_PASS = re.compile(r"^[^%\n]*\\nofiles\b", re.MULTILINE)
# The driver: the preamble, then wait for one line (read in scroll mode, the only mode
# that may read the terminal), run it (it sets the date and nonstop mode back), go on.
_DRIVER = ("\\input{{{job}-preamble}}\\scrollmode\\read16 to\\bibcvgo"
           "\\bibcvgo\\input{{{job}-body}}\n")
# What XeTeX says on its terminal once it has closed the XDV file (xetex.web, part 32).
_XDV_CLOSED = b"Output written on "


def work_folder_prefix() -> str:
    """A private folder's name starts with this: its process id, for remove_stale_work_folders."""
    return f"{WORK_FOLDER_PREFIX}{os.getpid()}-"


def locked_down_env(formats: str | None = None) -> dict[str, str]:
    """This process's environment with TeX's lock-down on top; with ``formats``, TeX loads
    its format from that folder (an inflated copy: see texformat)."""
    return {**os.environ, **LOCKED_DOWN_ENV, **({"TEXFORMATS": formats} if formats else {})}


def kill_group(process: subprocess.Popen) -> None:
    """Kill the program and everything it started (latexmk starts xelatex, xelatex xdvipdfmx)."""
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)


def needs_one_pass(tex_source: str) -> bool:
    """True when the preamble declares \\nofiles: no .aux, so nothing a rerun could fix."""
    preamble = tex_source.split(BEGIN_DOCUMENT, 1)[0]
    return _ONE_PASS.search(preamble) is not None


def split_document(tex_source: str) -> tuple[str, str] | None:
    """The preamble and the body (from ``\\begin{document}`` on), when a warm engine can
    make this document: one pass (``\\nofiles``) and ``\\begin{document}`` starting a line."""
    at = tex_source.find(BEGIN_DOCUMENT)
    if at < 0 or (at > 0 and tex_source[at - 1] != "\n") or not needs_one_pass(tex_source):
        return None
    return tex_source[:at], tex_source[at:]


def last_preamble(tex_file: str) -> str | None:
    """The preamble of a CV's last build, read from its .tex: the next build's, most often."""
    try:
        with open(tex_file, encoding="utf-8") as source:
            split = split_document(source.read())
    except (OSError, UnicodeDecodeError):
        return None
    return split[0] if split else None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done, then act as usual.

    subprocess.Popen returns once it has heard that the program started; a handler
    that raises meanwhile (launch's, on SIGTERM, or Ctrl-C's) ends Popen with no
    process object, and the TeX already running was left behind, loading its
    preamble (2 runs in 40 at load 10). Only the main thread runs signal handlers;
    an engine started from another thread is stopped as every TeX run is
    (stop_all_engines).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {number: signal.signal(number, lambda number, _frame: held.append(number))
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler is not None:  # None: a handler set outside Python, left in place
                signal.signal(number, handler)
        for number in held:
            signal.raise_signal(number)


class WaitingTeX:
    """A XeLaTeX started on a preamble, in a private folder of its own, that waits at
    ``\\begin{document}`` for one line on its standard input (see warmtex)."""

    def __init__(self, preamble: str) -> None:
        self.preamble = preamble
        self.xdv_closed = threading.Event()  # set once TeX has closed its XDV file, or ended
        # Before kpsewhich has said which format XeLaTeX loads: the copy of last time's.
        self.env = locked_down_env(recorded_copy())
        self._folder = tempfile.TemporaryDirectory(prefix=f"{work_folder_prefix()}warm-")
        self.folder = self._folder.name
        process = None
        try:
            self._write(f"{JOB_NAME}-preamble.tex", preamble)
            self._write(f"{JOB_NAME}.tex", _DRIVER.format(job=JOB_NAME))
            # Its date does not matter: the line that lets it go sets the build's.
            with _signals_held():
                process = self.process = subprocess.Popen(
                    [*XELATEX_COMMAND, "-no-pdf", f"{JOB_NAME}.tex"], cwd=self.folder,
                    env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, start_new_session=True)
            threading.Thread(target=self._listen, daemon=True).start()
            start_lookup()  # checked before TeX is let go (warmtex)
        except BaseException:  # also Ctrl-C or SIGTERM just as TeX started: no TeX is left
            if process is not None:
                kill_group(process)
                process.wait()
            self._folder.cleanup()
            raise

    def _write(self, name: str, text: str) -> None:
        with open(os.path.join(self.folder, name), "w", encoding="utf-8") as file:
            file.write(text)

    def _listen(self) -> None:
        """Read what TeX says (a full pipe would stop it); note when its XDV is closed."""
        assert self.process.stdout is not None
        with self.process.stdout as said:
            for line in said:
                if line.startswith(_XDV_CLOSED):
                    self.xdv_closed.set()
        self.xdv_closed.set()  # TeX has ended, perhaps failing: nothing more to wait for

    def waiting(self) -> bool:
        """Still running: loading its preamble, or done with it and waiting."""
        return self.process.poll() is None

    def discard(self) -> None:
        """Stop TeX (its whole process group) and remove its folder."""
        if self.process.poll() is None:
            kill_group(self.process)
            self.process.wait()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        self._folder.cleanup()
