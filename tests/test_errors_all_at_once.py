"""Every problem of a CV in one run, each at its line, with a suggestion where one helps."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bibcv.cli import main
from bibcv.locales import load_locale
from conftest import write

BIB = "@inproceedings{lovelace-engine, author = {Ada Lovelace}, title = {Notes},\n" \
      "  booktitle = {Example Proceedings}, year = 1843}\n"

FIVE_MISTAKES = """\
    bibliography: [refs.bib]
    person:
      name: Ada Lovelace
      contact:
        emial: ada@example.org
    sections:
      research:
        title: Research
        layuot: paragraph
        text: Engines.
      papers:
        title: Papers
        layout: publications
        query: {author: self, sort: [yaer]}
        numbered: yes
      talks:
        title: Talks
        layout: dated_lsit
    """


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_five_mistakes_are_reported_in_one_run_with_their_lines(tmp_path):
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", FIVE_MISTAKES)
    result = run("check", str(cv))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{cv}:5: theme 'classic' cannot show the contact kind 'emial'; did you mean 'email'? "
        "(it knows: email, phone, location, homepage, github, gitlab, linkedin, scholar, "
        "orcid, twitter)",
        f"{cv}:9: unknown key 'layuot' in section 'research'; did you mean 'layout'? "
        "(it is required)",
        f"{cv}:14: cannot sort by 'yaer'; did you mean 'year'? (sort keys: date, year, title, key, "
        "file; '-' in front for descending order)",
        f"{cv}:15: 'numbered' in section 'papers' must be true or false, not the text 'yes'",
        f"{cv}:18: layout 'dated_lsit' is not in theme 'classic'; did you mean 'dated_list'? "
        "(layouts: paragraph, entries, dated_list, bullets, topics, publications)",
    ]


def test_problems_across_an_extends_chain_are_sorted_by_file_and_line(tmp_path):
    write(tmp_path / "_base.yaml", """\
        person:
          name: Ada Lovelace
        bibliography: [nowhere.bib]
        """)
    cv = write(tmp_path / "ada.yaml", """\
        extends: _base.yaml
        sections:
          about: {title: About, layout: paragraph, txet: Hello}
        order: [about, abuot]
        """)
    lines = run("check", str(cv)).output.splitlines()
    assert lines == [
        f"{tmp_path / '_base.yaml'}:3: bibliography file 'nowhere.bib' not found "
        f"(looked for {tmp_path / 'nowhere.bib'})",
        f"{cv}:3: unknown key 'txet' in section 'about'; did you mean 'text'? (it is required)",
        f"{cv}:4: 'order' names the section 'abuot', which is not under 'sections'; "
        "did you mean 'about'?",
    ]


def test_a_required_key_written_under_a_misspelt_name_is_named(tmp_path):
    cv = write(tmp_path / "cv.yaml", """\
        person: {nmae: Ada Lovelace}
        sections:
          jobs:
            title: Jobs
            layout: entries
            items:
              - {titel: Engineer, date: "1843"}
        """)
    assert run("check", str(cv)).output.splitlines() == [
        f"{cv}:1: unknown key 'nmae' in 'person'; did you mean 'name'? (it is required)",
        f"{cv}:7: unknown key 'titel' in item 1 of section 'jobs'; did you mean 'title'? "
        "(it is required)",
    ]


def test_query_keys_entry_types_and_terms_get_did_you_mean(tmp_path):
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        terms: {submited: Submitted}
        sections:
          papers:
            title: Papers
            layout: publications
            query: {keys: [lovelace-engin]}
          more:
            title: More
            layout: publications
            query: {types: [inproceeding], kewords: [x]}
        """)
    terms, *rest = run("check", str(cv)).output.splitlines()
    # Every word of the language may be changed: the message lists them all.
    assert terms == (f"{cv}:3: unknown key 'submited' in 'terms'; did you mean 'submitted'? "
                     f"(allowed: {', '.join(sorted(load_locale('en').terms))})")
    assert rest == [
        f"{cv}:12: unknown key 'kewords' in 'query' in section 'more'; did you mean "
        "'keywords'? (allowed: author, exclude, keys, keywords, selected, sort, types)",
    ]
    cv.write_text(cv.read_text().replace(", kewords: [x]", "").replace("submited", "submitted"))
    assert run("check", str(cv)).output.splitlines() == [
        f"{cv}:8: the query names the key 'lovelace-engin', which no bibliography file has; "
        "did you mean 'lovelace-engine'?",
        f"{cv}:12: the query names the entry type 'inproceeding', which BibTeX does not know; "
        "did you mean 'inproceedings'?",
    ]


