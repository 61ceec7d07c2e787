"""The command line and the compile stage, end to end with the real TeX engine."""

from __future__ import annotations

import os
import shutil
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
from bibcv.theme import BUILTIN_THEMES
from conftest import REPO, pdf_bold_runs, pdf_links, pdf_text, squash, write

NEW_PERSON = """\
bibliography: [grace.bib]
person:
  name: Grace Hopper
  contact: {email: grace@example.org, homepage: "https://example.org/~grace?x=1&y=2"}
sections:
  service:
    title: Service
    layout: entries
    items:
      - title: Program committee, *Example Conference*
        date: 2024
  teaching:
    title: Teaching
    layout: dated_list
    items:
      - {text: "Compilers (CS 101) -- 50% lab work & #1 rated", date: Fall 2023}
  talks:
    title: Invited Talks
    layout: bullets
    items:
      - text: "[Nanoseconds](https://example.org/talk#ns), a talk at Example University"
  publications:
    title: Publications
    layout: publications
    query: {author: self}
"""
GRACE_BIB = r"""
@article{cobol,
  author = {Hopper, Grace Murray and Others, Some},
  title = {Compiling {COBOL} \& Friends: 100\% Portable},
  journal = {Journal of Examples},
  year = {1959},
  url = {https://example.org/paper?id=1&lang=en#sec%202},
}
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would, in a real process."""
    return subprocess.run([sys.executable, "-m", "bibcv", *args], capture_output=True,
                          text=True, cwd=REPO)


def test_the_help_names_every_output_a_build_writes():
    """`bibcv --help` and `bibcv build --help` say what the README's Quick start says a
    build writes: the PDF (with its .tex), the web page and the Markdown."""
    top = " ".join(CliRunner().invoke(main, ["--help"]).output.split())
    assert "Build academic CVs (PDF through LaTeX, a web page, Markdown) from BibTeX" in top
    build = " ".join(CliRunner().invoke(main, ["build", "--help"]).output.split())
    assert "Where <stem>.pdf (and .tex), .html and .md are written." in build


def test_build_and_check_without_cv_files_take_every_cv_of_cv_folder(tmp_path, monkeypatch):
    """`bibcv build` and `bibcv check` with no CV named failed ('Missing argument'), while
    `watch` and `serve` take every cv/*.yaml: all four now take those of the folder they
    run in, base files left out without a note, as `make cv` does."""
    (tmp_path / "cv").mkdir()
    write(tmp_path / "grace.bib", GRACE_BIB)
    write(tmp_path / "cv" / "_base.yaml", "bibliography: [../grace.bib]\n")
    for stem in ("hopper", "hopper-short"):
        write(tmp_path / "cv" / f"{stem}.yaml", "extends: _base.yaml\n"
              + NEW_PERSON.removeprefix("bibliography: [grace.bib]\n"))
    monkeypatch.chdir(tmp_path)
    checked = CliRunner().invoke(main, ["check"])
    built = CliRunner().invoke(main, ["build", "-f", "html", "-o", "out"])
    assert (checked.exit_code, checked.output.splitlines()) == (
        0, ["cv/hopper-short.yaml: ok", "cv/hopper.yaml: ok"])
    assert built.exit_code == 0, built.output
    assert sorted(path.name for path in (tmp_path / "out").glob("*.html")) == [
        "hopper-short.html", "hopper.html"]
    assert "Compiling COBOL &amp; Friends" in (tmp_path / "out" / "hopper.html").read_text()
    assert "_base" not in checked.output + built.output


def test_build_without_cv_files_where_there_is_no_cv_folder_says_what_to_do(tmp_path,
                                                                            monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.output == ("no CV to build: name the CV files, or run where "
                             "cv/*.yaml are\n")


def test_check_accepts_the_repository_cvs():
    result = run_cli("check", "cv/zhuofu-chen-v1.yaml", "cv/zhuofu-chen-v2.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "cv/zhuofu-chen-v1.yaml: ok", "cv/zhuofu-chen-v2.yaml: ok"]


def test_user_error_is_one_line_with_file_and_line(tmp_path):
    bad = write(tmp_path / "bad.yaml", "person:\n  name: X\nsection: {}\n")
    result = run_cli("check", str(bad))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{bad}:3: unknown key 'section' in the CV; did you mean 'sections'? "
        "(allowed: bibliography, citations, design, extends, formats, language, last_updated, "
        "order, person, sections, style, terms, theme, venues)")
    assert "Traceback" not in result.stderr


def test_new_sections_need_no_python(tmp_path):
    cv = write(tmp_path / "grace.yaml", NEW_PERSON)
    write(tmp_path / "grace.bib", GRACE_BIB)
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(tmp_path / "out" / "grace.pdf"))
    assert ("[1] Grace Murray Hopper, Some Others. Compiling COBOL & Friends: 100% Portable, "
            "Journal of Examples, 1959.") in text
    assert pdf_links(tmp_path / "out" / "grace.pdf") == [
        "mailto:grace@example.org", "https://example.org/%7Egrace?x=1&y=2",
        "https://example.org/talk#ns", "https://example.org/paper?id=1&lang=en#sec%202"]
    assert "Grace Murray Hopper" in pdf_bold_runs(tmp_path / "out" / "grace.pdf")
    assert "Program committee, Example Conference 2024" in text
    assert "Compilers (CS 101) -- 50% lab work & #1 rated Fall 2023" in text
    assert "Nanoseconds, a talk at Example University" in text
    tex = (tmp_path / "out" / "grace.tex").read_text()
    assert r"\href{https://example.org/talk\#ns}{Nanoseconds}" in tex
    assert r"\href{https://example.org/~grace?x=1&y=2}" not in tex  # ~ is percent-encoded
    assert r"\href{https://example.org/\%7Egrace?x=1&y=2}" in tex


