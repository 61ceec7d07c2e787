"""Public .bib files nobody here wrote, read by bibcv and by the real bibtex and biber.

The corpus: the .bib files TeX Live's Debian packages ship (the ones ``make
test`` installs) and biblatex's own examples (checked in, see
tests/corpus/README.md).  For each file:

- bibcv reads every entry bibtex reads, and every field as bibtex reads it;
- every name is split as bibtex's format.name$ splits it, except the
  documented places where bibcv reads a name as biber does (README, "How
  BibTeX is read"); those are counted, never silently passed;
- the export keeps every entry and every field's decoded text, exporting
  it again gives the same bytes, and the real bibtex and biber --tool read
  it without an error.

A file bibtex itself cannot read (frankenstein.bib) must be refused with the
line of the culprit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bibcv.bibliography import Bibliography, load_bibliography
from bibcv.bibtex_parser import parse_bibtex
from bibcv.bibtex_values import MONTH_NAMES
from bibcv.errors import BibcvError
from bibcv.export import export_bibtex
from bibcv.names import split_name, split_name_list

HERE = Path(__file__).parent
NAME_FIELDS = ("author", "editor", "translator", "bookauthor", "editora", "editorb", "holder",
               "commentator", "annotator", "introduction", "foreword", "afterword")


def texmf_dist() -> Path:
    found = subprocess.run(["kpsewhich", "-var-value", "TEXMFDIST"], capture_output=True,
                           text=True, check=True, stdin=subprocess.DEVNULL).stdout.strip()
    return Path(found)


CORPUS = {  # file -> the Debian package that ships it (installed by `make test`)
    "bibtex/bib/base/xampl.bib": "texlive-base",
    "bibtex/bib/oberdiek/oberdiek-bundle.bib": "texlive-latex-base",
    "source/latex/koma-script/doc/scrguide.bib": "texlive-latex-recommended",
    "bibtex/bib/cnltx/cnltx.bib": "texlive-latex-extra",
    "bibtex/bib/testidx/testidx-glossaries-samples.bib": "texlive-latex-extra",
    "bibtex/bib/glossaries-extra/example-glossaries-user.bib": "texlive-latex-extra",
    "biblatex-examples.bib": "checked in",
}


def corpus_path(name: str) -> Path:
    path = HERE / "corpus" / name if CORPUS[name] == "checked in" else texmf_dist() / name
    assert path.is_file(), f"{path} is missing: install the Debian package {CORPUS[name]}"
    return path


@dataclass
class BibtexReading:
    """What bibtex read: each entry's fields, and each name's First|von|Last|Jr."""

    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    names: dict[tuple[str, str, int], tuple[str, ...]] = field(default_factory=dict)
    messages: str = ""


# The standard styles define the month macros; bibcv predefines them the same way.
MONTH_MACROS = "\n".join(f'MACRO {{{name[:3].lower()}}} {{"{name}"}}' for name in MONTH_NAMES)


def bibtex_read(bib: Path, field_names: set[str], folder: Path) -> BibtexReading:
    """Run bibtex with a style that prints every field and every name split it read."""
    shutil.copy(bib, folder / "corpus.bib")
    declared = sorted((field_names | set(NAME_FIELDS)) - {"crossref"})  # predeclared
    prints = " ".join(f'"{name}" {name} fld' for name in declared)
    names = " ".join(f'"{name}" {name} nms' for name in NAME_FIELDS)
    (folder / "corpus.bst").write_text(
        f"ENTRY {{ {' '.join(declared)} }} {{ }} {{ }}\n{MONTH_MACROS}\n"
        "INTEGERS { bibcv.index bibcv.count }\nSTRINGS { bibcv.list bibcv.part }\nREAD\n"
        "FUNCTION {fld} { duplicate$ missing$ { pop$ pop$ } "
        '{ swap$ "@@F " swap$ * "=" * swap$ * "@@E" * write$ newline$ } if$ }\n'
        "FUNCTION {nms} { duplicate$ empty$ { pop$ pop$ } { 'bibcv.list := 'bibcv.part := "
        "bibcv.list num.names$ 'bibcv.count := #1 'bibcv.index := "
        "{ bibcv.index bibcv.count #1 + < } "
        '{ "@@N " bibcv.part * " " * bibcv.index int.to.str$ * "=" * bibcv.list bibcv.index '
        '"{ff{ }}|{vv{ }}|{ll{ }}|{jj{ }}" format.name$ * "@@E" * write$ newline$ '
        "bibcv.index #1 + 'bibcv.index := } while$ } if$ }\n"
        f'FUNCTION {{show}} {{ "@@K " cite$ * write$ newline$ {prints} {names} }}\n'
        "ITERATE {show}\n", encoding="utf-8")
    (folder / "corpus.aux").write_text(
        "\\citation{*}\n\\bibstyle{corpus}\n\\bibdata{corpus}\n", encoding="utf-8")
    result = subprocess.run(["bibtex", "-terse", "-min-crossrefs=1000", "corpus"], cwd=folder,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    reading = BibtexReading(messages=result.stdout)
    bbl = (folder / "corpus.bbl").read_text(encoding="utf-8")
    records = re.sub(r"\n(?!@@) {0,2}", " ", bbl)  # bibtex breaks long lines: "\n  " for " "
    key = ""
    for line in records.splitlines():
        tag, _, rest = line.partition(" ")
        if tag == "@@K":
            key = rest
            reading.fields[key] = {}
        elif tag == "@@F":
            name, _, value = rest.rstrip(" ").removesuffix("@@E").partition("=")
            reading.fields[key][name] = value
        elif tag == "@@N":
            where, _, parts = rest.rstrip(" ").removesuffix("@@E").partition("=")
            name_field, index = where.split(" ")
            reading.names[key, name_field, int(index)] = tuple(parts.split("|"))
    return reading


def tokens(part: str) -> str:
    """A part's LaTeX tokens joined by spaces: names.bst writes ties and hyphens as spaces."""
    return " ".join(re.sub(r"(?<!\\)[~-]", " ", part).split())


