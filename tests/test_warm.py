"""A warm TeX engine (preamble loaded ahead of time) makes exactly the PDF a cold pass makes."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibcv import launch
from bibcv.cli import main
from bibcv.compile import LatexError, compile_pdf
from bibcv.errors import BibcvError
from bibcv.pipeline import build_cv
from bibcv.starter import create_starter
from bibcv.texstart import WaitingTeX, split_document
from bibcv.theme import BUILTIN_THEMES
from bibcv.warmtex import WarmEngine, WarmEngines
from conftest import pdf_text, squash
from test_reproducible import creation_date
from test_watch import tex_children

JAN_2 = int(datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc).timestamp())
ALL_THEMES = sorted(p.name for p in BUILTIN_THEMES.iterdir() if (p / "theme.yaml").is_file())
# A word no line can hold: TeX reports an overfull line, at a line of the body.
TOO_WIDE = "\\par\\noindent " + "Unbreakable" * 30 + "\\par\n\\end{document}"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Temporary folders of this test only, to see that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def signal_handlers_restored():
    """The test sets SIGINT's and SIGTERM's handlers, or runs launch.main, which sets them
    and freezes the garbage collector's objects as a command's end does: this test process
    gets its own back."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)
    gc.unfreeze()


def bibcv_folders(folder: Path) -> list[Path]:
    """bibcv's private TeX folders (Jinja2 keeps its compiled templates there too)."""
    return sorted(folder.glob("bibcv-*"))


def starter_tex(folder: Path, theme: str) -> str:
    """The .tex of the starter CV in a theme, as a cold build writes it."""
    cv, _bib, *_schema = create_starter("ada-lovelace", None, folder / "cv", folder / "bib")
    cv.write_text(cv.read_text().replace("theme: classic", f"theme: {theme}"))
    build_cv(cv, folder / "first", formats=("pdf",))
    return (folder / "first" / "ada-lovelace.tex").read_text(encoding="utf-8")


@pytest.mark.parametrize(("theme", "dated_by"), [
    *((theme, "inputs") for theme in ALL_THEMES), ("classic", "SOURCE_DATE_EPOCH")])
