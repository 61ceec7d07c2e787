"""The JSON Schema editors use, a CV repository of one's own, the installed wheel, page 2."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from bibcv.cli import main
from bibcv.starter import DEBIAN_PACKAGES
from bibcv.theme import builtin_themes
from conftest import REPO, pdf_text, squash, write


def schema_of(theme: str) -> dict:
    result = CliRunner().invoke(main, ["schema", "--theme", theme])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def theme_of(cv: Path) -> str:
    return yaml.safe_load(cv.read_text(encoding="utf-8")).get("theme", "classic")


@pytest.mark.parametrize("cv", sorted((REPO / "cv").glob("*.yaml")), ids=lambda p: p.name)
def test_every_cv_validates_against_the_schema_and_a_misspelt_key_fails(cv):
    """As an editor reads the file: YAML 1.2-ish (date: 2024 is a number), no extends merged."""
    schema = schema_of(theme_of(cv))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = yaml.safe_load(cv.read_text(encoding="utf-8"))
    assert [error.message for error in validator.iter_errors(data)] == []
    data["persn"] = data.pop("person", {"name": "X"})
    assert [error.message for error in validator.iter_errors(data)] == [
        "Additional properties are not allowed ('persn' was unexpected)"]


def test_a_misspelt_key_deep_in_a_section_fails_the_schema():
    validator = jsonschema.Draft202012Validator(schema_of("classic"))
    data = {"sections": {"jobs": {"title": "Jobs", "layout": "entries",
                                  "items": [{"title": "Engineer", "dtae": "1843"}]}}}
    assert not validator.is_valid(data)
    data["sections"]["jobs"]["items"][0]["date"] = data["sections"]["jobs"]["items"][0].pop("dtae")
    assert validator.is_valid(data)


@pytest.mark.parametrize("theme", builtin_themes())
def test_the_schema_files_in_the_repository_are_current(theme):
    committed = json.loads((REPO / "schema" / f"{theme}.json").read_text(encoding="utf-8"))
    assert committed == schema_of(theme), (
        f"schema/{theme}.json is stale: bibcv schema --theme {theme} > schema/{theme}.json")


def test_every_field_of_the_schema_has_a_description():
    schema = schema_of("scholar")
    undescribed = [f"{name}.{field}" for name, definition in
                   [("CV", schema), *schema["$defs"].items()]
                   for field, spec in definition.get("properties", {}).items()
                   if not spec.get("description")]
    assert undescribed == []


def test_init_writes_a_repository_that_points_editors_at_its_schema(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "cvs"), "--name", "Zoë Example"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "cvs"
    written = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    assert written == [".github/workflows/cv.yml", ".gitignore", "Makefile",
                       "bib/zoe-example.bib", "cv/zoe-example.yaml", "schema/classic.json"]
    cv = (folder / "cv" / "zoe-example.yaml").read_text(encoding="utf-8")
    assert cv.startswith("# yaml-language-server: $schema=../schema/classic.json\n")
    assert "$(BIBCV) build $(CVS) -o $(OUT)" in (folder / "Makefile").read_text()
    workflow = yaml.safe_load((folder / ".github" / "workflows" / "cv.yml").read_text())
    steps = " ".join(step.get("run", "") for step in workflow["jobs"]["build"]["steps"])
    assert "apt-get install" in steps and "pipx install" in steps and "make cv" in steps
    # The job's environment must not override what the Makefile runs: BIBCV set to a
    # package spec once made `make cv` run "bibcv==0.1.0 build ..." in CI.
    makefile_variables = re.findall(r"^(\w+) \?=", (folder / "Makefile").read_text(), re.M)
    assert "BIBCV" in makefile_variables
    assert not set(workflow["jobs"]["build"].get("env", {})) & set(makefile_variables)
    again = CliRunner().invoke(main, ["init", str(folder)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_the_ci_workflow_of_init_installs_the_font_of_every_builtin_theme(tmp_path):
    """A CV of the repository may switch to any built-in theme (moderncv: Latin Modern
    Sans, compact: DejaVu Sans): the workflow installs each font's package, as
    scripts/system-deps.sh names it."""
    assert CliRunner().invoke(main, ["init", str(tmp_path / "cvs")]).exit_code == 0
    workflow = (tmp_path / "cvs" / ".github" / "workflows" / "cv.yml").read_text()
    installed = set(re.search(r"apt-get install -y --no-install-recommends (.*)",
                              workflow).group(1).split())
    fonts = dict(re.findall(r'need_font "([^"]+)" (\S+)',
                            (REPO / "scripts" / "system-deps.sh").read_text()))
    themes = REPO / "src" / "bibcv" / "themes"
    theme_fonts = {yaml.safe_load((folder / "theme.yaml").read_text())["design"].get("font")
                   for folder in themes.iterdir()} - {None}
    assert theme_fonts == {"Gentium Book Plus", "Latin Modern Sans", "DejaVu Sans"}
    assert {fonts[font] for font in theme_fonts | {"FontAwesome"}} <= installed


def _fake_npm(folder: Path) -> dict[str, str]:
    """An environment whose npm records its arguments and installs citeproc-js from bibcv's
    own node_modules (the tests have no network), as `npm install citeproc@...` would."""
    folder.mkdir()
    npm = folder / "npm"
    npm.write_text(f"""#!/bin/sh
