"""Output and command-line hardening (issue 20): odd targets, odd names, odd options,
full disks and signals end with a plain message and leave nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibcv.cli import main
from bibcv.compile import compile_pdf
from bibcv.errors import BibcvError
from conftest import pdf_text, write

STARTER_CV = """\
bibliography: [refs.bib]
person: {name: Ada Lovelace}
sections:
  papers: {title: Papers, layout: publications, query: {author: self}}
"""
STARTER_BIB = ("@article{one, author = {Ada Lovelace}, title = {Notes}, journal = {J}, "
               "year = 1843}\n")


def starter(folder: Path, stem: str = "cv", cv: str = STARTER_CV) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / "refs.bib", STARTER_BIB)
    return write(folder / f"{stem}.yaml", cv)


def run_bibcv(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
              stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bibcv", *args], cwd=cwd, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
                          timeout=120)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, \
        result.stderr


# 8. The CV's file name is not TeX's file name.
def test_cv_names_with_characters_special_to_tex_build(tmp_path):
    names = ["c%20d", 'i"j', "-m", "n$(x)"]
    cvs = [starter(tmp_path, name) for name in names]
    result = run_bibcv("build", "-o", str(tmp_path / "out"), *map(str, cvs))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    for name in names:
        assert "Notes" in pdf_text(tmp_path / "out" / f"{name}.pdf")
        assert (tmp_path / "out" / f"{name}.tex").is_file()


# 7. What TeX says only on its terminal is reported; a bad SOURCE_DATE_EPOCH is named.
def test_an_error_tex_prints_only_on_its_terminal_is_reported(tmp_path):
    source = "\\documentclass{article}\\begin{document}\n%s\n\\end{document}\n" % ("x" * 210_000)
    with pytest.raises(BibcvError) as caught:
        compile_pdf(source, "long", tmp_path)
    assert "Unable to read an entire line---bufsize=200000" in str(caught.value)
    assert "without saying why" not in str(caught.value)


def test_a_source_date_epoch_that_is_no_number_is_named(tmp_path):
    cv = starter(tmp_path)
    result = run_bibcv("build", str(cv), "-o", str(tmp_path / "out"),
                       env={"SOURCE_DATE_EPOCH": "abc"})
    no_traceback(result)
    assert result.returncode == 1
    assert f"{cv}: the environment variable SOURCE_DATE_EPOCH is 'abc'" in result.stderr
    assert not (tmp_path / "out" / "cv.failed.tex").exists()


# 6. Odd options are refused before anything runs.
@pytest.mark.parametrize("seconds", ["nan", "inf", "-inf", "0", "-5"])
def test_a_timeout_that_is_no_positive_number_is_refused(tmp_path, seconds):
    cv = starter(tmp_path)
    for command in ("build", "watch"):
        result = CliRunner().invoke(main, [command, str(cv), f"--timeout={seconds}"])
        assert result.exit_code == 2
        assert "is not a number of seconds TeX may run; give a number above 0" in result.output
        assert not isinstance(result.exception, ValueError)
    assert not (tmp_path / "build").exists()


# Minor: the timeout names its CV.
def test_a_timeout_names_the_cv(tmp_path):
    cv = starter(tmp_path)
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(tmp_path / "out"),
                                       "--timeout", "0.01"])
    assert result.exit_code == 1
    assert result.output.startswith(f"{cv}: TeX did not finish within 0.01 seconds")


# 6. Standard output that cannot be written.
@pytest.mark.parametrize("command", [
    ["export-bib", "{bib}"], ["schema"], ["build", "{cv}", "-o", "{out}", "--format", "md"]])
def test_a_full_standard_output_is_said_plainly(tmp_path, command):
    cv = starter(tmp_path)
    args = [a.format(bib=tmp_path / "refs.bib", cv=cv, out=tmp_path / "out") for a in command]
    with open("/dev/full", "w") as full:
        result = run_bibcv(*args, stdout=full)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.endswith("bibcv: cannot write to standard output: "
                                  "No space left on device\n")


# Minor: the same CV named three times is built once.
def test_the_same_cv_named_three_times_compiles_once(tmp_path, monkeypatch):
    cv = starter(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "cv.yaml", "./cv.yaml", str(cv), "-o", "out"])
    assert result.exit_code == 0, result.output
    assert result.output.count("wrote") == 1
    assert "[1/" not in result.output


# Minor: SIGTERM stops a build as Ctrl-C does; kill -9 leaves a folder the next build removes.
def _work_folders(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"bibcv-{pid}-*"))


def test_sigterm_stops_the_build_and_leaves_nothing_behind(tmp_path):
    cv = starter(tmp_path)
    out = tmp_path / "out"
    build = subprocess.Popen([sys.executable, "-m", "bibcv", "build", str(cv), "-o", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not _work_folders(build.pid):  # TeX has started
        assert time.monotonic() < deadline and build.poll() is None
        time.sleep(0.02)
    build.send_signal(signal.SIGTERM)
    _stdout, stderr = build.communicate(timeout=30)
    assert build.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in stderr
    assert "stopped: the outputs of the CVs not finished are unchanged" in stderr
    assert _work_folders(build.pid) == []
    assert not (out / "cv.pdf").exists() and not (out / "cv.failed.tex").exists()


def test_a_build_removes_the_folders_of_killed_builds_only(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    killed = Path(tempfile.mkdtemp(prefix=f"bibcv-{gone.pid}-"))
    (killed / "cv.tex").write_text("left by kill -9")
    alive = Path(tempfile.mkdtemp(prefix=f"bibcv-{os.getpid()}-"))
    try:
        cv = starter(tmp_path)
        result = CliRunner().invoke(main, ["build", str(cv), "-o", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
        assert not killed.exists()
        assert alive.is_dir()
    finally:
        alive.rmdir()


# 9. A full disk leaves no half-written files behind.
def _limit_file_size(size: int):
    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


def test_writes_that_fail_midway_leave_no_partial_files(tmp_path):
    cv = starter(tmp_path)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "bibcv", "build", str(cv), "-o", str(out),
                             "--format", "html,md"], capture_output=True, text=True,
                            preexec_fn=_limit_file_size(1500), timeout=120)
    no_traceback(result)
    assert result.returncode == 1
    assert "cannot write the outputs: [Errno 27] File too large" in result.stderr
    assert [p.name for p in out.rglob("*partial*")] == []


def test_a_pdf_whose_copy_fails_midway_leaves_no_partial_files(tmp_path, monkeypatch):
    import shutil

    from bibcv import compile as compile_module

    copies, real_copy = [], shutil.copyfile

    def copy_then_fill_the_disk(source: str, target: str) -> None:
        copies.append(target)
        if len(copies) == 2:  # the PDF, after the .tex
            Path(target).write_bytes(b"%PDF-1.5 half")
            raise OSError(28, "No space left on device")
        real_copy(source, target)

    monkeypatch.setattr(compile_module.shutil, "copyfile", copy_then_fill_the_disk)
    with pytest.raises(OSError, match="No space left"):
        compile_pdf("\\documentclass{article}\\begin{document}x\\end{document}\n", "cv", tmp_path)
    assert [Path(target).suffix for target in copies] == [".partial", ".partial"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
