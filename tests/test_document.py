"""The format-neutral Document: one place that knows what a CV reads and shows."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bibcv import OUTPUT_FORMATS
from bibcv.cli import main
from bibcv.document import load_document
from bibcv.pipeline import WRITERS, export_bib
from bibcv.richtext import plain
from conftest import REPO, write

CV = REPO / "cv" / "zhuofu-chen-v2.yaml"


def test_every_output_format_has_a_writer():
    assert tuple(WRITERS) == OUTPUT_FORMATS


def test_document_knows_every_file_the_cv_reads():
    document = load_document(CV)
    assert document.inputs.files == (
        CV, REPO / "cv" / "_zhuofu-chen.yaml", REPO / "bib" / "zhuofu-chen.bib")
    assert document.inputs.theme.name == "classic"
    assert document.inputs_digest == document.inputs.digest()


def test_each_publication_is_styled_once_and_export_shows_the_same_entries():
    document = load_document(CV)
    [papers] = [s for s in document.sections if s.publications]
    assert [p.label for p in papers.publications] == ["[1]", "[2]", "[3]"]
    assert [p.key for p in papers.publications] == [p.key for p in document.publications]
    exported = export_bib([CV])
    assert exported.count == len(document.publications)
    for publication in document.publications:
        assert f"{{{publication.key}," in exported.text


def test_document_holds_rich_text_not_latex():
    document = load_document(CV)
    contact = {line.kind: line for line in document.contact}
    assert plain(contact["email"].text) == "aetiurf@gmail.com"
    assert "\\" not in plain(document.sections[0].title)


def test_formats_key_is_checked_with_its_line(tmp_path: Path):
    cv = write(tmp_path / "ada.yaml", """\
        person: {name: Ada Lovelace}
        formats: [pdf, docx]
        sections: {}
        """)
    result = CliRunner().invoke(main, ["check", str(cv)])
    assert result.exit_code == 1
    assert f"{cv}:2: unknown output format 'docx'" in result.output


def test_build_rejects_an_unknown_format_before_any_work(tmp_path: Path):
    result = CliRunner().invoke(main, ["build", str(CV), "-o", str(tmp_path), "-f", "pdf,odt"])
    assert result.exit_code == 2
    assert "odt is not an output format" in result.output
    assert not any(tmp_path.iterdir())


def test_a_contact_value_that_cannot_be_linked_names_its_kind_and_what_to_write(tmp_path: Path):
    cv = write(tmp_path / "ada.yaml", """\
        person: {name: Ada Lovelace, contact: {scholar: abcDEF123}}
        sections: {}
        """)
    result = CliRunner().invoke(main, ["check", str(cv)])
    assert result.exit_code == 1
    assert (f"{cv}:1: contact 'scholar': link target 'abcDEF123' is not allowed; use one of: "
            "http, https, mailto; the theme links it as …, so write the whole address"
            ) in result.output
