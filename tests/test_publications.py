"""BibTeX entries: reading, selecting, sorting and formatting as rich text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibcv.bibliography import load_bibliography
from bibcv.errors import Origin
from bibcv.latex import to_latex
from bibcv.locales import load_locale
from bibcv.model import Person, PublicationQuery
from bibcv.names import parse_name
from bibcv.richtext import plain
from bibcv.select import select_publications
from bibcv.style import CitationStyle, format_citation, view_publication
from bibcv.venues import load_venue_table

BIB = r"""
@inproceedings{rolex,
  author = {Pengfei Zuo and Q. Zhang and Others, Some},
  title = {{ROLEX}: A Scalable {RDMA}-oriented Learned Key-Value Store},
  booktitle = {USENIX FAST},
  year = {2023},
  url = {https://example.org/rolex?a=1&b=50%25#top},
  keywords = {Storage, learned index},
}
@unpublished{draft,
  author = {Ann Smith and P. Zuo and others},
  author+an = {1=equal; 2=equal},
  title = {Caf{\'e} Systems},
  pubstate = {submitted},
}
@article{old,
  author = {Zuo, Pengfei},
  title = {Old Work},
  journal = {Journal of Things},
  year = {2019},
  keywords = {storage},
}
@misc{untitled,
  author = {Somebody Else},
  howpublished = {Talk at a workshop},
  year = {2021},
}
"""
TERMS = load_locale("en").terms


@pytest.fixture
def bib(tmp_path: Path):
    path = tmp_path / "refs.bib"
    path.write_text("\ufeff" + BIB, encoding="utf-8")  # a byte-order mark must not matter
    return load_bibliography([path])


@pytest.fixture
def person() -> Person:
    return Person("Pengfei Zuo", [parse_name("Pengfei Zuo")])


@pytest.fixture
def style(person) -> CitationStyle:
    return CitationStyle(person, TERMS, load_venue_table())


def keys(publications):
    return [p.key for p in publications]


def test_self_query_matches_initials_and_sorts_newest_first(bib, person):
    selected = select_publications(bib, PublicationQuery(author="self"), person)
    assert keys(selected) == ["draft", "rolex", "old"]  # no year counts as newest


def test_keys_keep_their_order_and_filters_combine(bib, person):
    query = PublicationQuery(keys=["old", "rolex", "untitled"], keywords=["storage"])
    assert keys(select_publications(bib, query, person)) == ["old", "rolex"]
    assert keys(select_publications(bib, PublicationQuery(types=["misc"]), person)) == ["untitled"]
    by_title = PublicationQuery(author="self", exclude=["draft"], sort=["title"])
    assert keys(select_publications(bib, by_title, person)) == ["old", "rolex"]


def test_an_unknown_key_is_left_out_of_the_selection(bib, person):
    """The key is reported by load.query_problems, with the rest of the CV's problems:
    selecting stopped at it, so the CSL stage after it went unchecked."""
    query = PublicationQuery(keys=["nope", "rolex"], origin=Origin(Path("cv.yaml"), 7))
    assert keys(select_publications(bib, query, person)) == ["rolex"]


def test_citation_with_venue_year_link_and_bold_owner(bib, style):
    citation = format_citation(bib.entries["rolex"], style)
    assert plain(citation) == ("Pengfei Zuo, Q. Zhang, Some Others. ROLEX: A Scalable "
                               "RDMA-oriented Learned Key-Value Store, In USENIX FAST, 2023.")
    assert to_latex(citation).startswith(r"\textbf{Pengfei Zuo}, Q. Zhang")
    assert r"\href{https://example.org/rolex?a=1&b=50\%25\#top}{ROLEX" in to_latex(citation)
    assert r"\emph{USENIX FAST}, 2023." in to_latex(citation)


def test_equal_contribution_status_and_et_al(bib, style):
    formatted = view_publication(bib.entries["draft"], style, "[1]")
    assert formatted.label == "[1]"
    assert formatted.has_equal_contribution
    assert plain(formatted.citation) == "Ann Smith*, P. Zuo*, et al. Café Systems, Under review."
    assert r"\textbf{P. Zuo*}" in to_latex(formatted.citation)


def test_entry_without_title_still_renders(bib, style):
    citation = format_citation(bib.entries["untitled"], style)
    assert plain(citation) == "Somebody Else. Talk at a workshop, 2021."


def test_broken_bibtex_names_file_and_line(tmp_path):
    path = tmp_path / "bad.bib"
    path.write_text("@misc{ok, title={x}}\n\n@article{broken, title = {x}\n", encoding="utf-8")
    [error] = load_bibliography([path]).errors
    assert str(error).startswith(f"{path}:3: BibTeX cannot read this: ")


def test_duplicate_key_warns_and_keeps_the_first(tmp_path):
    path = tmp_path / "dup.bib"
    path.write_text("@misc{k, title={First}}\n@misc{k, title={Second}}\n", encoding="utf-8")
    bib = load_bibliography([path])
    assert bib.entries["k"].text("title") == "First"
    [warning] = bib.warnings
    assert str(warning) == f"{path}:2: duplicate key 'k'; the copy at {path}:1 is used"