def read_as_biber(written: str) -> bool:
    """Names bibcv reads as biber does, where BibTeX's reading breaks them (README)."""
    return bool("=" in written or re.search(r"\s[0-9]{4}$", written) or "\\~" in written
                or "\\-" in written or re.search(r"-\s*[a-z]", written)
                or re.search(r"(^|[\s~{])[^\x00-\x7f]", written))


@dataclass
class CorpusResult:
    path: Path
    ours: Bibliography
    parsed: dict[str, dict[str, str]]
    bibtex: BibtexReading
    export: str
    export_again: str
    reparsed: Bibliography


@pytest.fixture(scope="module", params=list(CORPUS), ids=lambda name: Path(name).name)
def corpus(request, tmp_path_factory) -> CorpusResult:
    path = corpus_path(request.param)
    folder = tmp_path_factory.mktemp("corpus")
    parsed: dict[str, dict[str, str]] = {}
    for entry in parse_bibtex(path.read_text(encoding="utf-8-sig")).entries:
        fields = parsed.setdefault(entry.key, {})
        for raw in entry.fields:
            fields.setdefault(raw.name, raw.value)
    field_names = {name for fields in parsed.values() for name in fields}
    ours = load_bibliography([path])
    export = export_bibtex(ours, ours.preambles)
    exported = folder / "exported.bib"
    exported.write_text(export, encoding="utf-8")
    reparsed = load_bibliography([exported])
    return CorpusResult(path, ours, parsed, bibtex_read(path, field_names, folder), export,
                        export_bibtex(reparsed, reparsed.preambles), reparsed)


def test_every_entry_and_field_is_read_as_bibtex_reads_it(corpus):
    assert list(corpus.ours.entries) == list(corpus.bibtex.fields)
    different = [(key, name, value, corpus.bibtex.fields[key].get(name))
                 for key, fields in corpus.parsed.items() for name, value in fields.items()
                 if name != "crossref" and corpus.bibtex.fields[key].get(name) != value]
    assert different == []


def test_every_name_is_split_as_bibtex_splits_it(corpus):
    compared, as_biber, different = 0, 0, []
    for (key, name_field, index), parts in corpus.bibtex.names.items():
        if name_field not in corpus.parsed[key]:
            continue  # bibtex copied it from the crossref parent: compared there
        written = split_name_list(corpus.parsed[key][name_field])[index - 1]
        name = split_name(written)
        ours = tuple(tokens(part) for part in (name.first, name.von, name.last, name.jr))
        theirs = tuple(tokens(part) for part in parts)
        compared += 1
        if ours != theirs:
            if read_as_biber(written):
                as_biber += 1
            else:
                different.append((key, written, ours, theirs))
    assert different == []
    assert compared > 0 or "glossaries" in corpus.path.name  # glossary files have no names
    assert as_biber <= compared // 10  # the documented exceptions stay exceptions


def test_export_keeps_every_entry_and_every_decoded_text(corpus):
    assert corpus.export_again == corpus.export
    assert list(corpus.reparsed.entries) == list(corpus.ours.entries)
    for key, entry in corpus.ours.entries.items():
        other = corpus.reparsed.entries[key]
        assert (entry.entry_type, entry.authors) == (other.entry_type, other.authors), key
        assert set(entry.raw_fields) == set(other.raw_fields), key
        for name in entry.raw_fields.keys() - {"month", *NAME_FIELDS}:
            assert entry.text(name) == other.text(name), (key, name)


def test_real_bibtex_and_biber_read_the_export(corpus, tmp_path):
    exported = tmp_path / "exported.bib"
    exported.write_text(corpus.export, encoding="utf-8")
    (tmp_path / "doc.aux").write_text(
        "\\citation{*}\n\\bibstyle{plain}\n\\bibdata{exported}\n", encoding="utf-8")
    bibtex = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    assert "error message" not in bibtex.stdout, bibtex.stdout
    out = tmp_path / "biber.bib"
    biber = subprocess.run(["biber", "--tool", "--quiet", f"--output-file={out}", str(exported)],
                           cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=120)
    assert biber.returncode == 0, biber.stdout + biber.stderr
    assert "ERROR" not in biber.stdout + biber.stderr
    assert out.read_text(encoding="utf-8").count("\n@") + 1 >= len(corpus.ours.entries)


def test_a_file_bibtex_cannot_read_is_refused_at_the_culprit():
    path = texmf_dist() / "bibtex/bib/frankenstein/frankenstein.bib"  # texlive-latex-extra
    with pytest.raises(BibcvError) as refused:
        load_bibliography([path])
    assert "the '\"' inside braces on line 444 does not end it" in str(refused.value)