echo "$@" >> "{folder / 'calls'}"
mkdir -p node_modules && cp -r "{REPO / 'node_modules' / 'citeproc'}" node_modules/
""")
    npm.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def test_the_ci_workflow_of_init_installs_citeproc_for_a_cv_with_a_csl_style(tmp_path):
    """CI once lacked Node.js and citeproc-js, so a CV with `style: apa` failed there.
    The workflow's citeproc step runs here as CI runs it (bash -e, in the repository),
    with an npm that installs offline, then `make cv` as the workflow's next step."""
    from bibcv.csl import CITEPROC_VERSION, find_citeproc

    folder = tmp_path / "cvs"
    assert CliRunner().invoke(main, ["init", str(folder), "--name", "Ada Lovelace"]).exit_code == 0
    workflow = yaml.safe_load((folder / ".github" / "workflows" / "cv.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("uses", step.get("name")) for step in steps]
    assert names == ["actions/checkout@v4", "Install TeX and the fonts", "Install bibcv",
                     "actions/setup-node@v4", "Install citeproc-js if a CV has a CSL style",
                     "Build", "actions/upload-artifact@v4"]
    pinned = json.loads((REPO / "package.json").read_text())["dependencies"]["citeproc"]
    assert pinned == CITEPROC_VERSION
    install = steps[4]["run"]
    assert f"npm install --no-save --no-package-lock --no-audit --no-fund citeproc@{pinned}" \
        in install
    assert "node_modules/" in (folder / ".gitignore").read_text().splitlines()

    env = _fake_npm(tmp_path / "bin")
    env.pop("BIBCV_CITEPROC", None)
    calls = tmp_path / "bin" / "calls"
    subprocess.run(["bash", "-e", "-c", install], cwd=folder, env=env, check=True)
    assert not calls.exists()  # the starter CV is in bibcv's own style: nothing to install
    cv = folder / "cv" / "ada-lovelace.yaml"
    cv.write_text(cv.read_text(encoding="utf-8") + "style: apa\n", encoding="utf-8")
    subprocess.run(["bash", "-e", "-c", install], cwd=folder, env=env, check=True)
    assert calls.read_text().split() == [
        "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
        f"citeproc@{pinned}"]
    # The build finds it there before any other copy (the CV's folder and those above it).
    assert find_citeproc(folder / "cv") == folder / "node_modules/citeproc/citeproc_commonjs.js"
    built = subprocess.run(["make", "cv", f"BIBCV={Path(sys.executable).parent / 'bibcv'}"],
                           cwd=folder, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    text = squash(pdf_text(folder / "build" / "ada-lovelace.pdf"))
    assert "Lovelace, A., & Example, A." in text  # APA, from citeproc-js


def test_the_wheel_installed_in_a_fresh_venv_builds_a_cv_made_by_init(tmp_path):
    """The wheel carries every file bibcv needs; its command starts and builds a repository.

    Dependencies come from the test environment's site-packages (a .pth file), so the
    test needs no network; the wheel's own bibcv is the one imported.
    """
    source = tmp_path / "source"
    shutil.copytree(REPO / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet",
                    "--disable-pip-version-check", "-w", str(tmp_path / "dist"), str(source)],
                   check=True)
    wheel = next((tmp_path / "dist").glob("bibcv-*.whl"))
    packaged = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", "src/bibcv"], cwd=REPO, check=True,
                             capture_output=True, text=True).stdout.split()
    assert {path.removeprefix("src/") for path in tracked} - packaged == set()

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--quiet", "--disable-pip-version-check", str(wheel)],
                   check=True)
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    imported = subprocess.run([python, "-c", "import bibcv; print(bibcv.__file__)"],
                              check=True, capture_output=True, text=True).stdout
    assert imported.startswith(str(venv))

    bibcv = venv / "bin" / "bibcv"
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([bibcv, "init", "ada", "--name", "Ada Lovelace"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)
    built = subprocess.run(["make", "cv"], cwd=tmp_path / "ada", env=env,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    text = squash(pdf_text(tmp_path / "ada" / "build" / "ada-lovelace.pdf"))
    assert "ADA LOVELACE" in text
    assert "[1] Ada Lovelace, Ada Example. An Example Paper Title" in text
    schema = subprocess.run([bibcv, "schema", "--theme", "scholar"], env=env, check=True,
                            capture_output=True, text=True).stdout
    assert "topics" in json.loads(schema)["$defs"]


@pytest.mark.parametrize("theme", ["classic", "scholar"])
def test_a_two_page_cv_numbers_its_later_pages_and_repeats_the_name(tmp_path, theme):
    jobs = "".join(f"      - {{title: Position {n}, date: '{1900 + n}', bullets: "
                   f"[Work that took a whole line of text to describe, number {n}.]}}\n"
                   for n in range(40))
    (tmp_path / "cv").mkdir()
    cv = tmp_path / "cv" / "ada.yaml"
    cv.write_text(f"extends: _base.yaml\ntheme: {theme}\nlast_updated: November 2026\n"
                  "sections:\n  jobs:\n    title: Positions\n    layout: entries\n"
                  f"    items:\n{jobs}", encoding="utf-8")
    write(tmp_path / "cv" / "_base.yaml", "person: {name: Ada Lovelace}\n")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "cv" / "_base.yaml"), str(cv),
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "ada.pdf"
    first, second = (pdf_text_of_page(pdf, page) for page in (1, 2))
    assert "Position 39" not in first  # it did run onto a second page
    assert second.split()[-3:] == ["Ada", "Lovelace", "2"]
    assert first.split()[-3:-1] != ["Ada", "Lovelace"]  # page 1 stays as a one-page CV's
    assert "Last updated: November 2026" in squash(pdf_text(pdf))


def pdf_text_of_page(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], check=True, capture_output=True, text=True).stdout


