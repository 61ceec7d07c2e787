"""TeX loads an inflated copy of XeLaTeX's format: the same PDF, and only a copy of the
format XeLaTeX itself would load (see bibcv.texformat)."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bibcv import texformat
from bibcv.compile import CompiledCV, compile_pdf
from bibcv.warmtex import WarmEngines
from conftest import REPO, pdf_text

CV = REPO / "cv" / "zhuofu-chen-v2.yaml"


def kpsewhich(name: str, env: dict[str, str] | None = None) -> Path:
    said = subprocess.run(["kpsewhich", "-engine=xetex", f"-progname={name}", f"{name}.fmt"],
                          capture_output=True, text=True, check=True, env=env)
    return Path(said.stdout.strip())


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A cache folder of this test's own, and kpsewhich asked afresh."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(texformat, "_lookup", None)
    monkeypatch.setattr(texformat, "_answer", [])
    return tmp_path / "cache" / "bibcv" / "xelatex-format"


def build(out: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`bibcv build --force` in a new process, as `make cv` runs it."""
    return subprocess.run([str(Path(sys.executable).parent / "bibcv"), "build", str(CV), "-o",
                           str(out), "--force"], capture_output=True, text=True, env=env)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_build_keeps_the_format_inflated_and_later_builds_load_it_to_the_same_pdf(
        cache, tmp_path):
    env = dict(os.environ)
    first = build(tmp_path / "out", env)
    assert first.returncode == 0, first.stderr
    pdf = (tmp_path / "out" / f"{CV.stem}.pdf").read_bytes()
    original = kpsewhich("xelatex")
    [copy] = cache.glob(f"*/{texformat.FORMAT}")
    assert sha256(copy.read_bytes()) == sha256(gzip.decompress(original.read_bytes()))
    assert (cache / "source").read_text() == str(original)
    assert copy.parent.stat().st_mode & 0o777 == 0o700
    assert copy.stat().st_mode & 0o777 == 0o644

    again = build(tmp_path / "out", env)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "out" / f"{CV.stem}.pdf").read_bytes() == pdf

    # TeX does read the copy: the plain XeTeX format put in its place has no LaTeX.
    shutil.copyfile(kpsewhich("xetex"), copy)
    planted = build(tmp_path / "out", env)
    assert planted.returncode != 0
    assert "failed.tex:1: LaTeX error: Undefined control sequence" in planted.stderr
    assert "l.1 \\documentclass" in (tmp_path / "out" / f"{CV.stem}.log").read_text()


def test_an_engine_started_on_the_copy_of_another_format_is_not_used(cache, tmp_path):
    """TeX starts on the copy of the format found last time; when kpsewhich names another
    one, that engine is not used: the pass runs cold, to the same PDF. On the copy of the
    format kpsewhich names, the engine is used."""
    reference = tmp_path / "reference"
    assert build(reference, {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "none")}
                 ).returncode == 0
    tex_source = (reference / f"{CV.stem}.tex").read_text(encoding="utf-8")
    source_date = int((reference / f"{CV.stem}.pdf").stat().st_mtime)  # any fixed date
    elsewhere = tmp_path / "elsewhere" / texformat.FORMAT  # LaTeX, but not where it is looked up
    elsewhere.parent.mkdir()
    shutil.copyfile(kpsewhich("xelatex"), elsewhere)
    folder = cache / texformat._copy_name(str(elsewhere), elsewhere.stat())
    folder.mkdir(parents=True, mode=0o700)
    (folder / texformat.FORMAT).write_bytes(gzip.decompress(elsewhere.read_bytes()))
    (cache / "source").write_text(str(elsewhere))

    def warm_pass(out: Path) -> CompiledCV:
        with WarmEngines() as engines:
            engines.prepare(CV.stem, out, tex_source)
            return compile_pdf(tex_source, CV.stem, out, source_date=source_date,
                               engines=engines)

    other = warm_pass(tmp_path / "other")
    assert not other.warm
    assert (cache / "source").read_text() == str(kpsewhich("xelatex"))
    assert not folder.exists()  # the copy made after the pass replaced it
    same = warm_pass(tmp_path / "same")
    assert same.warm
    assert other.pdf.read_bytes() == same.pdf.read_bytes()
    assert pdf_text(same.pdf) == pdf_text(reference / f"{CV.stem}.pdf")


def test_a_copy_is_made_again_when_the_format_changes_and_only_a_private_one_is_used(
        cache, tmp_path, monkeypatch):
    formats = tmp_path / "formats"
    formats.mkdir()
    source = formats / texformat.FORMAT
    source.write_bytes(gzip.compress(b"version one"))
    monkeypatch.setenv("TEXFORMATS", str(formats))  # kpsewhich finds this one
    assert texformat.current_copy() is None
    texformat.make_copy()
    first = texformat.current_copy()
    assert first is not None
    assert (Path(first) / texformat.FORMAT).read_bytes() == b"version one"

    source.write_bytes(gzip.compress(b"version two"))
    os.utime(source, ns=(0, source.stat().st_mtime_ns + 10**9))  # a new format, later
    assert texformat.current_copy() is None
    texformat.make_copy()
    second = texformat.current_copy()
    assert second not in (None, first) and not Path(first).exists()
    assert (Path(second) / texformat.FORMAT).read_bytes() == b"version two"

    os.chmod(second, 0o770)  # others may change it: a format is TeX code
    assert texformat.current_copy() is None
    os.chmod(second, 0o700)
    assert texformat.current_copy() == second


@pytest.mark.parametrize("cache_home", ["file", "a:b", "cost$HOME"])
def test_without_a_usable_cache_tex_loads_its_own_format(cache_home, tmp_path, monkeypatch):
    """A cache folder that cannot be made, or that TEXFORMATS cannot name (kpathsea reads
    ``:`` and ``$`` as syntax): no copy is made or used."""
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / cache_home))
    monkeypatch.setattr(texformat, "_lookup", None)
    monkeypatch.setattr(texformat, "_answer", [])
    texformat.make_copy()
    assert texformat.current_copy() is None
    assert texformat.recorded_copy() is None
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file"]
