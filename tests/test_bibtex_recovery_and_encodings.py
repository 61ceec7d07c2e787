"""Files BibTeX reads are read: any encoding, and past an error inside one entry.

Each case is checked against the real bibtex (which reads bytes and recovers
from an error by skipping the rest of the entry) and, for encodings, against
biber told the encoding (``--input-encoding``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibcv.bibliography import load_bibliography
from bibcv.cli import main
from bibtex_oracle import bibtex_read

# biblatex-jura2's mylit.bib (TeX Live): '%' after a value inside an entry.
JURA2_CASE = """\
@BOOK{medicus:br,
  author = {Medicus, Dieter and Petersen, Jens},
  title = {Bürgerliches Recht},
  year = {2019},
}

@COMMENTARY{maunzduerig,
  title = {Grundgesetz},
  editor = {Maunz,  Theodor  and  Dürig,  Günter},
  shorthand  = {Maunz/Dürig},
  options = {bearbeiterin}%, howcited}
}

@COMMENTARY{erbr,
  title = {Erbrecht},
  editor = {Burandt, Wolfgang and Rojahn, Dieter},
  year = {2019},
}
"""
# din1505's leitbild.bib (TeX Live): a template entry with an empty key, "commented out" by %%.
DIN1505_CASE = """\
%%%%  typische Eingabemaske
%%  @BOOKLET{,
    key = "",
    title = "",
    url = "http://www.",
}
%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%

@BOOKLET{otto:04,
    key = "Otto 2004",
    editor = "{Otto GmbH \\& Co KG}",
    title = "Grunds{\\"a}tze",
    year = 2004,
}
"""
CV = """\
bibliography: [refs.bib]
person: {name: Dieter Medicus}
sections:
  publications:
    {title: Publications, layout: publications, query: {types: [book, commentary, booklet]}}
