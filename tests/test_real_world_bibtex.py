"""Regression tests for what real-world .bib files broke (issue 9), each checked against bibtex.

Each case is read by bibcv, exported, and (where BibTeX has an opinion) run
through the real bibtex with a style that prints the fields it read.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bibcv.bibliography import load_bibliography
from bibcv.export import export_bibtex
from bibcv.names import parse_names


def bib_file(tmp_path: Path, text: str, name: str = "refs.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def bibtex_fields(tmp_path: Path, bib: Path, fields: list[str]) -> dict[str, dict[str, str]]:
    """What the real bibtex read: each entry's key, type and the named fields."""
    declared = " ".join(fields)
    prints = " ".join(f'"{name}=" {name} fld' for name in fields)
    (tmp_path / "fields.bst").write_text(
        f"ENTRY {{ {declared} }} {{}} {{}}\nREAD\n"
        'FUNCTION {fld} { duplicate$ missing$ { pop$ pop$ } '
        '{ * "|" * write$ newline$ } if$ }\n'
        f'FUNCTION {{show}} {{ "@" cite$ * write$ newline$ {prints} }}\n'
        "ITERATE {show}\n", encoding="utf-8")
    (tmp_path / "fields.aux").write_text(
        f"\\citation{{*}}\n\\bibstyle{{fields}}\n\\bibdata{{{bib.stem}}}\n", encoding="utf-8")
    subprocess.run(["bibtex", "-terse", "fields"], cwd=tmp_path, capture_output=True,
                   stdin=subprocess.DEVNULL, check=False)
    read: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (tmp_path / "fields.bbl").read_text(encoding="utf-8").splitlines():
        if line.startswith("@"):
            current = read.setdefault(line[1:], {})
        elif line.endswith("|"):
            name, _, value = line[:-1].partition("=")
            current[name] = value
    return read


def ours(bib) -> dict[str, dict[str, str]]:
    return {entry.key: dict(entry.raw_fields) for entry in bib}


ENTRY_SYNTAX = """\
@string{pub = {First}}
@string{pub = {Second}}
@string{STOC = " Symposium on  Theory "}
@ manual{space-after-at, title = {T1}, publisher = pub}
@commentary{comment-prefix, title = "Proc. ACM" # STOC}
@my-type{hyphen-type, title = STOC # "of Computing", note = "a {"} b"}
@misc
{newline-before-brace, title = "{Ein Handbuch f{\\"u}r Alle}"}
@misc(parens, title = {x}, note = {no\u00a0break})
"""


def test_entry_syntax_and_strings_read_as_bibtex_reads_them(tmp_path):
    path = bib_file(tmp_path, ENTRY_SYNTAX)
    bib = load_bibliography([path])
    assert bib.warnings == []
    assert [(e.key, e.entry_type) for e in bib] == [
        ("space-after-at", "manual"), ("comment-prefix", "commentary"),
        ("hyphen-type", "my-type"), ("newline-before-brace", "misc"), ("parens", "misc")]
    assert ours(bib) == bibtex_fields(tmp_path, path, ["title", "publisher", "note"])
    assert bib.entries["comment-prefix"].raw_fields["title"] == "Proc. ACM Symposium on Theory"
    assert bib.entries["parens"].text("note") == "no\u00a0break"


def test_percent_line_inside_an_entry_is_read_as_bibtex_does_and_warned_about(tmp_path):
    path = bib_file(tmp_path, "@misc{a, title = {T},\n  %note = {hidden},\n  year = {2020}\n}\n"
                              "@misc{b, title = {Next}}\n")
    bib = load_bibliography([path])
    assert ours(bib) == bibtex_fields(tmp_path, path, ["title", "note", "year"])
    assert ours(bib) == {"a": {"title": "T"}, "b": {"title": "Next"}}
    [warning] = bib.warnings
    assert str(warning).startswith(f"{path}:2: '%' does not comment out a line inside an entry")


def test_an_entry_inside_comment_is_read_as_bibtex_reads_it(tmp_path):
    path = bib_file(tmp_path, "@comment{old: @misc{inside, title = {Kept}}}\n@misc{b, title={B}}\n")
    bib = load_bibliography([path])
    assert ours(bib) == bibtex_fields(tmp_path, path, ["title"]) == {
        "inside": {"title": "Kept"}, "b": {"title": "B"}}
    assert "this @comment contains an entry" in str(bib.warnings[0])


@pytest.mark.parametrize("field", ["url", "doi", "eprint", "file", "date", "urldate",
                                   "bdsk-url-1"])
def test_verbatim_fields_are_exported_unescaped(tmp_path, field):
    value = "-0379%" if field.endswith("date") else "https://x.org/a%20b?c=1&d=2#top"
    bib = load_bibliography([bib_file(tmp_path, f"@misc{{k, {field} = {{{value}}}}}\n")])
    assert f"  {field} = {{{value}}},\n" in export_bibtex(bib)