@pytest.mark.parametrize(("yaml_text", "line", "hint"), [
    ("person:\n\tname: Ada\n", 2, "a tab character; YAML indents with spaces only"),
    ("person:\n  name: Ada\n   email: a@b.c\n", 3, "this line is indented differently"),
    ("person:\n    name: Ada\n  contact: {}\n", 3, "this line is indented differently"),
    ("person:\n  name: Ada\nsections:\n  a:\n    title: Note: this\n", 5,
     "a colon followed by a space inside a value that is not in quotes; put the value in "
     'quotes, e.g. title: "Note: this"'),
    ('person:\n  name: "Ada\n\nsections: {}\n', 2, "a quotation mark opened here is not closed"),
    ("person: {name: Ada, note: Note: this}\n", 1,
     "inside [ ] or { }, a value that holds a colon or a comma must be in quotes"),
])
def test_yaml_syntax_errors_get_a_plain_hint(tmp_path, yaml_text, line, hint):
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml_text, encoding="utf-8")
    result = run("check", str(cv))
    assert result.exit_code == 1
    assert result.output.startswith(f"{cv}:{line}: YAML syntax error: {hint}")
    assert "(YAML says: " in result.output


def test_missing_files_show_the_path_tried(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cv").mkdir()
    assert run("check", "nope.yaml").output.strip() == (
        f"nope.yaml: file not found (looked for {tmp_path / 'nope.yaml'})")
    write(tmp_path / "cv" / "ada.yaml", "extends: ../base/_ada.yaml\n")
    assert run("check", "cv/ada.yaml").output.strip() == (
        "cv/ada.yaml:1: 'extends' names '../base/_ada.yaml', which does not exist "
        f"(looked for {tmp_path / 'base' / '_ada.yaml'})")


def test_build_skips_base_files_and_refuses_bibtex(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cv").mkdir()
    write(tmp_path / "cv" / "_shared.yaml", "person: {name: Ada Lovelace}\n")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    result = run("build", "cv/_shared.yaml", "refs.bib")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "cv/_shared.yaml: skipped: a base file (its name starts with '_'), which CVs extend",
        "refs.bib: build takes CV files (.yaml); a BibTeX file is read through a CV's "
        "'bibliography' list",
    ]
    only_base = run("build", "cv/_shared.yaml")
    assert only_base.exit_code == 0, only_base.output


def test_newcomers_slips_say_how_to_fix_them(tmp_path):
    """A German historian's first CV: a bullet "Betreuer: Prof. X" (YAML reads a mapping),
    'sort' written beside 'query' instead of in it, and the theme 'moderncvv'."""
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections:
          edu:
            title: Ausbildung
            layout: entries
            items:
              - title: LMU München
                bullets:
                  - Betreuer: Prof. Dr. Jürgen Weiß
          papers:
            title: Veröffentlichungen
            layout: publications
            query: {author: self}
            sort: [year]
        """)
    assert run("check", str(cv)).output.splitlines() == [
        f"{cv}:10: item 1 of 'bullets' in item 1 of section 'edu' must be text, not a mapping; "
        "YAML reads 'Betreuer: …' as a key and its value (a colon and a space make a key): "
        "put the whole text in quotes, \"Betreuer: Prof. Dr. Jürgen Weiß\"",
        f"{cv}:15: 'sort' is a key of the query: write it inside 'query' in section 'papers' "
        "(query: {author: self, sort: …})",
    ]
    write(cv, "theme: moderncvv\nperson: {name: Ada Lovelace}\nsections: {}\n")
    assert "; did you mean 'moderncv'?" in run("check", str(cv)).output
