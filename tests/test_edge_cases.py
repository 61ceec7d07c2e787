"""Edge cases a careful review turned up: each once crashed, broke TeX, or changed the text."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from bibcv.bibliography import load_bibliography
from bibcv.cli import main
from bibcv.export import export_bibtex
from bibcv.model import Person, PublicationQuery
from bibcv.names import parse_name
from bibcv.richtext import parse_markdown
from bibcv.select import select_publications
from bibcv.venues import load_venue_table
from conftest import pdf_links, pdf_text, squash, write


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.mark.parametrize(("yaml_text", "line", "message"), [
    ("person:\n  name: !!int abc\n", 2, "cannot read this value"),
    ("person: {name: A\x01da}\n", 1, "YAML cannot read this file"),
    ("person: &p {name: Ada, contact: *p}\n", 1, "alias refers to a mapping or list"),
    ("person:\n  name: Ada\n  contact: {email: \"a\\x01b@x.org\"}\n", 3, "control character"),
])
def test_unreadable_yaml_is_a_message_not_a_traceback(tmp_path, yaml_text, line, message):
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml_text, encoding="utf-8")
    result = run("check", str(cv))
    assert result.exit_code == 1
    assert result.output.startswith(f"{cv}:{line}: ")
    assert message in result.output


def test_yaml_scalars_print_as_written(tmp_path):
    cv = write(tmp_path / "cv.yaml", """\
        person:
          name: Ada
          contact: {phone: 0755, location: "12:30"}
        sections:
          talks:
            title: Talks
            layout: dated_list
            items:
              - {text: 1_000 listeners, date: 2019.10}
              - {text: Hex 0x1F, date: 2023-02-30}
              - {text: yes, date: on}
        """)
    result = run("build", str(cv), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(tmp_path / "out" / "cv.pdf"))
    for written in ("0755", "12:30", "1_000 listeners 2019.10", "Hex 0x1F 2023-02-30", "yes on"):
        assert written in text
    assert (tmp_path / "out" / "cv.pdf").stat().st_mode & 0o777 == 0o644


def test_awkward_links_and_blank_lines_build(tmp_path):
    bib = write(tmp_path / "refs.bib", """\
        @misc{tilde, author = {Ada Lovelace}, title = {Notes},
          howpublished = {\\href{https://arxiv.org/abs/1}{arXiv:1}},
          url = {https://cs.example.edu/~ada/notes.pdf}, year = {1843}}
        """)
    cv = write(tmp_path / "cv.yaml", f"""\
        theme: scholar
        bibliography: [{bib.name}]
        person: {{name: 章梓立 Ada Lovelace, aliases: [Ada Lovelace]}}
        sections:
          news:
            title: News
            layout: dated_list
            items:
              - date: 1843
                text: "[Slides](https://cs.example.edu/~ada/t.pdf) and
                  [a page](https://en.wikipedia.org/wiki/Note_G_\\\\(x\\\\))"
          work:
            title: Work
            layout: entries
            items:
              - title: |
                  A title written

                  over a blank line
          selected:
            title: Selected
            layout: publications
            query: {{keys: [TILDE]}}
        """)
    result = run("build", str(cv), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "cv.pdf"
    text = squash(pdf_text(pdf))
    assert "A title written over a blank line" in text
    assert "arXiv:1, 1843" in text
    # ~ travels percent-encoded (%7E, the same URL): a bare ~ is a space to TeX.
    assert pdf_links(pdf) == ["https://cs.example.edu/%7Eada/t.pdf",
                              "https://en.wikipedia.org/wiki/Note_G_(x)",
                              "https://cs.example.edu/%7Eada/notes.pdf"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Title:           章梓立 Ada Lovelace" in info


def test_topic_without_papers_and_cleared_lists(tmp_path):
    write(tmp_path / "_base.yaml", """\
        theme: scholar
        person: {name: Ada}
        sections:
          research:
            title: Research
            layout: topics
            items:
              - area: Engines
                topics: [{name: Analytical}]
          prizes:
            title: Prizes
            layout: dated_list
            items: [{id: a, text: Inherited prize}]
        """)
    cv = write(tmp_path / "cv.yaml", """\
        extends: _base.yaml
        sections:
          prizes: {items: []}
        """)
    result = run("build", str(cv), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(tmp_path / "out" / "cv.pdf"))
    assert "Analytical:" in text and "Inherited prize" not in text


def test_two_cvs_with_one_name_and_an_unwritable_output(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder / "cv.yaml", "person: {name: Ada}\n")
    result = run("build", str(tmp_path / "a/cv.yaml"), str(tmp_path / "b/cv.yaml"),
                 "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "would both write" in result.output
    blocker = write(tmp_path / "file", "not a folder\n")
    result = run("build", str(tmp_path / "a/cv.yaml"), "-o", str(blocker / "out"))
    assert result.exit_code == 1
    assert "cannot write the outputs" in result.output


def test_new_quotes_awkward_names_and_refuses_unwritable_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("new", "ada", "--name", "Ada: Countess of Lovelace").exit_code == 0
    assert run("build", "cv/ada.yaml").exit_code == 0
    assert "ADA: COUNTESS OF LOVELACE" in squash(pdf_text(tmp_path / "build" / "ada.pdf"))
    refused = run("new", "bob", "--name", "Bob {Jr")
    assert refused.exit_code == 1
    assert "cannot be written into the starter files" in refused.output


def test_explicit_abbreviation_wins_and_keys_ignore_case(tmp_path):
    table = load_venue_table()
    assert table.abbreviate("Asia and South Pacific Design Automation Conference (ASP-DAC)") \
        == "ASP-DAC"
    bib = write(tmp_path / "r.bib", "@misc{k1, title = {T}}\n@misc{k2, title = {U}}\n")
    bibliography = load_bibliography([bib])
    person = Person("A", [parse_name("A B")])
    chosen = select_publications(bibliography, PublicationQuery(keys=["K1", "k2"],
                                                                exclude=["K2"]), person)
    assert [p.key for p in chosen] == ["k1"]


def test_circular_crossref_exports_without_a_crossref(tmp_path):
    bib = write(tmp_path / "r.bib", "@misc{a, title = {A}, crossref = {b}}\n"
                                    "@misc{b, note = {B}, crossref = {a}}\n")
    bibliography = load_bibliography([bib])
    assert any("round in a circle" in str(w) for w in bibliography.warnings)
    exported = export_bibtex(bibliography)
    assert "crossref = {a}" not in exported.split("@misc{b,")[0]


def test_link_targets_may_escape_parentheses():
    [link] = parse_markdown(r"[G](https://en.wikipedia.org/wiki/Note_G_\(x\))").parts
    assert link.url == "https://en.wikipedia.org/wiki/Note_G_(x)"


@pytest.mark.parametrize(("source", "url", "after"), [
    # balanced, as CommonMark reads them: the whole Wikipedia address, no stray ")" after it
    ("See [Ada](https://en.wikipedia.org/wiki/Ada_(programming_language)) now.",
     "https://en.wikipedia.org/wiki/Ada_(programming_language)", " now."),
    ("[x](https://e.org/a_(b)_c_(d)) (note)", "https://e.org/a_(b)_c_(d)", " (note)"),
    # an unbalanced "(" ends where it did: at the first ")"
    ("[x](https://e.org/(b) c)", "https://e.org/(b", " c)"),
    ("[x](https://e.org) (note)", "https://e.org", " (note)"),
])
def test_link_targets_may_hold_balanced_parentheses(source, url, after):
    link, *rest = parse_markdown(source.removeprefix("See ")).parts
    assert link.url == url
    assert "".join(part.value for part in rest) == after