def test_a_theme_adds_a_layout_with_templates_and_data_only(tmp_path):
    theme = tmp_path / "mytheme"
    shutil.copytree(BUILTIN_THEMES / "classic", theme)
    spec_text = (theme / "theme.yaml").read_text().replace(
        "    kind: publications\n",
        "    kind: publications\n"
        "  students:\n    kind: items\n    fields: {name: text, thesis: text}\n"
        "    required: [name]\n")
    (theme / "theme.yaml").write_text(spec_text)
    write(theme / "sections" / "students.tex.j2",
          "((* for s in section.items *))\\textbf{<< s.name >>}: << s.thesis >>\\par\n"
          "((* endfor *))\n")
    cv = write(tmp_path / "cv.yaml", """\
        theme: mytheme
        person: {name: Barbara Liskov}
        sections:
          students:
            title: Students
            layout: students
            items: [{name: A. Student, thesis: On Abstraction}]
        """)
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "A. Student: On Abstraction" in squash(pdf_text(tmp_path / "out" / "cv.pdf"))


def test_failed_build_keeps_the_previous_pdf_and_points_at_the_line(tmp_path):
    theme = tmp_path / "broken"
    shutil.copytree(BUILTIN_THEMES / "classic", theme)
    cv = write(tmp_path / "cv.yaml", "theme: broken\nperson: {name: X}\n")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(cv), "-o", str(out)]).exit_code == 0
    good_pdf = (out / "cv.pdf").read_bytes()
    good_tex = (out / "cv.tex").read_text()

    template = theme / "cv.tex.j2"
    template.write_text(template.read_text().replace(r"\begin{document}",
                                                     "\\begin{document}\n\\nosuchmacro"))
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(out)])
    assert result.exit_code == 1
    failed_tex = out / "cv.failed.tex"
    line = failed_tex.read_text().splitlines().index(r"\nosuchmacro") + 1
    assert result.output.startswith(f"{failed_tex}:{line}: LaTeX error: Undefined control sequence")
    assert f"full log: {out / 'cv.log'}" in result.output
    assert (out / "cv.pdf").read_bytes() == good_pdf
    assert (out / "cv.tex").read_text() == good_tex
    assert not list(out.glob(".*partial"))

    template.write_text(template.read_text().replace("\\nosuchmacro", ""))
    assert CliRunner().invoke(main, ["build", str(cv), "-o", str(out)]).exit_code == 0
    assert not failed_tex.exists() and not (out / "cv.log").exists()


MINIMAL = "\\documentclass{article}\\begin{document}%s\\end{document}\n"


def test_engine_cannot_read_files_outside_its_folder(tmp_path):
    with pytest.raises(BibcvError, match=r"File `/etc/hostname\.tex' not found") as caught:
        compile_pdf(MINIMAL % r"\input{/etc/hostname}", "read", tmp_path)
    assert caught.value.origin.line == 1


def test_engine_cannot_run_programs(tmp_path):
    marker = tmp_path / "ran"
    source = MINIMAL % (r"x\immediate\write18{touch " + str(marker) + "}")
    compiled = compile_pdf(source, "shell", tmp_path)
    assert compiled.pdf.is_file()
    assert not marker.exists()


def test_runaway_engine_is_killed_at_the_timeout(tmp_path):
    started = time.monotonic()
    with pytest.raises(BibcvError, match="did not finish within 2 seconds"):
        compile_pdf(MINIMAL % r"\def\loop{x\loop}\loop", "loop", tmp_path, timeout=2)
    assert time.monotonic() - started < 10
    assert _processes_working_in(f"{tempfile.gettempdir()}/bibcv-{os.getpid()}-") == []


def _processes_working_in(prefix: str) -> list[str]:
    """The ids of processes whose working folder starts with prefix (TeX runs in its folder)."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if os.readlink(cwd).startswith(prefix):
                found.append(cwd.parent.name)
        except OSError:
            continue
    return found
