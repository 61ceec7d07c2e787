"""Every built-in theme builds every CV: the repository's CVs, the every-type CV and the
typesetting stress CV, as PDF (nothing overfull, outside the text area or overlapping) and as
a web page (no sideways scrolling at 360 px); and a CV says the same words in every theme.

The theme × CV matrix is 25 PDFs; each item builds one (and, for an example CV in another
theme, compares its words with the CV's own theme's PDF, built once per process), so
pytest-xdist spreads them over the processors (`make test` runs pytest with -n auto).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from bibcv.document import load_document
from bibcv.pipeline import build_cv
from bibcv.theme import BUILTIN_THEMES, builtin_themes, load_theme
from browser import open_page
from conftest import REPO, word_boxes, words_overlap

THEMES = builtin_themes()
SEEDS = {"zhuofu-chen-v1": "classic", "zhuofu-chen-v2": "classic", "pengfei-zuo": "scholar"}
CVS = {**{name: REPO / "cv" / f"{name}.yaml" for name in SEEDS},
       "every-type": REPO / "tests" / "style" / "every-type.yaml",
       "stress": REPO / "tests" / "style" / "stress.yaml"}
_POINTS = {"in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 72 / 72.27}


def test_there_are_at_least_five_built_in_themes():
    assert {"classic", "scholar", "moderncv", "sidebar", "compact"} <= set(THEMES)


def in_theme(folder: Path, cv: str, theme: str) -> Path:
    """The CV as it is, in another theme: a file that extends it and names the theme."""
    path = folder / f"{cv}-{theme}.yaml"
    path.write_text(f"extends: {CVS[cv]}\ntheme: {theme}\n", encoding="utf-8")
    return path


@cache
def built(theme: str, cv: str, out: Path) -> tuple[Path, Path, list[str]]:
    """The PDF, the web page and the build's warnings (each pair built once per worker)."""
    result = build_cv(in_theme(out, cv, theme), out, formats=["pdf", "html"])
    pdf, _tex, html = result.outputs[:3]
    return pdf, html, [str(warning) for warning in result.warnings]


@pytest.fixture(scope="session")
def matrix_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("themes")


@pytest.mark.parametrize("cv", CVS)
@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_sets_every_cv_cleanly(theme, cv, matrix_dir, tab):
    pdf, html, warnings = built(theme, cv, matrix_dir)
    assert [w for w in warnings if "into the margin" in w] == []
    margins = load_document(in_theme(matrix_dir, cv, theme)).cv.design.margins
    left, right = _points(margins.left), _points(margins.right)
    for width, height, words in word_boxes(pdf):
        for word, (x0, y0, x1, y1) in words:
            assert left - 1 <= x0 and x1 <= width - right + 1, (word, x0, x1)
            assert y0 >= 0 and y1 <= height, (word, y0, y1)
        for index, (word, box) in enumerate(words):
            for other, other_box in words[index + 1:]:
                assert not words_overlap(box, other_box), (word, other)
    open_page(tab, html, 360)
    assert tab.problems == []
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    if cv in SEEDS and theme != SEEDS[cv]:
        assert_same_words(theme, cv, matrix_dir)


