"""The `bibcv` command's first step, before click and the rest of bibcv are imported.

`make cv` runs ``bibcv build CV... -o DIR``. With nothing changed it should
answer in a few hundredths of a second, and importing click alone takes about
a third of that; when a CV did change, TeX should start on its preamble at
once, since the preamble is most of a pass (see warmtex). So for exactly that
form of `build` (CV files, ``-o``/``--output-dir``, ``--force``) this module reads
the build records itself: when every CV is up to date it says so and ends;
otherwise it starts TeX on each stale CV's last preamble and hands over to the
command line (cli), which parses the arguments as always and takes the engines
over. Any other command or form, and anything unusual (a base file, a folder,
an output that cannot be written), goes straight to cli, which handles it.

Until TeX has started, this module works on the arguments as strings and imports
nothing but texstart: pathlib, typing and bibcv's compile module cost 0.03 s
together, a tenth of a bare pass (see texstart).
"""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys

from bibcv import BASE_FILE_PREFIX, CV_SUFFIXES

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing before TeX starts
if TYPE_CHECKING:
    from typing import NoReturn

    from bibcv.texstart import WaitingTeX
    from bibcv.warmtex import WarmEngines

DEFAULT_OUTPUT_DIR = "build"  # where `build` writes without -o (cli shows it in --help)
_started: WarmEngines | None = None  # the engines main started for the build cli runs
_signalled: int | None = None  # the signal _stop acted on (see there)


def main() -> None:
    """The `bibcv` command."""
    global _signalled
    request, status, _signalled = None, None, None
    try:
        request = _plain_build(sys.argv[1:])
        if request is not None:
            # Python's cyclic garbage collector walks the growing heap again and again while
            # a build imports pydantic, Jinja2 and bibcv (a tenth of their time) and finds
            # nothing to free; cli's build turns it back on once they are imported.
            gc.disable()
            cv_files, output_dir, force = request
            stale = cv_files if force else _stale(cv_files, output_dir)
            if not stale and _said_up_to_date(cv_files):
                sys.exit(0)
            signal.signal(signal.SIGTERM, _stop)  # until cli's build takes over, as it does
            _start_engines(stale[:os.cpu_count() or 1], output_dir)
            if stale:
                from bibcv.fonts import start_listing

                start_listing()  # the installed fonts, ready when the CV's font is checked
        from bibcv.cli import main as command_line

        command_line()
    except SystemExit as end:  # how click ends every command
        if request is None or not isinstance(end.code, int | None):
            raise
        status = end.code or 0
    finally:
        if _started is not None:
            _started.close()  # those cli did not take over: no TeX is left waiting
        # Done: a signal from now on ends the process the system's way. A handler that
        # raises would run inside Python's shutdown, which ignores the exception, and the
        # process would say it stopped yet end with status 0.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        # Python's last act is a full garbage collection over every object still alive
        # (pydantic's schemas, Jinja2's templates, the document): 40-90 ms after a command,
        # when the process is ending and the system takes its memory back anyway. Frozen
        # objects are out of the collector's sight; everything else is finalized as usual
        # (a plain build skips even that: _end_now).
        gc.freeze()
        stopped_by, _signalled = _signalled, None  # a later main in this process starts afresh
    if status is not None:
        _end_now(128 + stopped_by if stopped_by is not None else status)


def _end_now(status: int) -> NoReturn:
    """End a build's process without Python's teardown, which frees every module's objects
    one by one when the system takes the memory back anyway: 0.015-0.02 s after the PDF
    (median of 12 interleaved builds, 0.481 s against 0.459 s). What a normal end does that
    matters still happens: exit handlers run, standard output and error are flushed."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            status = status or 120  # as Python ends when it cannot flush its output
    os._exit(status)


def _start_engines(cv_files: list[str], output_dir: str) -> None:
    """Start TeX on each CV's last preamble, as cli's build would (one per processor it
    builds at once), then hand them to the engines that cli's build takes over."""
    global _started
    from bibcv.texstart import WaitingTeX, last_preamble

    waiting: list[tuple[str, WaitingTeX]] = []
    try:
        for cv_file in cv_files:
            stem = _stem(cv_file)
            preamble = last_preamble(os.path.join(output_dir, f"{stem}.tex"))
            if preamble is not None:
                try:
                    waiting.append((stem, WaitingTeX(preamble)))
                except OSError:  # no xelatex, no room for a folder: the build says why
                    continue
        from pathlib import Path

        from bibcv.warmtex import WarmEngines

        _started = WarmEngines()
        while waiting:
            stem, tex = waiting[0]
            _started.adopt(stem, Path(output_dir), tex)
            waiting.pop(0)
    finally:
        for _name, tex in waiting:  # Ctrl-C or SIGTERM before the engines kept them
            tex.discard()