def test_a_warm_pass_is_byte_identical_to_a_cold_one(tmp_path, monkeypatch, private_tmp,
                                                      theme, dated_by):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    source = starter_tex(tmp_path, theme)
    edited = source.replace("\\end{document}", TOO_WIDE)
    if dated_by == "SOURCE_DATE_EPOCH":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(JAN_2 - 86400 * 40))
    with WarmEngines() as engines:
        # Started before the edit, so with another date than the build's, as in watch mode.
        engines.prepare("cv", tmp_path / "warm", source)
        if dated_by == "SOURCE_DATE_EPOCH":
            monkeypatch.setenv("SOURCE_DATE_EPOCH", str(JAN_2))
        warm = compile_pdf(edited, "cv", tmp_path / "warm", source_date=JAN_2 - 3600,
                           engines=engines)
    cold = compile_pdf(edited, "cv", tmp_path / "cold", source_date=JAN_2 - 3600)

    assert warm.warm and not cold.warm
    assert subprocess.run(["cmp", warm.pdf, cold.pdf]).returncode == 0
    assert warm.tex.read_text(encoding="utf-8") == edited
    expected = JAN_2 if dated_by == "SOURCE_DATE_EPOCH" else JAN_2 - 3600
    assert creation_date(warm.pdf) == datetime.fromtimestamp(expected, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    # Overfull lines are traced to the same line of the whole .tex.
    assert warm.overfull and warm.overfull == cold.overfull
    assert bibcv_folders(private_tmp) == []


def test_a_tex_error_in_a_warm_build_is_reported_as_a_cold_build_reports_it(tmp_path,
                                                                            private_tmp):
    source = starter_tex(tmp_path, "classic")
    broken = source.replace("\\end{document}", "\\undefinedcommand\n\\end{document}")
    with pytest.raises(LatexError) as cold:
        compile_pdf(broken, "cv", tmp_path / "cold")
    with WarmEngines(keep_warm=True) as engines:
        engines.prepare("cv", tmp_path / "warm", source)
        with pytest.raises(LatexError) as warm:
            compile_pdf(broken, "cv", tmp_path / "warm", engines=engines)
        engines.warm_up()  # the next edit finds an engine waiting again
        fixed = compile_pdf(source, "cv", tmp_path / "warm", engines=engines)
    assert warm.value.tex_line == cold.value.tex_line > 0
    assert warm.value.summary == cold.value.summary == "LaTeX error: Undefined control sequence."
    assert fixed.warm
    assert bibcv_folders(private_tmp) == []


@pytest.mark.parametrize("change", ["theme", "CJK text"])
def test_a_changed_preamble_discards_the_warm_engine_and_builds_right(tmp_path, monkeypatch,
                                                                      private_tmp, change):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(JAN_2))
    cv, *_rest = create_starter("ada-lovelace", None, tmp_path / "cv", tmp_path / "bib")
    with WarmEngines(keep_warm=True) as engines:
        build_cv(cv, tmp_path / "warm", formats=("pdf",), engines=engines)
        engines.warm_up()  # an engine waits with the old preamble
        text = cv.read_text(encoding="utf-8")
        if change == "theme":
            cv.write_text(text.replace("theme: classic", "theme: scholar"), encoding="utf-8")
            expected = "Ada Lovelace"  # scholar does not set the name in small capitals
        else:
            assert "Example University" in text
            cv.write_text(text.replace("Example University", "北京大学"), encoding="utf-8")
            expected = "北京大学"
        warm = build_cv(cv, tmp_path / "warm", formats=("pdf",), engines=engines)
    cold = build_cv(cv, tmp_path / "cold", formats=("pdf",))
    [warm_pdf], [cold_pdf] = ([p for p in b.outputs if p.suffix == ".pdf"] for b in (warm, cold))
    assert expected in squash(pdf_text(warm_pdf))
    assert subprocess.run(["cmp", warm_pdf, cold_pdf]).returncode == 0
    assert bibcv_folders(private_tmp) == []


