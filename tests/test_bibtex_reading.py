"""BibTeX read the way BibTeX reads it, and problems reported with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibcv.bibliography import load_bibliography
from bibcv.errors import BibcvError
from bibcv.pipeline import export_bib


def bib_file(tmp_path: Path, text: str, name: str = "refs.bib", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def warnings_of(bibliography) -> list[str]:
    return [str(w) for w in bibliography.warnings]


def test_macros_concatenation_months_and_case(tmp_path):
    path = bib_file(tmp_path, r"""
@STRING{ acm = "ACM" }
@String{acmpress = acm # { Press}}
@comment{ignored @article{not, title={an entry}} }
@preamble{ "\newcommand{\noopsort}[1]{}" }
@ARTICLE{Key1,
  AUTHOR = {A. Author},
  Title = "Quoted {T}itle with {\"u}",
  journal = acmpress # { } # "Journal",
  Month = feb,
  year = 2023,
}
@misc{key2, title = {x}, month = {12}, year = {2020}}
""", bom=True)
    bib = load_bibliography([path])
    entry = bib.entries["Key1"]
    assert entry.entry_type == "article"
    assert entry.raw_fields["journal"] == "ACM Press Journal"
    assert entry.raw_fields["title"] == r'Quoted {T}itle with {\"u}'
    assert entry.text("title") == "Quoted Title with ü"
    assert (entry.month, entry.year) == (2, 2023)
    assert bib.entries["key2"].month == 12
    assert bib.preambles == [r"\newcommand{\noopsort}[1]{}"]
    # BibTeX skips only the word @comment: the entry inside its braces is read (with a warning).
    assert list(bib.entries) == ["not", "Key1", "key2"]
    assert warnings_of(bib) == [
        f"{path}:4: this @comment contains an entry, which BibTeX reads as an entry (only the "
        "word '@comment' is skipped; biber skips the whole braces); bibcv reads it as BibTeX "
        "does. Delete the entry or its '@' to leave it out"]


@pytest.mark.parametrize(("latex", "text"), [
    (r"Caf{\'e} na{\"\i}ve {\ss}", "Café naïve ß"),
    (r"Fish \& Chips: 100\% in 2--3 days~ok", "Fish & Chips: 100% in 2–3 days\xa0ok"),
    (r"The {$\alpha$}-{$\beta$} Problem", "The α-β Problem"),
    (r"{\v{S}}koda and \c{c}", "Škoda and ç"),
])
def test_latex_becomes_unicode(tmp_path, latex, text):
    bib = load_bibliography([bib_file(tmp_path, f"@misc{{k, title = {{{latex}}}}}\n")])
    assert bib.entries["k"].text("title") == text


def test_crossref_inherits_missing_fields(tmp_path):
    path = bib_file(tmp_path, """
@inproceedings{paper, author = {A. B}, title = {Paper}, crossref = {PROC}, pages = {1--2}}
@proceedings{proc, title = {Proceedings of X}, year = {2022}, publisher = {P}}
""")
    paper = load_bibliography([path]).entries["paper"]
    assert paper.raw_fields["booktitle"] == "Proceedings of X"
    assert paper.raw_fields["year"] == "2022"
    assert paper.raw_fields["title"] == "Paper"
    assert "crossref" not in paper.raw_fields


def test_incomplete_entries_are_noted_apart(tmp_path):
    path = bib_file(tmp_path, "@misc{ok, title = {T}}\n"
                              "@article{b, author = {Q. R}, title = {Two}}\n")
    bib = load_bibliography([path])
    assert bib.warnings == []
    assert [str(note) for note in bib.incomplete] == [
        f"{path}:2: entry 'b' (@article) has no journal or journaltitle, year, which BibTeX's "
        "standard styles require"]


def test_warnings_name_file_and_line(tmp_path):
    path = bib_file(tmp_path, """\
@article{a,
  title = {One Great Paper},
  journal = undefinedmacro,
  author = {X. Y},
  year = {2020},
}
@article{b, author = {Q. R}, title = {Two}, title = {Again}}
@misc{c, title = {One great paper!}}
@misc{d, title = {Other}, doi = {10.1/X}}
@misc{e, title = {Different}, doi = {https://doi.org/10.1/x}}
@misc{f, crossref = {nowhere}}
""")
    assert warnings_of(load_bibliography([path])) == [
        f"{path}:3: field 'journal' of entry 'a' uses the undefined macro 'undefinedmacro'; "
        "it is kept as the word 'undefinedmacro' (BibTeX reads it as empty). "
        "Define it with @string{undefinedmacro = {...}}",
        f"{path}:7: entry 'b' has the field 'title' twice; the first is used, as BibTeX does",
        f"{path}:11: entry 'f' has crossref 'nowhere', which no bibliography file defines",
        f"{path}:8: entry 'c' looks like the same paper as 'a' at {path}:1 (same title)",
        f"{path}:10: entry 'e' looks like the same paper as 'd' at {path}:9 (same DOI)",
    ]


def test_duplicate_keys_across_files_keep_the_first(tmp_path):
    first = bib_file(tmp_path, "@misc{Key, title = {First}}\n", "a.bib")
    second = bib_file(tmp_path, "\n@misc{key, title = {Second}}\n", "b.bib")
    bib = load_bibliography([first, second])
    assert bib.entries["Key"].raw_fields["title"] == "First"
    assert warnings_of(bib) == [f"{second}:2: duplicate key 'key'; the copy at {first}:1 is used"]


@pytest.mark.parametrize(("text", "line", "message", "kept"), [
    ("@misc{ok, title={x}}\n\n@article{broken, title = {x}\n", 3,
     "BibTeX cannot read this: in entry 'broken': expected ',' or '}', found the end of the "
     "file", {"ok": ["title"], "broken": ["title"]}),
    ("@misc{a, title = {x}\n@misc{b, title = {y}}\n", 2,
     "in entry 'a' (begun on line 1): expected ',' or '}', found '@misc{b, title = {y}'",
     {"a": ["title"], "b": ["title"]}),
    ('@misc{a, title = "x # y}\n@misc{b, title = {y}}\n', 1,
     "a '}' closes a brace that the quoted value opened on line 1 never opened",
     {"a": [], "b": ["title"]}),
    # A title's '}' forgotten: the error is where its text ends; the message names its line.
    ("@article{bad,\n  author = {A},\n  title = {Bad entry\n  journal = {J},\n  year = 2021\n}"
     "\n@misc{b, title = {y}}\n", 7,
     "expected ',' or '}', found '@misc{b, title = {y}': the value of 'title' begun on line 3 "
     "runs on over 'journal' on line 4; close it on line 3 (a '}' or '\"' is missing there)",
     {"bad": ["author", "title"], "b": ["title"]}),
])
def test_an_error_inside_an_entry_skips_only_the_rest_of_it(tmp_path, text, line, message,
                                                            kept):
    path = bib_file(tmp_path, text)
    bib = load_bibliography([path])
    assert {key: list(entry.raw_fields) for key, entry in bib.entries.items()} == kept
    [error] = bib.errors
    assert str(error).startswith(f"{path}:{line}: ")
    assert message in str(error)
    assert str(error).endswith("BibTeX skips the rest of the entry (or command) and reads on, "
                               "and so does bibcv")


def test_a_brace_never_closed_refuses_the_file_at_its_line(tmp_path):
    path = bib_file(tmp_path, "@misc{a,\n title = {x\n\n@misc{b, title = {y}}\n")
    with pytest.raises(BibcvError) as caught:
        load_bibliography([path])
    assert str(caught.value) == (
        f"{path}:2: BibTeX cannot read this: in entry 'a' (begun on line 1): the '{{' on line 2 "
        "is never closed; nothing after it can be read, so the file is not used until it is "
        "fixed")


IEEETRAN = Path("/usr/share/texlive/texmf-dist/bibtex/bib/ieeetran")


def test_macros_of_one_file_serve_the_files_after_it(tmp_path):
    """IEEEtran's way (\\bibliography{IEEEabrv,IEEEexample}): IEEEabrv.bib holds only @string
    abbreviations.  Each file was read on its own, so every journal of IEEEexample.bib came
    out as the macro's name ("IEEE_J_EDL"), with a warning for each."""
    bib = load_bibliography([IEEETRAN / "IEEEabrv.bib", IEEETRAN / "IEEEexample.bib"])
    assert bib.entries["IEEEexample:article_typical"].raw_fields["journal"] == \
        "{IEEE} Electron Device Lett."
    assert not [w for w in warnings_of(bib) if "undefined macro" in w]
    alone = load_bibliography([IEEETRAN / "IEEEexample.bib"])  # as BibTeX: empty, warned
    assert alone.entries["IEEEexample:article_typical"].raw_fields["journal"] == "IEEE_J_EDL"


def test_a_cached_reading_depends_on_the_macros_before_the_file(tmp_path):
    abbreviations = bib_file(tmp_path, "@string{J = {Old Journal}}\n", "abbrv.bib")
    papers = bib_file(tmp_path, "@article{a, journal = J, title = {T}}\n", "papers.bib")
    cache = tmp_path / "cache"
    assert load_bibliography([abbreviations, papers], cache).entries["a"].raw_fields[
        "journal"] == "Old Journal"
    abbreviations.write_text("@string{J = {New Journal}}\n")
    assert load_bibliography([abbreviations, papers], cache).entries["a"].raw_fields[
        "journal"] == "New Journal"


def test_export_bib_reads_the_bib_files_given_together(tmp_path):
    abbreviations = bib_file(tmp_path, "@string{J = {A Journal}}\n", "abbrv.bib")
    papers = bib_file(tmp_path, "@article{a, journal = J, title = {T}}\n", "papers.bib")
    exported = export_bib([abbreviations, papers])
    assert "A Journal" in exported.text and exported.count == 1
