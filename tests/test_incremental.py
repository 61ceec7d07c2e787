"""Builds are incremental: nothing runs when nothing changed, and any input change rebuilds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibcv.bibliography import load_bibliography
from bibcv.cli import main
from bibcv.theme import BUILTIN_THEMES
from conftest import REPO, write


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of Zhuofu Chen's CVs with a theme of its own, to change at will."""
    shutil.copytree(REPO / "cv", tmp_path / "cv")
    shutil.copytree(REPO / "bib", tmp_path / "bib")
    shutil.copytree(BUILTIN_THEMES / "classic", tmp_path / "cv" / "mytheme")
    base = tmp_path / "cv" / "_zhuofu-chen.yaml"
    base.write_text(base.read_text().replace("theme: classic", "theme: mytheme"))
    return tmp_path


def build(project: Path, *names: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Build; what bibcv said of each CV ("up to date", "wrote ..."), by name."""
    cvs = [str(project / "cv" / f"{name}.yaml") for name in names]
    result = CliRunner().invoke(main, ["build", *cvs, "-o", str(project / "out"), *extra])
    assert result.exit_code == 0, result.output
    verdicts = {}
    for line in result.output.splitlines():
        path, verdict = line.split("] ", 1)[-1].split(": ", 1)
        verdicts[Path(path).stem] = verdict
    assert sorted(verdicts) == sorted(names)
    return verdicts


def test_unchanged_cv_is_not_recompiled(project):
    assert build(project, "zhuofu-chen-v2")["zhuofu-chen-v2"].startswith("wrote")
    pdf = project / "out" / "zhuofu-chen-v2.pdf"
    first = pdf.stat().st_mtime_ns
    (project / "bib" / "zhuofu-chen.bib").touch()  # a new time, the same content
    assert build(project, "zhuofu-chen-v2") == {"zhuofu-chen-v2": "up to date"}
    assert pdf.stat().st_mtime_ns == first
    forced = build(project, "zhuofu-chen-v2", extra=("--force",))
    assert forced["zhuofu-chen-v2"].startswith("wrote")


@pytest.mark.parametrize("change", [
    ("cv/zhuofu-chen-v2.yaml", "Two papers are pending review.", "Two papers are under review."),
    ("cv/_zhuofu-chen.yaml", "aetiurf@gmail.com", "zhuofu@example.org"),
    ("bib/zhuofu-chen.bib", "Fine-Grained", "Fine-grained"),
    ("cv/mytheme/cv.tex.j2", "{\\large\\scshape}", "{\\Large\\scshape}"),
    ("cv/mytheme/sections/publications.tex.j2", "itemsep=0.3ex", "itemsep=0.4ex"),
])
def test_any_change_to_an_input_rebuilds(project, change):
    name, old, new = change
    build(project, "zhuofu-chen-v2", "zhuofu-chen-v1")
    assert set(build(project, "zhuofu-chen-v2", "zhuofu-chen-v1").values()) == {"up to date"}
    path = project / name
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    verdicts = build(project, "zhuofu-chen-v2", "zhuofu-chen-v1")
    assert verdicts["zhuofu-chen-v2"].startswith("wrote")
    # v1 shows no publications but reads the same bib file and theme, so it rebuilds too,
    # except for a change to v2's own file.
    assert verdicts["zhuofu-chen-v1"].startswith("wrote") != name.endswith("v2.yaml")


def test_parallel_build_of_many_cvs(project):
    for index in range(6):
        write(project / "cv" / f"copy{index}.yaml",
              f"extends: zhuofu-chen-v2.yaml\nsections:\n  research:\n    title: Topic {index}\n")
    verdicts = build(project, *[f"copy{index}" for index in range(6)], extra=("-j", "2"))
    assert all(verdict.startswith("wrote") for verdict in verdicts.values())
    assert len(list((project / "out").glob("copy*.pdf"))) == 6


def test_parsed_bib_files_are_cached_by_content(tmp_path):
    bib = write(tmp_path / "refs.bib", "@misc{a, title = {First}}\n")
    cache = tmp_path / "cache"
    assert load_bibliography([bib], cache).entries["a"].text("title") == "First"
    [cached] = cache.glob("bib-*.json")
    cached.write_text(cached.read_text().replace("First", "From the cache"))
    assert load_bibliography([bib], cache).entries["a"].text("title") == "From the cache"
    write(bib, "@misc{a, title = {Second}}\n")
    assert load_bibliography([bib], cache).entries["a"].text("title") == "Second"
    assert len(list(cache.glob("bib-*.json"))) == 2


def test_quick_commands_do_not_import_the_heavy_modules(tmp_path):
    """--help, and a build with nothing to do, must not pay for Jinja2 or bibtexparser."""
    import subprocess
    import sys

    script = ("import sys\nfrom bibcv.cli import main\ntry:\n    main()\nexcept SystemExit:\n"
              "    pass\nprint(sorted(m for m in ('jinja2', 'bibtexparser', 'pylatexenc', 'yaml')"
              " if m in sys.modules))\n")
    cv = str(REPO / "cv" / "zhuofu-chen-v1.yaml")
    out = str(tmp_path / "out")
    subprocess.run([sys.executable, "-m", "bibcv", "build", cv, "-o", out], check=True,
                   capture_output=True)
    for args in (["--help"], ["build", cv, "-o", out]):
        result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                                text=True, check=True)
        assert result.stdout.strip().splitlines()[-1] == "[]", (args, result.stdout)


def test_an_up_to_date_build_answers_as_the_command_line_does_without_importing_it(
        project):
    """`make cv` with nothing changed: `bibcv` says so before click (or bibcv.cli) is
    imported, in the command line's own words; any other form is left to it."""
    import subprocess
    import sys

    script = ("import atexit, sys\n"
              "atexit.register(lambda: print(sorted(m for m in ('click', 'bibcv.cli')\n"
              "                                      if m in sys.modules)))\n"
              "from bibcv.launch import main\nmain()\n")
    names = ("zhuofu-chen-v2", "zhuofu-chen-v1")
    cvs = [str(project / "cv" / f"{name}.yaml") for name in names]
    out = str(project / "out")
    assert set(build(project, *names).values()) != {"up to date"}
    for args in (["build", cvs[0], "-o", out], ["build", *cvs, "--output-dir", out],
                 ["build", *cvs, f"--output-dir={out}", "-j", "1"]):
        quick = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                               text=True, check=True)
        said = CliRunner().invoke(main, args).output
        imported = "['bibcv.cli', 'click']" if "-j" in args else "[]"
        assert quick.stdout == f"{said}{imported}\n", args


