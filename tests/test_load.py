"""CV YAML: extends, merging, and errors that point at the line to change."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bibcv.errors import BibcvError
from bibcv.load import load_cv
from bibcv.richtext import plain

BASE = """\
person:
  name: Ada Lovelace
  contact:
    email: ada@example.org
bibliography: [refs/ada.bib]
sections:
  education:
    title: Education
    layout: entries
    items:
      - id: london
        title: University of London
        date: "1840"
        bullets: [Mathematics]
  awards:
    title: Awards
    layout: dated_list
    items:
      - {text: Some prize, date: 1841}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    write(tmp_path, "shared/refs/ada.bib", "@misc{a, title={A}}\n")
    return write(tmp_path, "shared/_ada.yaml", BASE)


def load_error(path: Path) -> str:
    with pytest.raises(BibcvError) as caught:
        load_cv(path)
    return str(caught.value)


def test_extends_merges_mappings_and_items_by_id(tmp_path, base):
    cv_path = write(tmp_path, "ada.yaml", """\
        extends: shared/_ada.yaml
        sections:
          education:
            items:
              - id: london
                bullets: [Mathematics and logic]
              - id: paris
                title: Somewhere new
          awards: null
        """)
    cv, _theme = load_cv(cv_path)
    assert cv.person.display_name == "Ada Lovelace"
    assert [s.id for s in cv.sections] == ["education"]
    london, paris = cv.sections[0].items
    assert plain(london["title"]) == "University of London"
    assert [plain(b) for b in london["bullets"]] == ["Mathematics and logic"]
    assert plain(paris["title"]) == "Somewhere new"
    assert cv.files == [cv_path, tmp_path / "shared/_ada.yaml"]


def test_bibliography_paths_are_relative_to_the_file_that_names_them(tmp_path, base):
    cv, _ = load_cv(write(tmp_path, "ada.yaml", "extends: shared/_ada.yaml\n"))
    assert cv.bibliography_files == [tmp_path / "shared" / "refs/ada.bib"]


def test_a_base_file_is_not_a_cv(base):
    assert "this is a base file" in load_error(base)


def test_yaml_syntax_error_has_its_line(tmp_path):
    path = write(tmp_path, "cv.yaml", "person:\n  name: [unclosed\nsections: {}\n")
    assert load_error(path).startswith(f"{path}:3: YAML syntax error")


def test_unknown_key_suggests_the_right_one(tmp_path, base):
    path = write(tmp_path, "ada.yaml", "extends: shared/_ada.yaml\nsectoins: {}\n")
    message = load_error(path)
    assert message.startswith(f"{path}:2: unknown key 'sectoins' in the CV")
    assert "did you mean 'sections'?" in message


def test_unknown_item_field_points_at_its_line_even_in_the_base(tmp_path, base):
    base.write_text(BASE.replace("        date: \"1840\"", "        dates: \"1840\""))
    path = write(tmp_path, "ada.yaml", "extends: shared/_ada.yaml\n")
    message = load_error(path)
    assert message.startswith(f"{base}:13: unknown key 'dates'")
    assert "did you mean 'date'?" in message


def test_missing_required_field(tmp_path, base):
    path = write(tmp_path, "ada.yaml", """\
        extends: shared/_ada.yaml
        sections:
          awards:
            items:
              - {date: 1841}
        """)
    assert load_error(path) == (
        f"{path}:5: item 1 of section 'awards' needs 'text'")


def test_wrong_type(tmp_path, base):
    path = write(tmp_path, "ada.yaml", "extends: shared/_ada.yaml\nperson:\n  name: [Ada]\n")
    assert load_error(path).startswith(f"{path}:3: 'person.name' must be text, not a list")


@pytest.mark.parametrize(("snippet", "expected"), [
    ("sections:\n  awards:\n    layout: awrds\n", ":4: layout 'awrds' is not in theme"),
    ("person:\n  contact:\n    emial: x@y.z\n", ":4: theme 'classic' cannot show the contact kind"),
    ("theme: fancy\n", ":2: theme 'fancy' not found"),
    ("order: [education, talks]\n", ":2: 'order' names the section 'talks'"),
    ("sections:\n  awards:\n    items:\n      - text: '[x](file:///etc/passwd)'\n",
     ":5: link target 'file:///etc/passwd' is not allowed"),
])
def test_errors_name_the_line(tmp_path, base, snippet, expected):
    path = write(tmp_path, "ada.yaml", "extends: shared/_ada.yaml\n" + snippet)
    assert expected in load_error(path)
    assert load_error(path).startswith(str(path))


def test_missing_and_circular_extends(tmp_path):
    missing = write(tmp_path, "a.yaml", "extends: nowhere.yaml\n")
    assert load_error(missing) == (
        f"{missing}:1: 'extends' names 'nowhere.yaml', which does not exist "
        f"(looked for {tmp_path / 'nowhere.yaml'})")
    write(tmp_path, "_b.yaml", "extends: _c.yaml\n")
    write(tmp_path, "_c.yaml", "extends: _b.yaml\n")
    circle = write(tmp_path, "d.yaml", "extends: _b.yaml\n")
    assert "goes round in a circle: d.yaml -> _b.yaml -> _c.yaml -> _b.yaml" in load_error(circle)


def test_missing_bibliography_file(tmp_path):
    path = write(tmp_path, "cv.yaml", "person: {name: X}\nbibliography:\n  - nope.bib\n")
    assert load_error(path) == (
        f"{path}:3: bibliography file 'nope.bib' not found (looked for {tmp_path / 'nope.bib'})")


def test_aliases_of_aliases_stop_at_a_budget_with_the_line(tmp_path):
    """Nine lines whose aliases would copy 10**8 values ("billion laughs")."""
    cv = tmp_path / "laughs.yaml"
    cv.write_text('x0: &x0 ["lol"]\n' + "".join(
        f"x{level}: &x{level} [{', '.join([f'*x{level - 1}'] * 10)}]\n"
        for level in range(1, 9)), encoding="utf-8")
    with pytest.raises(BibcvError) as caught:
        load_cv(cv)
    assert str(caught.value).startswith(
        f"{cv}:2: the YAML aliases (*name) in this file copy more than 100,000 values "
        "(aliases of aliases multiply); write the values out, or use fewer aliases")


def test_a_few_aliases_are_fine(tmp_path):
    cv = tmp_path / "cv.yaml"
    cv.write_text(textwrap.dedent("""\
        person: &me {name: Ada Lovelace}
        sections:
          about: &about {title: About, layout: paragraph, text: Hello}
          again: *about
        """), encoding="utf-8")
    loaded, _ = load_cv(cv)
    assert [plain(section.title) for section in loaded.sections] == ["About", "About"]