def test_verbatim_arguments_inside_latex_fields_are_not_escaped(tmp_path):
    note = r"see \url{https://x.org/a%20b&c} or \path|/tmp/50%| at 50% & more"
    bib = load_bibliography([bib_file(tmp_path, f"@misc{{k, note = {{{note}}}}}\n")])
    assert (r"  note = {see \url{https://x.org/a%20b&c} or \path|/tmp/50%| at 50\% \& more},"
            in export_bibtex(bib))


def test_export_is_idempotent_and_never_ends_a_field_in_a_backslash(tmp_path):
    text = ("@misc{k, author = {R.\\ Q.\\ Fugate and given=William, family=Atheling, "
            "suffix=Jr. and Xin Jin 0008 and Jo\\~ao Brand\\~{a}o}, title = {The {\\TeX}book},\n"
            "  note = {no\u00a0break}}\n")
    first = export_bibtex(load_bibliography([bib_file(tmp_path, text)]))
    assert "author = {R.\\ Q.\\ Fugate and given=William, family=Atheling, suffix=Jr. and " \
           "Xin Jin 0008 and Brand\\~{a}o, Jo\\~ao}" in first
    again = export_bibtex(load_bibliography([bib_file(tmp_path, first, "again.bib")]))
    assert again == first
    assert "\\}" not in first
    assert "  note = {no\u00a0break},\n" in first  # a no-break space stays one
    assert load_bibliography([bib_file(tmp_path, first, "again.bib")]).entries["k"].text(
        "title") == "The TeXbook"


def test_crossref_follows_biber_inheritance(tmp_path):
    path = bib_file(tmp_path, """\
@inproceedings{child, title = {Paper}, year = {2021}, crossref = {proc}, ids = {childalias}}
@proceedings{proc, title = {Proceedings of X}, date = {2020-05}, ids = {procalias},
  publisher = {P}, doi = {10.1/proc}}
@inbook{chapter, title = {Chapter}, crossref = {book}}
@book{book, author = {A. Author}, title = {The Book}, year = {1999}}
""")
    bib = load_bibliography([path])
    child = bib.entries["child"].raw_fields
    assert child["booktitle"] == "Proceedings of X" and child["title"] == "Paper"
    assert "date" not in child and child["year"] == "2021"  # a date is inherited whole or not
    assert child["ids"] == "childalias" and child["publisher"] == "P"
    chapter = bib.entries["chapter"].raw_fields
    assert (chapter["booktitle"], chapter["bookauthor"], chapter["year"]) == (
        "The Book", "A. Author", "1999")
    # the child is not "the same paper" as its parent (same DOI); what only biber gives is said
    assert [warning.message.split(" takes its booktitle")[0] for warning in bib.warnings] == [
        "entry 'child'", "entry 'chapter'"]


def test_check_is_quiet_on_valid_biblatex(tmp_path):
    path = bib_file(tmp_path, """\
@article{a, author = {A. Author}, author+an = {=uncertain; 1=equal}, title = {T},
  journaltitle = {J}, date = {2020}}
""")
    bib = load_bibliography([path])
    assert bib.warnings == [] and bib.incomplete == []
    assert bib.entries["a"].author_annotations(0) == {"equal"}


def test_names_after_and_keep_their_first_letters():
    names = parse_names(r"John Smith and \'Eric Dupont and \Thanh Nguyen")
    assert [name.display() for name in names] == ["John Smith", "Éric Dupont", "Thanh Nguyen"]


def test_names_read_as_biber_reads_them_are_warnings_with_their_line(tmp_path):
    path = bib_file(tmp_path, "@misc{ok, author = {Jos\\'e Silva and Xin Jin 0008}}\n"
                              "@misc{k, author = {Jo\\~ao Brand\\~{a}o and Jean-paul Sartre}}\n")
    warnings = [str(w) for w in load_bibliography([path]).warnings]
    assert [w.split(": the author ")[1].split(" is read")[0] for w in warnings] == [
        "'Jo\\\\~ao Brand\\\\~{a}o'", "'Jean-paul Sartre'"]
    assert warnings[0].startswith(f"{path}:2: entry 'k'")
    assert "BibTeX's styles would read First 'Jo\\\\', von 'ao', Last 'Brand\\\\~{a}o'" \
        in warnings[0]


@pytest.mark.parametrize("month", ['feb # "~1"', "{February 1}", "{2/1}"])
def test_a_month_the_cv_cannot_read_is_a_warning_not_a_silent_loss(tmp_path, month):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, author = {Ada Lovelace}, title = {T}, journal = {J},\n"
                   f"  year = {{2020}}, month = {month}}}\n", encoding="utf-8")
    bibliography = load_bibliography([bib])
    assert [str(w) for w in bibliography.warnings] == [
        f"{bib}:1: entry 'a': cannot read the month "
        f"{bibliography.entries['a'].text('month')!r}, so the CV shows the year alone; write "
        "month = feb (or 2), and a day as day = {1} or date = {2020-02-01}"]


def test_a_readable_month_gives_no_warning(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, author = {Ada Lovelace}, title = {T}, journal = {J},\n"
                   "  year = {2020}, month = feb}\n", encoding="utf-8")
    assert load_bibliography([bib]).warnings == []
