"""Output and command-line hardening (issue 20): odd targets, odd names, odd options,
full disks and signals end with a plain message and leave nothing behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibcv.backends.latex import TEX_LINE_LIMIT, render_tex, wrap_long_lines
from bibcv.cli import main
from bibcv.compile import compile_pdf
from bibcv.document import load_document
from bibcv.errors import BibcvError, Origin
from bibcv.pipeline import build_cv
from conftest import REPO, pdf_text, write

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


def test_a_full_standard_output_is_said_plainly_when_all_is_up_to_date(tmp_path):
    """The quick answer of an up-to-date build (see launch) fails over to the command
    line, which says it plainly, as for any other output."""
    cv = starter(tmp_path, cv=STARTER_CV + "formats: [md]\n")
    args = ("build", str(cv), "-o", str(tmp_path / "out"))
    assert "wrote" in run_bibcv(*args).stdout
    assert run_bibcv(*args).stdout == f"{cv}: up to date\n"
    with open("/dev/full", "w") as full:
        result = run_bibcv(*args, stdout=full)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr == "bibcv: cannot write to standard output: No space left on device\n"


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


def _slow_xelatex(folder: Path) -> dict[str, str]:
    """An environment whose xelatex waits 60 s before it runs the real one: a build that
    stops at once after SIGTERM ends long before, one that waits for TeX fails the test."""
    real = shutil.which("xelatex")
    assert real, "xelatex is not installed"
    folder.mkdir()
    wrapper = folder / "xelatex"
    wrapper.write_text(f'#!/bin/sh\nsleep 60\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def _worker_threads(pid: int) -> list[int]:
    return [int(task) for task in os.listdir(f"/proc/{pid}/task") if int(task) != pid]


# Where the signal lands: the build's process (the kernel hands it to the main thread,
# mostly), or a worker thread: the kernel may pick any thread, and does when the main
# thread is slow to wake while a worker starts TeX with signals blocked (once in a full
# parallel `make test`). kill() on a thread's id makes that thread the one that takes it.
@pytest.mark.parametrize(("warm", "target"), [
    (False, "process"),   # TeX started cold: the signal lands on the main thread
    (False, "worker"),    # the same, taken by the worker thread running TeX
    (True, "worker"),     # the worker has handed the body to the warm engine
])
def test_sigterm_stops_the_build_and_leaves_nothing_behind(tmp_path, warm, target):
    cv = starter(tmp_path)
    out = tmp_path / "out"
    if warm:  # the last build's .tex: the build starts TeX on its preamble up front
        out.mkdir()
        write(out / "cv.tex", render_tex(load_document(cv)).source)
    build = subprocess.Popen([sys.executable, "-m", "bibcv", "build", str(cv), "-o", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=_slow_xelatex(tmp_path / "bin"))
    # TeX has started cold, or the warm engine has the body: the builder waits on it.
    started = "warm-*/cv-body.tex" if warm else "*"
    deadline = time.monotonic() + 30
    while not list(Path(tempfile.gettempdir()).glob(f"bibcv-{build.pid}-{started}")):
        assert time.monotonic() < deadline and build.poll() is None
        time.sleep(0.02)
    try:
        for pid in _worker_threads(build.pid) if target == "worker" else [build.pid]:
            os.kill(pid, signal.SIGTERM)
        _stdout, stderr = build.communicate(timeout=30)
    finally:
        build.kill()
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


# 1. export-bib -o onto what is not a plain file.
def test_export_onto_a_symlink_writes_the_file_it_points_to(tmp_path):
    starter(tmp_path)
    real = tmp_path / "real.bib"
    real.write_text("old\n")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    result = CliRunner().invoke(main, ["export-bib", str(tmp_path / "refs.bib"), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "@article{one," in real.read_text()


def test_export_into_a_fifo_gives_its_reader_the_text(tmp_path):
    starter(tmp_path)
    fifo = tmp_path / "pipe.bib"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    result = run_bibcv("export-bib", str(tmp_path / "refs.bib"), "-o", str(fifo))
    assert result.returncode == 0, result.stderr
    assert "@article{one," in reader.communicate(timeout=30)[0]
    assert fifo.is_fifo()


def test_export_onto_devices_writes_into_them(tmp_path):
    starter(tmp_path)
    assert run_bibcv("export-bib", str(tmp_path / "refs.bib"), "-o", "/dev/null").returncode == 0
    assert Path("/dev/null").is_char_device()
    full = run_bibcv("export-bib", str(tmp_path / "refs.bib"), "-o", "/dev/full")
    no_traceback(full)
    assert full.returncode == 1
    assert full.stderr.strip().endswith("cannot write /dev/full: No space left on device")
    assert "wrote" not in full.stderr
    assert Path("/dev/full").is_char_device()


def test_export_onto_a_folder_is_refused(tmp_path):
    starter(tmp_path)
    (tmp_path / "folder.bib").mkdir()
    result = CliRunner().invoke(main, ["export-bib", str(tmp_path / "refs.bib"),
                                       "-o", str(tmp_path / "folder.bib")])
    assert result.exit_code in (1, 2)
    assert "folder" in result.output.lower() or "directory" in result.output.lower()
    assert (tmp_path / "folder.bib").is_dir()


def test_export_to_dash_is_standard_output(tmp_path, monkeypatch):
    starter(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export-bib", "refs.bib", "-o", "-"])
    assert result.exit_code == 0
    assert "\n@article{one," in result.output and result.output.startswith("% Encoding: UTF-8")
    assert not (tmp_path / "-").exists()


# 5. A damaged cache is read again, not trusted.
@pytest.mark.parametrize("damage", [
    "{not json", "[]", '{"entries": 5}', '{"entries": [[1, 2]], "preambles": [], "warnings": []}',
    '{"entries": [["one", "article", {"title": 5}, 1]], "preambles": [], "warnings": []}',
    '{"entries": [], "preambles": [], "warnings": [["x", "line"]]}', ""])
def test_a_damaged_bibliography_cache_is_read_again(tmp_path, damage):
    cv = starter(tmp_path)
    out = tmp_path / "out"
    args = ["build", str(cv), "-o", str(out), "--format", "md"]
    assert CliRunner().invoke(main, args).exit_code == 0
    caches = list((out / ".bibcv").glob("bib-*.json"))
    assert len(caches) == 1
    caches[0].write_text(damage)
    for extra in ([], ["--force"]):
        (out / "cv.md").unlink()
        result = CliRunner().invoke(main, args + extra)
        assert result.exit_code == 0, result.output
        assert "Notes" in (out / "cv.md").read_text()
    assert caches[0].read_text() != damage  # written again, sound


# 11. An output emptied or changed since the build is not up to date.
@pytest.mark.parametrize("change", ["empty", "edit", "delete"])
def test_an_output_changed_after_the_build_is_built_again(tmp_path, change):
    cv = starter(tmp_path)
    out = tmp_path / "out"
    args = ["build", str(cv), "-o", str(out), "--format", "md,html"]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert "up to date" in CliRunner().invoke(main, args).output
    page = out / "cv.md"
    good = page.read_text()
    if change == "empty":
        page.write_text("")
    elif change == "edit":
        page.write_text(good.replace("Notes", "Nodes"))
    else:
        page.unlink()
    result = CliRunner().invoke(main, args)
    assert "up to date" not in result.output and "wrote" in result.output
    assert page.read_text() == good


# 12. Every mistake of a CV at once, in file and line order; warnings in a fixed order.
def test_a_contact_address_is_reported_with_the_other_mistakes(tmp_path):
    cv = starter(tmp_path, cv="""\
        bibliography: [refs.bib]
        person:
          name: Ada Lovelace
          contact:
            homepage: ftp://example.org/ada
        sections:
          a:
            title: A
            layout: bullets
            items:
              - text: "[x](javascript:alert(1))"
        """)
    result = CliRunner().invoke(main, ["check", str(cv)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{cv}:5: contact 'homepage': link target 'ftp://example.org/ada' "
                               "is not allowed")
    assert lines[1].startswith(f"{cv}:11: link target 'javascript:alert(1)' is not allowed")


def test_warnings_come_in_file_and_line_order(tmp_path):
    entries = "".join(f"@article{{k{index}, author = {{Ada Lovelace}}, title = {{T{index}}},\n"
                      "  journal = {J}}\n" for index in range(12))
    write(tmp_path / "refs.bib", entries)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections:
          one: {title: One, layout: publications, query: {author: self}}
          two: {title: Two, layout: publications, query: {author: self, sort: [-title]}}
        """)
    result = CliRunner().invoke(main, ["check", str(cv)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "warning:" in line]
    assert len(warnings) == 12 + 12  # each entry lacks a year; each is shown twice
    keys = [line.split("'")[1] for line in warnings if "shown in section" in line]
    assert keys == sorted(keys)
    positions = [(line.split(":")[0], int(line.split(":")[1])) for line in warnings]
    assert positions == sorted(positions)


# Minor: a folder or a device named as the bibliography is said to be one.
@pytest.mark.parametrize(("name", "said"), [
    ("folder", "is a folder"), ("/dev/zero", "is not a regular file but a device")])
def test_a_bibliography_that_is_not_a_file_is_named_for_what_it_is(tmp_path, name, said):
    (tmp_path / "folder").mkdir()
    cv = starter(tmp_path, cv=STARTER_CV.replace("refs.bib", name))
    result = CliRunner().invoke(main, ["check", str(cv)])
    assert result.exit_code == 1
    assert f"{cv}:1: bibliography file {name!r} {said}" in result.output
    link = tmp_path / "zero.bib"
    link.symlink_to("/dev/zero")
    result = CliRunner().invoke(main, ["export-bib", str(link)])
    assert result.exit_code == 1
    assert "is not a regular file but a device" in result.output


# Minor: academicpages pages of papers no longer shown go; only files bibcv wrote.
def test_academicpages_removes_only_its_own_pages_of_papers_no_longer_shown(tmp_path):
    write(tmp_path / "refs.bib", "".join(
        f"@article{{k{index}, author = {{Ada Lovelace}}, title = {{Paper {index}}}, "
        f"journal = {{J}}, year = {2020 + index}}}\n" for index in range(3)))
    cv = write(tmp_path / "cv.yaml", STARTER_CV)
    site = tmp_path / "site"
    (site / "_publications").mkdir(parents=True)
    own = site / "_publications" / "2019-01-01-written-by-hand.md"
    own.write_text("mine\n")
    export = ["export-academicpages", str(cv), "-o", str(site)]
    assert CliRunner().invoke(main, export).exit_code == 0
    pages = sorted(p.name for p in (site / "_publications").iterdir())
    assert len(pages) == 4

    cv.write_text(STARTER_CV.replace("{author: self}", "{author: self, exclude: [k0, k1]}"))
    edited = site / "_publications" / "2021-01-01-paper-1.md"
    edited.write_text(edited.read_text() + "my note\n")
    result = CliRunner().invoke(main, export)
    assert result.exit_code == 0, result.output
    assert f"removed {site / '_publications' / '2020-01-01-paper-0.md'}" in result.output
    assert f"removed {site / 'files' / 'k0.bib'}" in result.output
    assert (f"{edited}: warning: this page's paper is no longer shown, but the file was "
            "changed after bibcv wrote it, so it is kept (with files/k1.bib, which it links "
            "to)") in result.output
    assert sorted(p.name for p in (site / "_publications").iterdir()) == [
        own.name, edited.name, "2022-01-01-paper-2.md"]
    # The kept page's BibTeX stays too: its "bibtexurl" still links to it (it used to go).
    assert sorted(p.name for p in (site / "files").iterdir()) == ["k1.bib", "k2.bib"]
    assert "/files/k1.bib" in edited.read_text()

    # Once the page is deleted, the next export leaves the .bib file alone: it is the
    # user's now (it left bibcv's list with the page), as is anything bibcv no longer lists.
    edited.unlink()
    cv.write_text(STARTER_CV.replace("{author: self}", "{author: self, exclude: [k0, k1, k2]}"))
    result = CliRunner().invoke(main, export)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (site / "files").iterdir()) == ["k1.bib"]


