"""bibcv's own style drops no field and mangles no text: seasons, venue badges, \\enquote,
translators, book authors, original titles and events, in the CV's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibcv.bibliography import load_bibliography
from bibcv.csl import csl_item
from bibcv.document import load_document
from bibcv.richtext import plain
from bibcv.texdecode import decode_latex
from conftest import write


def cv(tmp_path: Path, bib: str, language: str = "en", extra: str = "") -> Path:
    """A CV in the language with one section of every entry of the .bib text."""
    path = write(tmp_path / "refs.bib", bib)
    return write(tmp_path / "cv.yaml", f"""\
        language: {language}
        bibliography: [{path}]
        person: {{name: Ada Lovelace}}
        {extra}
        sections:
          all: {{title: A, layout: publications, query: {{author: self}}}}
        """)


def citations(path: Path) -> dict[str, str]:
    return {p.key: plain(p.citation) for p in load_document(path).sections[0].publications}


SEASONS = """\
@article{winter, author = {Ada Lovelace}, title = {W}, journal = {J}, year = 2020,
  month = {Winter}}
@article{fall, author = {Ada Lovelace}, title = {F}, journal = {J}, year = 2019,
  month = {Fall 2019}}
@article{edtf, author = {Ada Lovelace}, title = {S}, journal = {J}, date = {2021-22}}
"""


@pytest.mark.parametrize(("language", "winter", "fall", "edtf"), [
    ("en", "Winter 2020", "Autumn 2019", "Summer 2021"),
    ("fr", "hiver 2020", "automne 2019", "été 2021"),
    ("zh", "2020年冬季", "2019年秋季", "2021年夏季")])
def test_a_season_is_printed_in_the_cvs_language(tmp_path, language, winter, fall, edtf):
    shown = citations(cv(tmp_path, SEASONS, language))
    assert [shown[key].rstrip(".").rsplit(", ", 1)[-1] for key in ("winter", "fall", "edtf")] \
        == [winter, fall, edtf]


def test_a_season_in_month_is_advised_as_a_season_not_as_feb(tmp_path):
    bib = write(tmp_path / "refs.bib", SEASONS)
    warnings = [str(w) for w in load_bibliography([bib]).warnings]
    assert warnings == [
        f"{bib}:1: entry 'winter': the month 'Winter' is a season, which the CV prints with "
        "the year, as BibTeX's styles do; biblatex (biber) ignores a season in month, so for "
        "biblatex write date = {2020-24} instead (-21 spring, -22 summer, -23 autumn, -24 "
        "winter)",
        f"{bib}:3: entry 'fall': the month 'Fall 2019' is a season, which the CV prints with "
        "the year, as BibTeX's styles do; biblatex (biber) ignores a season in month, so for "
        "biblatex write date = {2019-23} instead (-21 spring, -22 summer, -23 autumn, -24 "
        "winter)"]
    assert not any("feb" in warning for warning in warnings)


def test_a_short_venue_is_its_own_badge_and_gets_no_advice(tmp_path):
    path = cv(tmp_path, """\
        @inproceedings{short, author = {Ada Lovelace}, title = {T}, booktitle = {HotOS},
          year = 2021}
        @inproceedings{long, author = {Ada Lovelace}, title = {T}, year = 2021,
          booktitle = {Workshop on Rather Long Names}}
        """, extra="theme: scholar")
    document = load_document(path)
    assert {p.key: p.badge for p in document.sections[0].publications} == {
        "short": "HotOS", "long": ""}
    assert [str(w).split(": ", 1)[1] for w in document.warnings if "badge" in str(w)] == [
        "entry 'long': the venue 'Workshop on Rather Long Names' gets no badge, as it has no "
        "abbreviation; add a line 'Workshop on Rather Long Names: ABBR' (at most 12 characters) "
        "to a venue table (the CV's `venues:` file)"]


def test_a_season_reaches_csl_styles_as_csls_season(tmp_path):
    entries = load_bibliography([write(tmp_path / "refs.bib", SEASONS)]).entries
    assert [csl_item(entries[key])["issued"] for key in ("winter", "edtf")] == [
        {"date-parts": [[2020]], "season": 4}, {"date-parts": [[2021]], "season": 2}]


ENQUOTE = r"""@article{q, author = {Ada Lovelace}, journal = {J}, year = 2020,
  title = {On \enquote{Engines \emph{and \enquote{Looms}}} and \mkbibquote{Cards}},
  note = {See \enquote*{Notes}}}
"""


@pytest.mark.parametrize(("language", "title", "note"), [
    ("en", "On “Engines and ‘Looms’” and “Cards”", "See “Notes”"),
    ("de", "On „Engines and ‚Looms‘“ and „Cards“", "See „Notes“"),
    ("fr", "On «\u00a0Engines and “Looms”\u00a0» and «\u00a0Cards\u00a0»",
     "See «\u00a0Notes\u00a0»"),
    ("zh", "On “Engines and ‘Looms’” and “Cards”", "See “Notes”")])
def test_enquote_prints_the_languages_quotation_marks(tmp_path, language, title, note):
    [paper] = load_document(cv(tmp_path, ENQUOTE, language)).sections[0].publications
    assert plain(paper.title) == title
    assert note in plain(paper.citation)


def test_enquote_in_a_csl_style_gets_the_styles_language_marks(tmp_path):
    """citeproc-js sets straight quotes in its locale's marks, nested with the style's own."""
    assert decode_latex(r"\enquote{a \enquote{b}} c") == "“a ‘b’” c"  # plain text: English
    [entry] = load_bibliography([write(tmp_path / "refs.bib", ENQUOTE)]).entries.values()
    assert csl_item(entry)["title"] == "On \"Engines <i>and 'Looms'</i>\" and \"Cards\""
    [paper] = load_document(cv(tmp_path, ENQUOTE, "de", "style: apa")).sections[0].publications
    assert "On „Engines and ‚Looms‘“ and „Cards“" in plain(paper.citation)
