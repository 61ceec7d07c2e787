"""Shared fixtures: the repository's own CVs built once per test session, and PDF readers."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from hypothesis import settings

from bibcv.pipeline import build_cv

# In CI, the same examples every run: a property test finds bugs here, not at random there.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def pdf_text(pdf: Path) -> str:
    """The PDF's text as a reader would copy it (poppler's pdftotext, layout kept)."""
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def _pdf_xml(pdf: Path) -> ElementTree.Element:
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf)],
                         check=True, capture_output=True, text=True).stdout
    return ElementTree.fromstring(xml)


def pdf_bold_runs(pdf: Path) -> list[str]:
    """Every run of text the PDF sets in a bold font (poppler's pdftohtml marks them <b>)."""
    return [" ".join("".join(b.itertext()).split()) for b in _pdf_xml(pdf).iter("b")]


def pdf_links(pdf: Path) -> list[str]:
    """The targets of the PDF's links, in page order, each once."""
    targets = [a.get("href", "") for a in _pdf_xml(pdf).iter("a")]
    return list(dict.fromkeys(targets))


def squash(text: str) -> str:
    """Collapse white space and hyphenation so phrases can be searched across lines."""
    text = re.sub(r"(\w)-\n\s*(\w)", r"\1\2", text)
    return " ".join(text.split())


@pytest.fixture(scope="session")
def built_cvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two Zhuofu Chen CVs compiled with the real TeX engine."""
    out_dir = tmp_path_factory.mktemp("build")
    built = {}
    for stem in ("zhuofu-chen-v1", "zhuofu-chen-v2"):
        result = build_cv(REPO / "cv" / f"{stem}.yaml", out_dir)
        assert result.warnings == []
        built[stem], built[f"{stem}.tex"] = result.outputs
        built[f"{stem}.passes"] = result.engine_passes
    return built