"""


def read_by_bibtex(path: Path, tmp_path: Path, encoding: str = "utf-8"):
    fields = {"title", "editor", "author", "year", "shorthand", "options", "key", "url"}
    return bibtex_read(path, fields, tmp_path, encoding)


def test_an_error_inside_one_entry_loses_only_the_rest_of_that_entry(tmp_path):
    path = tmp_path / "mylit.bib"
    path.write_text(JURA2_CASE, encoding="utf-8")
    bib = load_bibliography([path])
    bibtex = read_by_bibtex(path, tmp_path)
    assert "I was expecting a `,' or a `}'---line 11" in bibtex.messages
    assert list(bib.entries) == list(bibtex.fields) == ["medicus:br", "maunzduerig", "erbr"]
    for key, fields in bibtex.fields.items():
        assert {name: bib.entries[key].raw_fields[name] for name in fields} == fields
    assert [str(error) for error in bib.errors] == [
        f"{path}:11: BibTeX cannot read this: in entry 'maunzduerig' (begun on line 7): "
        "expected ',' or '}', found '%, howcited}' ('%' starts no comment inside an entry; "
        "move the comment above the entry); BibTeX skips the rest of the entry (or command) "
        "and reads on, and so does bibcv"]


def test_a_comma_missing_after_the_key_is_named(tmp_path):
    """An economist's public .bib had `@Article{meyer-gohde_neuhoff_2015` with
    no comma: the error named only the field BibTeX stopped at."""
    path = tmp_path / "econ.bib"
    path.write_text("@Article{lan_2014,\n  author={Lan, Hong},\n  year=2014}\n"
                    "@Article{neuhoff_2015\n  author={Neuhoff, Daniel},\n  year=2015}\n",
                    encoding="utf-8")
    bib = load_bibliography([path])
    assert "I was expecting a `,' or a `}'---line 5" in read_by_bibtex(path, tmp_path).messages
    assert list(bib.entries) == ["lan_2014", "neuhoff_2015"]
    assert [str(error) for error in bib.errors] == [
        f"{path}:5: BibTeX cannot read this: in entry 'neuhoff_2015' (begun on line 4): "
        "expected ',' or '}', found 'author={Neuhoff, Dan': a comma is missing after the key; "
        "write 'neuhoff_2015,' on line 4; BibTeX skips the rest of the entry (or command) and "
        "reads on, and so does bibcv"]


def test_an_entry_with_an_empty_key_is_read_as_bibtex_reads_it(tmp_path):
    path = tmp_path / "leitbild.bib"
    path.write_text(DIN1505_CASE, encoding="utf-8")
    bib = load_bibliography([path])
    bibtex = read_by_bibtex(path, tmp_path)
    assert list(bib.entries) == list(bibtex.fields) == ["", "otto:04"]
    assert bib.entries[""].raw_fields["url"] == bibtex.fields[""]["url"] == "http://www."
    assert bib.errors == []
    assert f"{path}:2: this @booklet has no key: BibTeX reads it under the empty key" in \
        "\n".join(str(warning) for warning in bib.warnings)


def test_commands_check_fails_build_and_export_warn(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("refs.bib").write_text(JURA2_CASE + DIN1505_CASE, encoding="utf-8")
    Path("cv.yaml").write_text(CV, encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["check", "cv.yaml"])
    assert checked.exit_code == 1
    assert "refs.bib:11: BibTeX cannot read this: in entry 'maunzduerig'" in checked.output
    assert "cv.yaml: ok" not in checked.output
    built = runner.invoke(main, ["build", "cv.yaml", "--format", "md"])
    assert built.exit_code == 0, built.output
    assert "refs.bib:11: warning: BibTeX cannot read this: in entry 'maunzduerig'" in built.output
    assert "Grundgesetz" in Path("build/cv.md").read_text(encoding="utf-8")
    exported = runner.invoke(main, ["export-bib", "refs.bib", "-o", "out.bib"])
    assert exported.exit_code == 0, exported.output
    assert "refs.bib:11: warning: BibTeX cannot read this: in entry 'maunzduerig'" in \
        exported.output
    assert "wrote 4 entries to out.bib" in exported.output  # the keyless entry is left out
    assert "@booklet{," not in Path("out.bib").read_text(encoding="utf-8")


# Latin-1 and Windows-1252 text: é ü ß (the same bytes in both), and Windows-1252's
# quotes, dash and euro sign (0x93 0x94 0x96 0x80), which Latin-1 has as control codes.
LEGACY = ("@misc{legacy,\n  author = {Jos\xe9 M\xfcller and Stra\xdfer, Anna},\n"
          "  title = {\x93Caf\xe9\x94 \x96 10 \x80},\n  year = {1999},\n}\n")
LEGACY_TEXT = {"author": "José Müller and Straßer, Anna", "title": "“Café” – 10 €",
               "year": "1999"}


@pytest.mark.parametrize(("header", "warned"), [
    (b"", True),
    (b"% This file was created with JabRef 2.10.\n% Encoding: Cp1252\n\n", False),
    (b"% Encoding: windows-1252\n", False),
    (b"This file was created with JabRef 2.0.1.\nEncoding: ISO8859_1\n\n", False),
    (b"% Encoding: UTF-8\n", True),  # says UTF-8, but is not
])
def test_legacy_encodings_are_read_as_bibtex_and_biber_read_them(tmp_path, header, warned):
    path = tmp_path / "legacy.bib"
    path.write_bytes(header + LEGACY.encode("latin-1"))
    bib = load_bibliography([path])
    assert bib.entries["legacy"].raw_fields == LEGACY_TEXT
    line = header.count(b"\n") + 2
    assert [str(w).split(";")[0] for w in bib.warnings] == (
        [f"{path}:{line}: the file is not UTF-8 (byte 0xE9 on line {line})"] if not header else
        [f"{path}:{line}: the file's first lines say the encoding is 'UTF-8', but byte 0xE9 "
         "is not utf-8 text, and the file is not UTF-8 either"] if warned else [])
    bibtex = read_by_bibtex(path, tmp_path, "cp1252")
    assert bibtex.fields["legacy"] == LEGACY_TEXT
    out = tmp_path / "biber.bib"
    subprocess.run(["biber", "--tool", "--quiet", "--input-encoding=cp1252",
                    "--output-encoding=UTF-8", f"--output-file={out}", str(path)],
                   cwd=tmp_path, check=True, capture_output=True, stdin=subprocess.DEVNULL,
                   timeout=120)
    biber = out.read_text(encoding="utf-8")
    assert "“Café” – 10 €" in biber and "Müller" in biber and "Straßer" in biber


def test_the_cv_names_a_files_encoding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("refs.bib").write_bytes(LEGACY.encode("latin-1"))
    legacy_cv = CV.replace("book, commentary, booklet", "misc")
    Path("cv.yaml").write_text(legacy_cv.replace("[refs.bib]",
                                                 "[{file: refs.bib, encoding: latin-1}]"),
                               encoding="utf-8")
    runner = CliRunner()
    exported = runner.invoke(main, ["export-bib", "cv.yaml"])
    assert exported.exit_code == 0, exported.output
    assert "warning" not in exported.output  # latin-1, read as web browsers read it: cp1252
    assert "% Encoding: UTF-8\n\n@misc{legacy,\n" in exported.output
    assert "title = {“Café” – 10 €}" in exported.output
    Path("cv.yaml").write_text(legacy_cv.replace("[refs.bib]",
                                                 "[{file: refs.bib, encoding: latin9x}]"),
                               encoding="utf-8")
    checked = runner.invoke(main, ["check", "cv.yaml"])
    assert checked.exit_code == 1
    warning, error = checked.output.splitlines()  # the file is read as BibTeX would
    assert warning.startswith("refs.bib:2: warning: the file is not UTF-8 (byte 0xE9 on line 2)")
    assert error == "cv.yaml:1: 'latin9x' is not an encoding bibcv knows; e.g. latin-1, " \
                    "windows-1252, utf-8"


@pytest.mark.parametrize("authors", [",", "Ada Lovelace and ,", ",,", ", Ada"])
def test_names_of_commas_are_warned_about_not_a_traceback(tmp_path, monkeypatch, authors):
    monkeypatch.chdir(tmp_path)
    Path("refs.bib").write_text(f"@book{{odd, author = {{{authors}}}, title = {{T}}, "
                                "publisher = {P}, year = {2020}}\n", encoding="utf-8")
    Path("cv.yaml").write_text(CV.replace("book, commentary, booklet", "book"), encoding="utf-8")
    runner = CliRunner()
    for command in (["check", "cv.yaml"], ["build", "cv.yaml", "--format", "html,md"],
                    ["export-bib", "cv.yaml"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 0, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "T" in Path("build/cv.md").read_text(encoding="utf-8")


# biblatex-mla's examples.bib (TeX Live): the parent has a title and a booktitle of its own.
MLA_CROSSREF = """\
@incollection{allende92aa,
  Author = {Isabel Allende},
  Crossref = {colchie92aa},
  Pages = {83--88},
  Title = {Toad's Mouth},
}
@collection{colchie92aa,
  Address = {New York},
  Booksubtitle = {Stories from Latin America},
  Booktitle = {A Hammock Beneath the Mangoes},
  Editor = {Thomas Colchie},
  Publisher = {Plume},
  Title = {A Hammock Beneath the Mangoes: Stories from Latin America},
  Year = {1992},
}
"""


def test_a_child_inherits_the_parents_own_booktitle_as_bibtex_does(tmp_path):
    path = tmp_path / "mla.bib"
    path.write_text(MLA_CROSSREF, encoding="utf-8")
    child = load_bibliography([path]).entries["allende92aa"]
    bibtex = bibtex_read(path, {"booktitle", "booksubtitle", "title", "publisher"}, tmp_path)
    assert bibtex.fields["allende92aa"]["booktitle"] == "A Hammock Beneath the Mangoes"
    for name in ("booktitle", "booksubtitle", "title", "publisher"):
        assert child.raw_fields[name] == bibtex.fields["allende92aa"][name], name


def test_macros_that_double_forty_times_stop_at_the_size_limit(tmp_path):
    """2**40 characters would take all memory: the value is refused at 200,000, at its line."""
    path = tmp_path / "doubling.bib"
    path.write_text("@string{a0 = \"x\"}\n" + "".join(
        f"@string{{a{level} = a{level - 1} # a{level - 1}}}\n" for level in range(1, 41))
        + "@misc{big, title = a40}\n@misc{fine, title = {Fine}}\n", encoding="utf-8")
    bib = load_bibliography([path])
    assert bib.entries["fine"].raw_fields["title"] == "Fine"
    assert len(bib.entries["big"].raw_fields["title"]) < 200_000
    assert str(bib.errors[0]) == (
        f"{path}:19: @string 'a18' is over 200,000 characters long (macros joined with '#' "
        "make it so); BibTeX's styles cut a text there and TeX cannot read a longer line. "
        "Shorten it; bibcv skips the rest of the entry (or command) and reads on")


@pytest.mark.parametrize(("codec", "name"), [("cp932", "Shift_JIS"),
                                              ("iso2022_jp", "ISO-2022-JP")])
def test_japanese_files_for_pbibtex_are_recognised(tmp_path, codec, name):
    """econ-bst's econ-example.bib has Shift_JIS quotes; pBibTeX's jxampl.bib is ISO-2022-JP."""
    text = "@book{j,\n  author = {ドナルド・ダック},\n  title = {“計算法”},\n  year = {1973},\n}\n"
    path = tmp_path / "japanese.bib"
    path.write_bytes(text.encode(codec))
    bib = load_bibliography([path])
    bibtex = read_by_bibtex(path, tmp_path, codec)
    assert bib.entries["j"].raw_fields == bibtex.fields["j"] == {
        "author": "ドナルド・ダック", "title": "“計算法”", "year": "1973"}
    [warning] = bib.warnings
    assert f"{path}:2: the file is not UTF-8" in str(warning)
    assert f"it is read as {name} (Japanese)" in str(warning)


def test_a_booktitle_only_biber_gives_is_warned_about(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{paper, author = {A. Author}, title = {Paper}, "
                    "crossref = {conf}}\n@proceedings{conf, title = {Proc. of Conf}, "
                    "year = 2020}\n", encoding="utf-8")
    bib = load_bibliography([path])
    assert bib.entries["paper"].raw_fields["booktitle"] == "Proc. of Conf"
    bibtex = bibtex_read(path, {"booktitle", "title"}, tmp_path)
    assert "booktitle" not in bibtex.fields["paper"]
    assert [str(warning) for warning in bib.warnings] == [
        f"{path}:1: entry 'paper' takes its booktitle from the title of its crossref 'conf', "
        "as biber does; BibTeX's styles would print no booktitle. Give 'conf' a booktitle to "
        "make both agree"]