# 7. Lines longer than TeX's buffer are wrapped where TeX reads the break as before.
def test_a_value_longer_than_texs_buffer_builds(tmp_path):
    long_text = " ".join(f"w{index}" for index in range(33_000))  # over 200,000 characters
    cv = starter(tmp_path, cv=STARTER_CV + f"last_updated: {long_text}\n")
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    tex = (tmp_path / "out" / "cv.tex").read_text()
    assert max(len(line) for line in tex.splitlines()) <= TEX_LINE_LIMIT
    assert "w32999" in pdf_text(tmp_path / "out" / "cv.pdf")


def test_wrapped_lines_typeset_exactly_as_unwrapped_ones(tmp_path):
    document = load_document(REPO / "tests" / "style" / "stress.yaml")
    source = render_tex(document).source
    wrapped, breaks = wrap_long_lines(source, width=25)
    assert len(breaks) > 200 and "%\n" in wrapped
    stamp = 1_700_000_000
    one = compile_pdf(source, "one", tmp_path, source_date=stamp)
    two = compile_pdf(wrapped, "two", tmp_path, source_date=stamp)
    assert pdf_text(one.pdf) == pdf_text(two.pdf)


def test_wrapping_never_cuts_a_command_a_link_or_a_comment():
    line = ("\\textbf{" + "x" * 40 + "}\\href{https://example.org/" + "a" * 40 + "}{link}"
            + "\\textasciicircum{}" * 4 + " % a comment that runs on and on and on")
    wrapped, _ = wrap_long_lines(line, width=10)
    assert wrapped.replace("%\n", "").replace("\n", " ") == line
    assert "\\href{https://example.org/" + "a" * 40 + "}" in wrapped
    assert "% a comment that runs on and on and on" in wrapped
    for piece in wrapped.split("\n"):
        assert not piece.endswith("\\") and not piece.startswith(" ")
    assert re.findall(r"\\[A-Za-z]+", wrapped) == re.findall(r"\\[A-Za-z]+", line)


