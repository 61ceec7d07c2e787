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
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bibcv.warmtex import WarmEngines

DEFAULT_OUTPUT_DIR = Path("build")  # where `build` writes without -o (cli shows it in --help)
_started: WarmEngines | None = None  # the engines main started for the build cli runs


def main() -> None:
    """The `bibcv` command."""
    global _started
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
        from bibcv.warmtex import WarmEngines

        signal.signal(signal.SIGTERM, _stop)  # until cli's build takes over, as it then does
        _started = WarmEngines()  # as cli's build would, one per processor it builds at once
        _started.prepare_from_last_builds(stale[:os.cpu_count() or 1], output_dir, None)
    try:
        from bibcv.cli import main as command_line

        command_line()
    finally:
        if _started is not None:
            _started.close()  # those cli did not take over: no TeX is left waiting


def _stop(signal_number: int, _frame: object) -> None:
    """SIGTERM before cli's build has begun: the engines are discarded on the way out."""
    sys.stderr.write("stopped: the outputs of the CVs not finished are unchanged\n")
    raise SystemExit(128 + signal_number)


def started_engines() -> WarmEngines | None:
    """The warm engines main started for this build (cli's build takes them over)."""
    return _started


def _plain_build(args: list[str]) -> tuple[list[Path], Path, bool] | None:
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
            output_dir = Path(value)
        elif arg.startswith("--output-dir="):
            output_dir = Path(arg.partition("=")[2])
        elif arg == "--force":
            force = True
        elif arg.startswith("-"):
            return None
        else:
            cv_files.append(Path(arg))
    return (cv_files, output_dir, force) if _plain_cvs(cv_files, output_dir) else None


def _plain_cvs(cv_files: list[Path], output_dir: Path) -> bool:
    """CV files cli builds as named: no base file, other file or folder, none named twice."""
    from bibcv.cvfiles import CV_SUFFIXES, is_base_file

    return (bool(cv_files) and not output_dir.is_file()
            and all(path.suffix in CV_SUFFIXES and not is_base_file(path)
                    and not path.is_dir() for path in cv_files)
            and len({path.stem for path in cv_files}) == len(cv_files)
            and len({path.resolve() for path in cv_files}) == len(cv_files))


def _stale(cv_files: list[Path], output_dir: Path) -> list[Path]:
    from bibcv.incremental import is_up_to_date

    return [path for path in cv_files if not is_up_to_date(path, output_dir)]


def progress_prefix(done: int, total: int) -> str:
    """The [done/total] before a CV's line when a command handles more than one."""
    return f"[{done}/{total}] " if total > 1 else ""


def _said_up_to_date(cv_files: list[Path]) -> bool:
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
