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

import gzip
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from bibcv.bibliography import Bibliography, load_bibliography
from bibcv.bibtex_parser import parse_bibtex
from bibcv.errors import BibcvError
from bibcv.export import export_bibtex
from bibcv.names import split_name, split_name_list
from bibtex_oracle import NAME_FIELDS, BibtexReading, bibtex_read, texmf_dist

HERE = Path(__file__).parent

@dataclass(frozen=True)
class Source:
    package: str  # the Debian package that ships it (installed by `make test`), or "checked in"
    encoding: str = "utf-8"  # what its bytes are: bibtex's output is decoded with it
    declared: bool = False  # a JabRef "Encoding:" line says so


DOC = "/usr/share/doc/texlive-doc/"  # gzipped examples of the packages' documentation
CORPUS = {
    "bibtex/bib/base/xampl.bib": Source("texlive-base"),
    "bibtex/bib/oberdiek/oberdiek-bundle.bib": Source("texlive-latex-base"),
    "source/latex/koma-script/doc/scrguide.bib": Source("texlive-latex-recommended"),
    "bibtex/bib/cnltx/cnltx.bib": Source("texlive-latex-extra"),
    "bibtex/bib/testidx/testidx-glossaries-samples.bib": Source("texlive-latex-extra"),
    "bibtex/bib/glossaries-extra/example-glossaries-user.bib": Source("texlive-latex-extra"),
    "biblatex-examples.bib": Source("checked in"),
    # Its export once differed from the export of the export ("J. B. Mason, and ...").
    DOC + "latex/biblatex-oxref/oxref.bib.gz": Source("texlive-bibtex-extra"),
    # Legacy encodings: Latin-1 without a header (jurabib's test file, with "Abschluß" in a
    # title; IEEEtran's string files, read by every IEEE paper; gloss's sample), and JabRef
    # files that declare Windows-1252 ("Cp1252") and Latin-1 ("ISO8859_1", JabRef 2.0's
    # header without '%').
    "bibtex/bib/jurabib/jbtest.bib": Source("texlive-bibtex-extra", "latin-1"),
    "bibtex/bib/ieeetran/IEEEfull.bib": Source("texlive-publishers", "latin-1"),
    "bibtex/bib/ieeetran/IEEEabrv.bib": Source("texlive-publishers", "latin-1"),
    "bibtex/bib/gloss/sample.bib": Source("texlive-latex-extra", "latin-1"),
    DOC + "latex/biblatex-bwl/doc/bwl-FU.bib.gz": Source("texlive-bibtex-extra", "cp1252",
                                                         declared=True),
    DOC + "bibtex/economic/ajae-ex.bib.gz": Source("texlive-bibtex-extra", "latin-1",
                                                   declared=True),
}


def corpus_path(name: str, folder: Path) -> Path:
    """The file, where its package installs it (a gzipped one unpacked into folder)."""
    source = CORPUS[name]
    path = HERE / "corpus" / name if source.package == "checked in" else texmf_dist() / name
    assert path.is_file(), f"{path} is missing: install the Debian package {source.package}"
    if path.suffix == ".gz":
        unpacked = folder / path.stem
        unpacked.write_bytes(gzip.decompress(path.read_bytes()))
        return unpacked
    return path


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
    source: Source
    ours: Bibliography
    parsed: dict[str, dict[str, str]]
    bibtex: BibtexReading
    export: str
    export_again: str
    reparsed: Bibliography


@pytest.fixture(scope="module", params=list(CORPUS),
                ids=lambda name: Path(name).name.removesuffix(".gz"))
def corpus(request, tmp_path_factory) -> CorpusResult:
    folder = tmp_path_factory.mktemp("corpus")
    path = corpus_path(request.param, folder)
    source = CORPUS[request.param]
    parsed: dict[str, dict[str, str]] = {}
    text = path.read_bytes().decode("utf-8-sig" if source.encoding == "utf-8" else source.encoding)
    for entry in parse_bibtex(text).entries:
        fields = parsed.setdefault(entry.key, {})
        for raw in entry.fields:
            fields.setdefault(raw.name, raw.value)
    field_names = {name for fields in parsed.values() for name in fields}
    ours = load_bibliography([path])
    export = export_bibtex(ours, ours.preambles)
    exported = folder / "exported.bib"
    exported.write_text(export, encoding="utf-8")
    reparsed = load_bibliography([exported])
    return CorpusResult(path, source, ours, parsed,
                        bibtex_read(path, field_names, folder, source.encoding), export,
                        export_bibtex(reparsed, reparsed.preambles), reparsed)