def _stop(signal_number: int, _frame: object) -> None:
    """SIGTERM before cli's build has begun: the engines are discarded on the way out.

    Python runs a handler between any two steps of Python code, also inside a callback
    it runs for an object being freed (a weakref's, a ``__del__``), where it prints the
    exception and drops it: the build went on and ended with status 0 (seen once, under
    load). So the signal is kept too, for cli's build to stop at as it begins
    (``signalled``), and for main's status."""
    global _signalled
    _signalled = signal_number
    sys.stderr.write("stopped: the outputs of the CVs not finished are unchanged\n")
    raise SystemExit(128 + signal_number)


def signalled() -> int | None:
    """The signal launch's handler acted on, if any (it has said "stopped")."""
    return _signalled


def started_engines() -> WarmEngines | None:
    """The warm engines main started for this build (cli's build takes them over)."""
    return _started


def _plain_build(args: list[str]) -> tuple[list[str], str, bool] | None:
    """``build`` with CV files and at most -o DIR and --force: its CVs, folder and force;
    None for any other command or option, left to cli."""
    if not args or args[0] != "build":
        return None
    cv_files, output_dir, force = [], DEFAULT_OUTPUT_DIR, False
    rest = iter(args[1:])
    for arg in rest:
        if arg in ("-o", "--output-dir"):
            value = next(rest, None)
            if value is None:
                return None
            output_dir = value
        elif arg.startswith("--output-dir="):
            output_dir = arg.partition("=")[2]
        elif arg == "--force":
            force = True
        elif arg.startswith("-"):
            return None
        else:
            cv_files.append(arg)
    return (cv_files, output_dir, force) if _plain_cvs(cv_files, output_dir) else None


def _plain_cvs(cv_files: list[str], output_dir: str) -> bool:
    """CV files cli builds as named: no base file (``_name.yaml``), other file or folder,
    none named twice."""
    return (bool(cv_files) and not os.path.isfile(output_dir)
            and all(_is_cv_file(path) for path in cv_files)
            and len({_stem(path) for path in cv_files}) == len(cv_files)
            and len({os.path.realpath(path) for path in cv_files}) == len(cv_files))


def _is_cv_file(path: str) -> bool:
    name = os.path.basename(path)
    return (os.path.splitext(name)[1] in CV_SUFFIXES and not name.startswith(BASE_FILE_PREFIX)
            and not os.path.isdir(path))


def _stem(cv_file: str) -> str:
    """A CV's name, which names its outputs: the file's name without its suffix."""
    return os.path.splitext(os.path.basename(cv_file))[0]


def _stale(cv_files: list[str], output_dir: str) -> list[str]:
    from pathlib import Path

    from bibcv.incremental import is_up_to_date

    return [path for path in cv_files if not is_up_to_date(Path(path), Path(output_dir))]


def progress_prefix(done: int, total: int) -> str:
    """The [done/total] before a CV's line when a command handles more than one."""
    return f"[{done}/{total}] " if total > 1 else ""


def _said_up_to_date(cv_files: list[str]) -> bool:
    """Say that each CV is up to date, as cli would; False when standard output refuses
    the lines (cli then says so plainly)."""
    total = len(cv_files)
    said = "".join(f"{progress_prefix(done, total)}{path}: up to date\n"
                   for done, path in enumerate(cv_files, 1))
    try:
        data = said.encode(sys.stdout.encoding, sys.stdout.errors)
        while data:  # unbuffered: nothing is left to flush if a write fails
            data = data[os.write(sys.stdout.fileno(), data):]
    except (OSError, ValueError, AttributeError):  # also no standard output at all
        return False
    return True