def test_a_build_that_ends_at_once_still_runs_exit_handlers_and_flushes_its_output(project):
    """launch ends a build's process with os._exit, skipping Python's teardown (0.015-0.02 s):
    the exit handlers still run, all output is written, and the status is the build's."""
    import subprocess
    import sys

    script = ("import atexit\natexit.register(lambda: print('exit handler ran'))\n"
              "from bibcv.launch import main\nmain()\n")
    cv, out = project / "cv" / "zhuofu-chen-v2.yaml", project / "out"
    built = subprocess.run([sys.executable, "-c", script, "build", str(cv), "-o", str(out)],
                           capture_output=True, text=True)
    assert (built.returncode, built.stderr) == (0, "")
    assert built.stdout == (f"{cv}: wrote {out / 'zhuofu-chen-v2.pdf'}, "
                            f"{out / 'zhuofu-chen-v2.tex'}\nexit handler ran\n")
    cv.write_text(cv.read_text(encoding="utf-8") + "\nsections: [\n", encoding="utf-8")
    failed = subprocess.run([sys.executable, "-c", script, "build", str(cv), "-o", str(out)],
                            capture_output=True, text=True)
    assert failed.returncode == 1 and failed.stdout == "exit handler ran\n"
    assert failed.stderr.startswith(f"{cv}:"), failed.stderr