def test_every_entry_and_field_is_read_as_bibtex_reads_it(corpus):
    assert list(corpus.ours.entries) == list(corpus.bibtex.fields)
    # An undefined macro is empty to BibTeX; bibcv keeps its name as the word, and warns.
    undefined = {match.groups() for match in (
        re.search(r"field '(.+?)' of entry '(.+?)' uses the undefined macro", str(warning))
        for warning in corpus.ours.warnings) if match}
    different = [(key, name, value, corpus.bibtex.fields[key].get(name))
                 for key, fields in corpus.parsed.items() for name, value in fields.items()
                 if name != "crossref" and corpus.bibtex.fields[key].get(name) != value
                 and (name, key) not in undefined]
    assert different == []


def test_crossref_children_inherit_what_bibtex_gives_them(corpus):
    """Where bibcv inherits a field BibTeX also fills in, the two agree (biber's extra
    mappings, such as a parent's title as booktitle when it has none, BibTeX leaves empty)."""
    different = [(key, name, value, corpus.bibtex.fields[key][name])
                 for key, entry in corpus.ours.entries.items() if entry.parent_key
                 for name, value in entry.raw_fields.items()
                 if name in entry.inherited and corpus.bibtex.fields[key].get(name)
                 and corpus.bibtex.fields[key][name] != value]
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
    # glossaries and IEEEtran's string files have no names
    assert compared > 0 or not any(set(NAME_FIELDS) & set(fields)
                                   for fields in corpus.parsed.values())
    assert as_biber <= compared // 10  # the documented exceptions stay exceptions


def test_export_keeps_every_entry_and_every_decoded_text(corpus):
    assert corpus.export_again == corpus.export
    assert list(corpus.reparsed.entries) == list(corpus.ours.entries)
    for key, entry in corpus.ours.entries.items():
        other = corpus.reparsed.entries[key]
        assert (entry.entry_type, entry.authors) == (other.entry_type, other.authors), key
        assert set(entry.raw_fields) <= set(other.raw_fields), key
        # the date's other form: year and month for bibtex, date for biber
        assert set(other.raw_fields) - set(entry.raw_fields) <= {"year", "month", "date"}, key
        assert (entry.month, entry.season, entry.year_text) \
            == (other.month, other.season, other.year_text), key
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


def test_a_legacy_file_is_read_as_biber_told_its_encoding_reads_it(corpus, tmp_path):
    if corpus.source.encoding == "utf-8":
        return  # the other tests compare these with bibtex; biber reads UTF-8 as bibcv does
    legacy_warnings = [str(w) for w in corpus.ours.warnings if "not UTF-8" in str(w)]
    assert len(legacy_warnings) == (0 if corpus.source.declared else 1)
    out = tmp_path / "biber.bib"
    subprocess.run(["biber", "--tool", "--quiet", f"--input-encoding={corpus.source.encoding}",
                    "--output-encoding=UTF-8", f"--output-file={out}", str(corpus.path)],
                   cwd=tmp_path, check=True, capture_output=True, stdin=subprocess.DEVNULL,
                   timeout=120)
    biber = {entry.key.casefold(): " ".join(raw.value for raw in entry.fields)
             for entry in parse_bibtex(out.read_text(encoding="utf-8")).entries}
    for key, entry in corpus.ours.entries.items():
        for value in entry.raw_fields.values():
            for word in re.findall(r"\S*[^\x00-\x7f]\S*", value):
                assert word in biber[key.casefold()], (key, word)


def test_a_file_bibtex_cannot_read_is_refused_at_the_culprit():
    path = texmf_dist() / "bibtex/bib/frankenstein/frankenstein.bib"  # texlive-latex-extra
    with pytest.raises(BibcvError) as refused:
        load_bibliography([path])
    assert "the '\"' inside braces on line 444 does not end it" in str(refused.value)
