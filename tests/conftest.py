"""Shared fixtures: the repository's own CVs built once per test session, and PDF readers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import textwrap
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import settings

from bibcv.pipeline import build_cv

pytest_plugins = ("fetchserver",)  # the `services` fixture: fake DOI, arXiv, DBLP, ORCID...

# A property test that gives no number of examples runs 200 of them, new ones each run. In
# CI, the same examples every run: a property test finds bugs here, not at random there.
# `make test-deep` runs the rendering property tests (marked "deep") with 20,000 each.
settings.register_profile("bibcv", max_examples=200, deadline=None)
settings.register_profile("ci", settings.get_profile("bibcv"), derandomize=True)
settings.register_profile("deep", settings.get_profile("bibcv"), max_examples=20_000)
settings.load_profile(os.environ.get("BIBCV_PROPERTY_PROFILE")
                      or ("ci" if os.environ.get("CI") else "bibcv"))

# Tests press Ctrl-C (send SIGINT) to the bibcv processes they start. A shell starts a
# command in the background (`make test &` in a script) with SIGINT ignored, which every
# program it starts inherits, and Python then has no KeyboardInterrupt at all: watch ran on
# and builds finished. A handler, unlike "ignored", is not inherited: each program starts
# with the system's default, as from a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

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
    text = re.sub(r"(\w)-\n[ \t]*(\w)", r"\1\2", text)  # hyphenation: not across paragraphs
    return " ".join(text.split())


class Elements(HTMLParser):
    """Every element of a page as (tag, attributes, text inside it), in document order."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._open: list[list[str]] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        text: list[str] = []
        self.found.append((tag, dict(attrs), text))
        if tag not in ("meta", "link", "br", "img", "input", "hr", "wbr", "source"):
            self._open.append(text)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for text in self._open:
            text.append(data)

    def all(self, tag: str, **attrs: str) -> list[tuple[dict[str, str | None], str]]:
        return [(a, " ".join("".join(t).split())) for name, a, t in self.found
                if name == tag and all(a.get(k) == v for k, v in attrs.items())]


def elements(page: Path) -> Elements:
    return Elements(page.read_text(encoding="utf-8"))


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


@pytest.fixture(scope="session")
def built_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every CV in cv/ as a web page (no TeX: quick), by file stem."""
    out_dir = tmp_path_factory.mktemp("site")
    pages = {}
    for cv in sorted((REPO / "cv").glob("[!_]*.yaml")):
        result = build_cv(cv, out_dir, formats=["html"])
        assert result.warnings == []
        pages[cv.stem] = result.outputs[0]
    return pages


NEWCOMER_CV = """\
# Someone bibcv's authors never saw: only cv/ and bib/ are written, no code.
theme: scholar
bibliography: [../bib/nunez.bib]
person:
  name: Ana Sofía Núñez
  aliases: ["Núñez, A."]
  contact:
    email: ana@example.org
    homepage: https://example.org/~ana/
    github: ana-nunez
sections:
  bio:
    title: ""
    layout: paragraph
    text: |
      I build *compilers* for **tiny** devices.

      Before that I studied at Universidad de Chile; see [my group](https://example.org/g?a=1&b=2).
  research:
    title: Research
    layout: topics
    items:
      - area: Compilers
        topics:
          - {name: Parsing, papers: {keywords: [parsing], sort: [year]}}
  news:
    title: News
    layout: dated_list
    items:
      - {date: "Jan 05, 2026", text: "Our paper “Fast Parsing” was accepted by PLDI 2026."}
  papers:
    title: Publications
    layout: publications
    query: {author: self}
"""

NEWCOMER_BIB = """\
@inproceedings{DBLP:conf/pldi/Nunez26,
  author = {N{\\'u}{\\~n}ez, Ana Sof{\\'i}a and Bob Lee},
  title = {Fast Parsing of {C}},
  booktitle = {Programming Language Design and Implementation (PLDI)},
  year = {2026},
  doi = {10.1145/1234567.7654321},
  pdf = {https://example.org/ana/fast-parsing.pdf},
  slides = {https://example.org/ana/fast-parsing-slides.pdf},
  code = {https://github.com/ana-nunez/fastparse},
  keywords = {parsing},
}

@misc{nunez-arxiv25,
  author = {Ana S. N{\\'u}{\\~n}ez},
  title = {Grammars Considered Helpful},
  year = {2025},
  eprint = {2501.01234},
  eprinttype = {arXiv},
  keywords = {parsing},
}
"""


@pytest.fixture(scope="session")
def newcomer_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new person's homepage, from files in cv/ and bib/ alone."""
    project = tmp_path_factory.mktemp("newcomer")
    (project / "cv").mkdir()
    (project / "bib").mkdir()
    (project / "cv" / "nunez.yaml").write_text(NEWCOMER_CV, encoding="utf-8")
    (project / "bib" / "nunez.bib").write_text(NEWCOMER_BIB, encoding="utf-8")
    result = build_cv(project / "cv" / "nunez.yaml", project / "build", formats=["html"])
    assert result.warnings == []
    return result.outputs[0]


# --- a real browser (headless Chromium), one for the session, and a fresh tab per test ---

@pytest.fixture(scope="session")
def chromium():
    from browser import open_chromium

    with open_chromium() as context:
        yield context


@pytest.fixture
def tab(chromium):
    """A fresh tab that records console errors, uncaught exceptions and every request."""
    page = chromium.new_page()
    page.problems = []
    page.requests = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    page.close()


def word_boxes(pdf: Path) -> list[tuple[float, float, list[tuple[str, tuple[float, ...]]]]]:
    """Each page's size and words with their boxes, in poppler's reading order."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html))
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        words = [(word.text or "", tuple(float(word.get(k)) for k in
                                         ("xMin", "yMin", "xMax", "yMax")))
                 for word in page.iter("{http://www.w3.org/1999/xhtml}word")]
        pages.append((float(page.get("width")), float(page.get("height")), words))
    return pages


def words_overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Boxes span the font's ascent to descent, so lines set close touch a little; words
    collide when they share more than 0.5 pt across and 40% of the lower one's height."""
    across = min(a[2], b[2]) - max(a[0], b[0])
    down = min(a[3], b[3]) - max(a[1], b[1])
    return across > 0.5 and down > 0.4 * min(a[3] - a[1], b[3] - b[1])