def test_pdf_and_web_builds_of_the_same_inputs_keep_each_other_up_to_date(project):
    """`make cv` then `make site`, and again: neither rebuilds what the other made."""
    assert build(project, "zhuofu-chen-v2")["zhuofu-chen-v2"] == (
        f"wrote {project}/out/zhuofu-chen-v2.pdf, {project}/out/zhuofu-chen-v2.tex")
    site = build(project, "zhuofu-chen-v2", extra=("--format", "html,md"))
    assert site["zhuofu-chen-v2"] == (  # the page's per-entry .bib files are not listed
        f"wrote {project}/out/zhuofu-chen-v2.html, {project}/out/zhuofu-chen-v2.md")
    assert build(project, "zhuofu-chen-v2") == {"zhuofu-chen-v2": "up to date"}
    assert build(project, "zhuofu-chen-v2", extra=("--format", "html,md")) == {
        "zhuofu-chen-v2": "up to date"}
    next(project.glob("out/zhuofu-chen-v2/bib/*.bib")).unlink()  # a lost output rebuilds
    assert build(project, "zhuofu-chen-v2")["zhuofu-chen-v2"].startswith("wrote")


def test_bibcv_digest_is_kept_with_its_files_times_and_made_again_when_one_changes(
        tmp_path, monkeypatch):
    """bibcv's own files are hashed once; while their sizes and times stay, the kept digest
    is used (here a planted one shows it); an edit hashes them again, and the same
    contents with a new time give the same digest."""
    from bibcv import incremental

    package = tmp_path / "package"
    (package / "themes").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    write(package / "code.py", "print('one')\n")
    write(package / "themes" / "cv.tex.j2", "\\documentclass{article}\n")
    write(package / "__pycache__" / "code.cpython-311.pyc", "ignored")
    state = tmp_path / "out" / ".bibcv"
    state.mkdir(parents=True)
    monkeypatch.setattr(incremental, "PACKAGE", package)

    def fingerprint(state_dir: Path | None) -> str:
        incremental.bibcv_fingerprint.cache_clear()
        return incremental.bibcv_fingerprint(state_dir)

    hashed = fingerprint(None)
    assert fingerprint(state) == hashed
    kept = state / incremental.FINGERPRINT_FILE
    record = json.loads(kept.read_text())
    kept.write_text(json.dumps({**record, "digest": "planted"}))
    assert fingerprint(state) == "planted"
    (package / "__pycache__" / "code.cpython-311.pyc").write_text("changed, still ignored")
    assert fingerprint(state) == "planted"
    os.utime(package / "code.py", ns=(0, 10**18))  # the same content, a new time
    assert fingerprint(state) == hashed
    write(package / "code.py", "print('two')\n")
    edited = fingerprint(state)
    assert edited not in (hashed, "planted") and edited == fingerprint(None)
    assert json.loads(kept.read_text())["digest"] == edited
    assert fingerprint(tmp_path / "no-build-yet") == edited
    assert not (tmp_path / "no-build-yet").exists()


def test_pydantic_does_not_look_for_plugins_and_its_loader_still_answers():
    """Loading a CV builds pydantic's validators without importlib.metadata (pydantic's
    plugin search, 0.015 s of a build); anything else asked of the plugin loader comes
    from the real one."""
    import subprocess
    import sys

    script = ("import sys\nfrom pathlib import Path\nfrom bibcv.load import load_cv\n"
              f"cv, theme = load_cv(Path({str(REPO / 'cv' / 'zhuofu-chen-v2.yaml')!r}))\n"
              "print(cv.person.display_name, 'importlib.metadata' in sys.modules)\n"
              "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP, get_plugins\n"
              "print(PYDANTIC_ENTRY_POINT_GROUP, list(get_plugins()))\n")
    said = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True).stdout.splitlines()
    assert said == ["Zhuofu Chen False", "pydantic []"]