def test_the_ci_workflow_of_init_installs_cjk_packages_for_chinese_text(tmp_path):
    """The workflow said only 'add fonts-noto-cjk' for Chinese text, so a Chinese CV failed in
    CI for want of xeCJK (texlive-lang-cjk) and ctexhook.sty (texlive-lang-chinese). The
    step's script runs here as CI runs it, with a sudo that records what it was asked."""
    folder = tmp_path / "cvs"
    assert CliRunner().invoke(main, ["init", str(folder), "--name", "Ada Lovelace"]).exit_code == 0
    workflow = yaml.safe_load((folder / ".github" / "workflows" / "cv.yml").read_text())
    script = workflow["jobs"]["build"]["steps"][1]["run"]
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "sudo").write_text(f'#!/bin/sh\necho "$@" >> "{bin_folder / "calls"}"\n')
    (bin_folder / "sudo").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}

    def installed() -> list[str]:
        (bin_folder / "calls").unlink(missing_ok=True)
        subprocess.run(["bash", "-e", "-c", script], cwd=folder, env=env, check=True)
        return [line.split(" --no-install-recommends ")[1]
                for line in (bin_folder / "calls").read_text().splitlines() if "install" in line]

    assert installed() == [DEBIAN_PACKAGES]
    bib = folder / "bib" / "ada-lovelace.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "@misc{zh, title = {分析机}}\n",
                   encoding="utf-8")
    assert installed() == [DEBIAN_PACKAGES, "fonts-noto-cjk texlive-lang-cjk texlive-lang-chinese"]