def test_without_a_named_pipe_for_the_xdv_the_build_runs_cold(tmp_path, monkeypatch,
                                                              private_tmp):
    """The warm pass hands its XDV to xdvipdfmx through a named pipe; a file system without
    them (mkfifo failing) makes the same PDF cold, and no TeX or folder is left."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(JAN_2))
    source = starter_tex(tmp_path, "classic")
    expected = compile_pdf(source, "cv", tmp_path / "cold").pdf.read_bytes()

    def no_fifo(*_args: object, **_kwargs: object) -> None:
        raise PermissionError("named pipes are not supported here")

    monkeypatch.setattr(os, "mkfifo", no_fifo)
    with WarmEngines() as engines:
        engines.prepare("cv", tmp_path / "warm", source)
        started = tex_children(os.getpid())
        compiled = compile_pdf(source, "cv", tmp_path / "warm", engines=engines)
    assert started and not compiled.warm
    assert compiled.pdf.read_bytes() == expected
    assert not [pid for pid in started if Path(f"/proc/{pid}").exists()]
    assert bibcv_folders(private_tmp) == []


def test_a_discarded_engine_leaves_no_process_and_no_folder(tmp_path, private_tmp):
    source = starter_tex(tmp_path, "classic")
    preamble, _body = split_document(source)
    engine = WarmEngine(WaitingTeX(preamble))
    assert engine.waiting() and bibcv_folders(private_tmp)
    engine.discard()
    assert engine.process.returncode is not None
    assert not Path(f"/proc/{engine.process.pid}").exists()
    assert bibcv_folders(private_tmp) == []


@pytest.mark.parametrize("interrupted", ["listener", "keep"])
def test_ctrl_c_as_an_engine_starts_leaves_no_process_and_no_folder(tmp_path, private_tmp,
                                                                     monkeypatch, interrupted):
    """`bibcv watch` starts the next engine when it is quiet; a Ctrl-C or SIGTERM landing
    just after TeX started (while its listener starts, or before the engines keep it) left
    a TeX that close() did not know of (test_watch's stop test saw it, once in a while)."""
    preamble, _body = split_document(starter_tex(tmp_path, "classic"))
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def interrupt(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr("bibcv.texstart.subprocess.Popen", popen)
    if interrupted == "listener":
        monkeypatch.setattr("bibcv.texstart.threading.Thread.start", interrupt)
    else:
        monkeypatch.setattr(WarmEngines, "_keep", interrupt)
    with WarmEngines(keep_warm=True) as engines, pytest.raises(KeyboardInterrupt):
        engines.prepare("cv", tmp_path / "warm", preamble + "\\begin{document}\nx\n")
    assert len(started) == 1 and started[0].returncode is not None
    assert not Path(f"/proc/{started[0].pid}").exists()
    assert bibcv_folders(private_tmp) == []


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_tex_starts_leaves_no_tex(tmp_path, private_tmp, monkeypatch,
                                                 signal_handlers_restored, stop):
    """A signal that lands inside subprocess.Popen, once TeX runs but before Popen has
    returned it, waits until TeX can be stopped: it left TeX running (in 2 runs of 40
    of test_sigterm_during_a_build… at load 10). raise_signal is that moment."""
    preamble, _body = split_document(starter_tex(tmp_path, "classic"))
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        signal.raise_signal(stop)
        return started[-1]

    def stopped(_number, _frame):
        raise SystemExit(1)

    monkeypatch.setattr("bibcv.texstart.subprocess.Popen", popen)
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stopped)  # as launch's SIGTERM handler does
    with pytest.raises(SystemExit):
        WaitingTeX(preamble)
    assert len(started) == 1 and started[0].returncode is not None
    assert not Path(f"/proc/{started[0].pid}").exists()
    assert bibcv_folders(private_tmp) == []


def test_only_a_one_pass_document_split_at_a_line_is_made_warm():
    assert split_document("\\documentclass{article}\\nofiles\n\\begin{document}x\\end{document}")
    assert split_document("\\documentclass{article}\n\\begin{document}x\\end{document}") is None
    assert split_document("\\documentclass{article}\\nofiles\\begin{document}x") is None
    assert split_document("\\documentclass{article}\\nofiles\n") is None


def test_tex_stops_when_bibcv_dies_without_discarding_it(tmp_path):
    """The engine waits on a pipe from bibcv: its end closes with bibcv, and TeX stops."""
    source = starter_tex(tmp_path, "classic")
    preamble, _body = split_document(source)
    engine = WarmEngine(WaitingTeX(preamble))
    try:
        engine.process.stdin.close()  # what the system does when bibcv dies
        assert engine.process.wait(timeout=60) != 0
    finally:
        engine.discard()
    assert not os.path.exists(engine.work)


def test_a_build_runs_tex_on_the_preamble_its_last_build_had(tmp_path, monkeypatch):
    cv, *_rest = create_starter("ada-lovelace", None, tmp_path / "cv", tmp_path / "bib")
    out = tmp_path / "out"
    made = []
    finish = WarmEngine.finish
    monkeypatch.setattr(WarmEngine, "finish",
                        lambda engine, *args: made.append(finish(engine, *args)) or made[-1])
    first = CliRunner().invoke(main, ["build", str(cv), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert made == []  # no earlier build: nothing to guess the preamble from
    again = CliRunner().invoke(main, ["build", str(cv), "-o", str(out), "--force"])
    assert again.exit_code == 0, again.output
    assert len(made) == 1 and made[0] is not None
    cold = build_cv(cv, tmp_path / "cold", formats=("pdf",))
    [cold_pdf] = [path for path in cold.outputs if path.suffix == ".pdf"]
    assert subprocess.run(["cmp", out / "ada-lovelace.pdf", cold_pdf]).returncode == 0


def test_a_new_bibcv_process_starts_tex_before_it_imports_the_rest(tmp_path):
    """`bibcv build` starts TeX on the last preamble before it imports click, pydantic,
    Jinja2, or even pathlib, typing and bibcv's compile module (0.03 s together), and the
    build then uses that engine: one TeX in all, and the same PDF."""
    cv, *_rest = create_starter("ada-lovelace", None, tmp_path / "cv", tmp_path / "bib")
    out = tmp_path / "out"
    build_cv(cv, out, formats=("pdf",))
    script = ("import atexit, sys\nstarted = []\n"
              "def seen(event, args):\n"
              "    if event == 'subprocess.Popen' and args[0] == 'xelatex':\n"
              "        started.append([m for m in ('click', 'pydantic', 'jinja2', 'pathlib',"
              " 'typing', 'bibcv.compile')"
              " if m in sys.modules])\n"
              "sys.addaudithook(seen)\natexit.register(lambda: print(started))\n"
              "from bibcv.launch import main\nmain()\n")
    result = subprocess.run([sys.executable, "-c", script, "build", str(cv), "-o", str(out),
                             "--force"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[[]]"
    cold = build_cv(cv, tmp_path / "cold", formats=("pdf",))
    [cold_pdf] = [path for path in cold.outputs if path.suffix == ".pdf"]
    assert subprocess.run(["cmp", out / "ada-lovelace.pdf", cold_pdf]).returncode == 0


@pytest.mark.parametrize("cvs", [1, 2])
def test_ctrl_c_as_launch_hands_its_engines_over_leaves_no_tex(
        tmp_path, private_tmp, monkeypatch, signal_handlers_restored, cvs):
    """launch starts TeX before the engines exist, then hands each over: a Ctrl-C or
    SIGTERM in between (here, at the last hand-over) leaves no TeX and no folder."""
    cv, *_rest = create_starter("ada-lovelace", None, tmp_path / "cv", tmp_path / "bib")
    out = tmp_path / "out"
    names = [cv]
    if cvs == 2:
        names.append(cv.with_name("grace-hopper.yaml"))
        names[1].write_text(cv.read_text())
    for name in names:
        build_cv(name, out, formats=("pdf",))
    adopt, handed = WarmEngines.adopt, []

    def interrupted_at_last(engines, *args):
        if len(handed) == cvs - 1:
            raise KeyboardInterrupt
        handed.append(adopt(engines, *args))

    monkeypatch.setattr(WarmEngines, "adopt", interrupted_at_last)
    monkeypatch.setattr(sys, "argv", ["bibcv", "build", *map(str, names), "-o", str(out),
                                      "--force"])
    started = []
    real = WaitingTeX.__init__

    def record(tex, preamble):
        real(tex, preamble)
        started.append(tex.process)

    monkeypatch.setattr(WaitingTeX, "__init__", record)
    with pytest.raises(KeyboardInterrupt):
        launch.main()
    assert len(started) == cvs and all(process.returncode is not None for process in started)
    assert not [p for p in started if Path(f"/proc/{p.pid}").exists()]
    assert bibcv_folders(private_tmp) == []


def test_a_sigterm_once_the_build_is_done_ends_the_process_as_the_system_does(tmp_path):
    """A SIGTERM during Python's shutdown (here from an atexit callback) ran bibcv's handler,
    which said "stopped" and raised, and Python ignores an exception there: the process
    ended with status 0 (test_sigterm_during_a_build… saw it under load)."""
    cv, *_rest = create_starter("ada-lovelace", None, tmp_path / "cv", tmp_path / "bib")
    script = ("import atexit, os, signal, time\n"
              "atexit.register(lambda: (os.kill(os.getpid(), signal.SIGTERM), time.sleep(5)))\n"
              "from bibcv.launch import main\nmain()\n")
    result = subprocess.run([sys.executable, "-c", script, "build", str(cv), "-o",
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGTERM, (result.returncode, result.stderr)
    assert "wrote" in result.stdout and result.stderr == ""


def test_sigterm_during_a_build_leaves_no_warm_tex_and_no_folder(tmp_path):
    cv, *_rest = create_starter("ada-lovelace", None, tmp_path / "cv", tmp_path / "bib")
    out = tmp_path / "out"
    build_cv(cv, out, formats=("pdf",))  # its .tex is what the next build starts TeX on
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    build = subprocess.Popen(
        [sys.executable, "-m", "bibcv", "build", str(cv), "-o", str(out), "--force"],
        env={**os.environ, "TMPDIR": str(private_tmp)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (engines := tex_children(build.pid)):  # the warm engine has started
        assert time.monotonic() < deadline and build.poll() is None
        time.sleep(0.01)
    build.send_signal(signal.SIGTERM)
    stdout, stderr = build.communicate(timeout=60)
    # Stopped, unless the signal came only once everything was done.
    assert build.returncode == 128 + signal.SIGTERM or (
        build.returncode == -signal.SIGTERM and "wrote" in stdout), (build.returncode, stderr)
    assert "Traceback" not in stderr
    assert not [pid for pid in engines if Path(f"/proc/{pid}").exists()]
    assert bibcv_folders(private_tmp) == []


@pytest.mark.parametrize("when", ["as launch starts TeX", "as cli builds"])
def test_a_sigterm_whose_exception_python_drops_still_stops_the_build(tmp_path, when):
    """Python runs a signal handler between any two steps, also inside a callback for an
    object being freed, where it prints the handler's exception and drops it: the build
    went on and ended with status 0 (test_sigterm_during_a_build… saw it under load).
    Here a weakref's callback takes the SIGTERM, in launch's time and in the build's."""
    cv, *_rest = create_starter("ada-lovelace", None, tmp_path / "cv", tmp_path / "bib")
    out = tmp_path / "out"
    build_cv(cv, out, formats=("pdf",))  # its .tex is what the next build starts TeX on
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    hooked = ("bibcv.fonts", "start_listing") if when == "as launch starts TeX" else (
        "concurrent.futures", "wait")  # what cli's main thread runs while the build goes on
    script = (
        "import importlib, os, signal, sys, time, weakref\n"
        f"module = importlib.import_module({hooked[0]!r})\n"
        f"real = getattr(module, {hooked[1]!r})\n"
        "class Freed: pass\n"
        "def hooked(*args, **kwargs):\n"
        "    thing = Freed()\n"
        "    ref = weakref.ref(thing, lambda _ref: (os.kill(os.getpid(), signal.SIGTERM),\n"
        "                                           time.sleep(0.5)))\n"
        "    del thing  # the callback runs, the handler in it, and its exception is dropped\n"
        "    return real(*args, **kwargs)\n"
        f"setattr(module, {hooked[1]!r}, hooked)\n"
        "from bibcv.launch import main\nmain()\n")
    build = subprocess.Popen(
        [sys.executable, "-c", script, "build", str(cv), "-o", str(out), "--force"],
        env={**os.environ, "TMPDIR": str(private_tmp)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    stdout, stderr = build.communicate(timeout=120)
    assert "Exception ignored" in stderr  # the case this is about: the exception was dropped
    assert build.returncode == 128 + signal.SIGTERM, (build.returncode, stderr)
    assert stderr.count("stopped: the outputs of the CVs not finished are unchanged") == 1
    assert "wrote" not in stdout
    assert bibcv_folders(private_tmp) == []


def test_a_warm_pass_that_overruns_is_stopped_at_the_time_limit(tmp_path, private_tmp):
    source = starter_tex(tmp_path, "classic")
    looping = source.replace("\\end{document}", "\\def\\loop{x\\loop}\\loop\n\\end{document}")
    with WarmEngines() as engines:
        engines.prepare("cv", tmp_path / "warm", source)
        engines_started = tex_children(os.getpid())
        started = time.monotonic()
        with pytest.raises(BibcvError, match="did not finish within 1 seconds"):
            compile_pdf(looping, "cv", tmp_path / "warm", timeout=1, engines=engines)
        assert time.monotonic() - started < 10
    assert engines_started
    assert not [pid for pid in engines_started if Path(f"/proc/{pid}").exists()]
    assert bibcv_folders(private_tmp) == []