# 7 and 13. The source map names the CV line of a value after wrapped lines, in a CV of
# thousands of values (counted in one pass; `make bench` times it).
def test_the_source_map_finds_values_after_wrapped_lines(tmp_path):
    items = "".join(f"      - text: item {index} " + "word " * (1000 if index % 100 == 1 else 2)
                    + "\n" for index in range(3000))
    cv = starter(tmp_path, cv=STARTER_CV + "  many:\n    title: Many\n    layout: bullets\n"
                 "    items:\n" + items + "order: [many, papers]\n")
    rendered = render_tex(load_document(cv))
    lines = rendered.source.splitlines()
    for index in (0, 1, 2, 1234, 2999):
        tex_line = next(number for number, text in enumerate(lines, 1)
                        if f"item {index} " in text or text.endswith(f"item {index}"))
        assert rendered.source_map.origin_at(tex_line) == Origin(cv, 9 + index)


def test_unicode_spaces_build_in_a_font_that_has_no_glyph_for_them(tmp_path):
    """A Chicago-style title "Machinery : The …" (citeproc-js writes U+202F before the
    colon) and GB/T 7714's U+2003 stopped the moderncv theme's build: Latin Modern Sans has
    neither glyph.  They are TeX's spacing now, so any font sets them."""
    spaces = "\u2002\u2003\u2007\u2009\u202f"
    cv = starter(tmp_path, cv=STARTER_CV.replace(
        "sections:", f"theme: moderncv\nsections:\n  note: {{title: Note, layout: paragraph, "
        f"text: \"Machinery\u202f: The{''.join(f' w{space}x' for space in spaces)}\"}}"))
    [pdf] = [path for path in build_cv(cv, tmp_path / "out").outputs if path.suffix == ".pdf"]
    text = " ".join(pdf_text(pdf).split())
    assert "Machinery : The w x w x w x w x w x" in text, text