def _points(length: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", length).groups()
    return float(number) * _POINTS[unit]


# --- the same words in every theme ----------------------------------------------------------

def assert_same_words(theme: str, cv: str, matrix_dir: Path) -> None:
    """Word for word what the CV says in its own theme, whatever a layout moves (dates,
    sections into a sidebar); only the words a layout adds may differ."""
    own = SEEDS[cv]
    ours, theirs = shown_words(theme, cv, matrix_dir), shown_words(own, cv, matrix_dir)
    allowed = _layout_words(theme, cv, matrix_dir) | _layout_words(own, cv, matrix_dir)
    assert {w: n for w, n in (ours - theirs).items() if w not in allowed} == {}
    assert {w: n for w, n in (theirs - ours).items() if w not in allowed} == {}


def shown_words(theme: str, cv: str, out: Path) -> Counter[str]:
    """The PDF's words, case aside, hyphens and the page footers ("Name 2") left out."""
    pdf = built(theme, cv, out)[0]
    bottom = _points(load_document(in_theme(out, cv, theme)).cv.design.margins.bottom)
    tokens: list[str] = []
    for number, (_width, height, words) in enumerate(word_boxes(pdf), start=1):
        # Pages after the first carry the name and the page number in the bottom margin.
        texts = [text.casefold() for text, box in words if number == 1 or box[1] < height - bottom]
        for text in texts:
            if tokens and tokens[-1].endswith("-"):
                tokens[-1] += text  # a word broken at a hyphen, as at a line's end
            else:
                tokens.append(text)
    return Counter(word for token in tokens
                   for word in re.findall(r"\w+", token.replace("-", "").replace("\u00ad", "")))


def _layout_words(theme: str, cv: str, out: Path) -> set[str]:
    """Words a theme adds by its layout: its contact labels ("Email:"), and in scholar the
    venue badges and the "In" it leaves out before proceedings."""
    loaded = load_theme(BUILTIN_THEMES / theme)
    words = {word.casefold() for kind in loaded.contact.values() if kind.label
             for word in re.findall(r"\w+", kind.label)}
    if loaded.citation.get("badges") or "in" in loaded.citation.get("omit", []):
        document = load_document(in_theme(out, cv, theme))
        words |= {"in"} | {word.casefold() for section in document.sections
                          for paper in section.publications
                          for word in re.findall(r"\w+", str(paper.badge))}
    return words


# Subtitles of the lengths whose last line, in the sidebar's main column, came within 2-4 pt
# of the date or pushed the date to the left of a line of its own (found by adding a word
# at a time, with TEXT\hfill DATE).
_SUBTITLE = ("Translator annotator and author of the first published algorithm for a general "
             "purpose computing machine with notes on Bernoulli numbers and the operations of "
             "the engine")
_LONG_ROWS = [" ".join(_SUBTITLE.split()[:n]) for n in (12, 13, 19, 22, 23, 25, 26)]


@pytest.mark.parametrize("theme", ["sidebar", "classic"])
def test_a_long_subtitle_wraps_short_of_its_date(tmp_path, theme):
    """The date stays whole, flush right on the subtitle's first line, at least 1em from
    every other word on the lines beside it; nothing is overfull."""
    items = "\n".join(f'      - {{title: "Role {n}", subtitle: "{text}", '
                      'date: "Sept 1842 – Dec 1843"}' for n, text in enumerate(_LONG_ROWS))
    cv = tmp_path / "cv.yaml"
    cv.write_text(f"theme: {theme}\nperson: {{name: Ada Lovelace}}\nsections:\n  jobs:\n"
                  f"    title: Experience\n    layout: entries\n    items:\n{items}\n",
                  encoding="utf-8")
    built = build_cv(cv, tmp_path / "out", formats=("pdf",))
    assert not [w for w in built.warnings if "into the margin" in w.message]
    [(_width, _height, words)] = word_boxes(built.outputs[0])
    date = ("Sept", "1842", "–", "Dec", "1843")
    rows = [words[i:i + 5] for i in range(len(words)) if tuple(
        word for word, _ in words[i:i + 5]) == date]
    assert len(rows) == len(_LONG_ROWS)
    right = max(box[2] for row in rows for _, box in row)
    em = 11.0  # pt: the body text's size
    for row in rows:
        first, last = row[0][1], row[-1][1]
        assert last[2] == pytest.approx(right, abs=0.5)  # flush right, whole on one line
        assert all(abs(box[1] - first[1]) < 0.5 for _, box in row)
        beside = [box for word, box in words if (word, box) not in row
                  and min(box[3], first[3]) - max(box[1], first[1]) > 0]
        assert beside  # the subtitle's first line
        assert max(box[2] for box in beside) <= first[0] - em
