"""Every problem of a CV in one run, each at its line, with a suggestion where one helps."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from bibcv.cli import main
from bibcv.locales import load_locale
from bibcv.theme import BUILTIN_THEMES
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


def test_a_query_may_name_every_type_bibcv_cites_before_the_bib_has_one(tmp_path):
    """`types: [standard, newspaper]` (types bibcv cites, from biblatex-gb7714) was an error,
    "which BibTeX does not know", in a CV whose .bib had none yet."""
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections:
          other: {title: O, layout: publications, query: {types: [standard, newspaper]}}
        """)
    assert run("check", str(cv)).output.splitlines() == [
        f"{cv}:4: warning: this publication query matches no bibliography entry", f"{cv}: ok"]


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
    ("person:\n  name: Ada\nsections:\n  a:\n    items:\n      - text: @ada on X\n", 6,
     'YAML reserves @ at the start of a value, so a value that starts with it must be in '
     'quotes, e.g. - text: "@ada on X"'),
    ("person:\n  name: Ada\n  contact: {github: `ada`, email: a@b.org}\n", 3,
     "YAML reserves ` at the start of a value, so a value that starts with it must be in "
     'quotes, e.g. contact: {github: "`ada`", email: a@b.org}'),
])
def test_yaml_syntax_errors_get_a_plain_hint(tmp_path, yaml_text, line, hint):
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml_text, encoding="utf-8")
    result = run("check", str(cv))
    assert result.exit_code == 1
    assert result.output.startswith(f"{cv}:{line}: YAML syntax error: {hint}")
    assert "(YAML says: " in result.output


def test_a_yaml_syntax_error_without_a_hint_says_yamls_words_once(tmp_path):
    cv = tmp_path / "cv.yaml"
    cv.write_text("person: {name: Ada}\nsections:\n  x: [\n", encoding="utf-8")
    result = run("check", str(cv))
    assert result.exit_code == 1
    assert result.output == f"{cv}:4: YAML syntax error: did not find expected node content\n"


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


def test_problems_found_by_different_stages_are_reported_together(tmp_path):
    """The language, the styles, the design and the format are checked whatever the others
    found: before, an unknown language hid a missing style, and a missing photo the font."""
    cv = write(tmp_path / "cv.yaml", """\
        language: xx-nope
        style: apa-nonexistent
        design: {page_size: a3, font: No Such Font, photo: nope.jpg}
        person: {name: Ada Lovelace}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self}, style: ieee3}
        """)
    lines = run("check", str(cv)).output.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{cv}:1", f"{cv}:2", f"{cv}:3", f"{cv}:3", f"{cv}:3", f"{cv}:6"]
    assert lines[0].startswith(f"{cv}:1: bibcv has no words for the language 'xx-nope'")
    assert lines[1].startswith(f"{cv}:2: there is no citation style 'apa-nonexistent'; "
                               "did you mean")
    assert sorted(lines[2:5]) == [
        f"{cv}:3: 'design.page_size': 'a3' is not one of a4, a5, b5, letter, legal, "
        "us-executive",
        f"{cv}:3: photo 'nope.jpg' not found (looked for {tmp_path / 'nope.jpg'}); give the "
        "path of a JPEG or PNG file, relative to this file",
        f"{cv}:3: the font 'No Such Font' is not installed on this machine; install it (on "
        "Debian or Ubuntu `apt-cache search FONT` names its package, then `sudo apt-get "
        "install PACKAGE`), or copy its .otf/.ttf files to ~/.local/share/fonts and run "
        "`fc-cache`; `fc-list : family` lists the fonts installed"]
    assert lines[5].startswith(f"{cv}:6: there is no citation style 'ieee3'; did you mean")


def test_an_unknown_theme_does_not_hide_the_rest_and_build_writes_nothing(tmp_path):
    cv = write(tmp_path / "cv.yaml", """\
        theme: sidebr
        person: {name: Ada Lovelace}
        sections:
          about: {title: About, layout: paragraph, txet: Hello}
          jobs: {title: Jobs, layout: entries, items: [{title: Engineer, dtae: "1843"}]}
        """)
    result = run("build", str(cv), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{cv}:1: theme 'sidebr' not found; built-in themes: classic, compact, moderncv, "
        "scholar, sidebar, or give the path of a folder that holds a theme.yaml; did you mean "
        "'sidebar'? (the rest of the CV was checked against the theme 'sidebar')",
        f"{cv}:4: unknown key 'txet' in section 'about'; did you mean 'text'? (it is required)",
        f"{cv}:5: unknown key 'dtae' in item 1 of section 'jobs'; did you mean 'date'? "
        "(allowed: bullets, date, id, location, subtitle, title)",
    ]
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_check_without_node_says_how_to_get_it_and_reports_the_rest(tmp_path, monkeypatch):
    """citeproc-js runs the style (check renders everything but TeX); without Node.js the
    message is at the `style:` line and says what to install, and the .bib's own error and
    the warnings are still reported. Before, one line at no line number was all."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "fc-list").symlink_to(shutil.which("fc-list"))
    (tmp_path / "refs.bib").write_text(
        "@article{lovelace1843, author = {Ada Lovelace}, title = {Notes},\n"
        "  journal = {Scientific Memoirs}, year = 1843}\n"
        "@article{broken, author = {Ada Lovelace}, title = {Unclosed, year = 1844}\n\n"
        "@misc{sketch, author = {Ada Lovelace}, title = {Sketch}}\n", encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        style: apa
        person: {name: Ada Lovelace}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self}}
        """)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    node = (f"{cv}:2: CSL styles need Node.js (the `node` command), which is not installed; "
            "run `npm install citeproc@2.4.63` in your CV's folder (on Debian, `apt-get install "
            "nodejs npm` first if `node` is missing), or `npm ci` in bibcv's folder; or write "
            "`style: bibcv` for bibcv's own style, which needs neither")
    checked = run("check", str(cv))
    assert checked.exit_code == 1
    lines = checked.output.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'refs.bib'}:3: warning: entry 'broken'")
    assert lines[1:] == [node, f"{tmp_path / 'refs.bib'}:5: BibTeX cannot read this: in entry "
                         "'broken' (begun on line 3): expected ',' or '}', found '@misc{sketch, "
                         "author'; BibTeX skips the rest of the entry (or command) and reads on, "
                         "and so does bibcv"]
    built = run("build", str(cv), "-o", str(tmp_path / "out"), "--format", "md")
    assert built.exit_code == 1 and node in built.output.splitlines()


BROKEN_CSL = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">\n'
    "  <info><title>Broken</title><id>broken</id>"
    "<updated>2020-01-01T00:00:00+00:00</updated></info>\n"
    '  <citation><layout><text variable="title"/></layout></citation>\n'
    '  <bibliography><layout><text macro="undefined-macro"/></layout></bibliography>\n'
    "</style>\n")  # calls a macro it does not define


def test_a_broken_csl_style_is_blamed_at_its_line_not_a_crash(tmp_path):
    """citeproc-js gives no text for a style that calls a macro it lacks; bibcv crashed
    (KeyError) reading its answer."""
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "broken.csl").write_text(BROKEN_CSL, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self},
                   style: broken.csl}
        """)
    assert run("check", str(cv)).output.splitlines() == [
        f"{cv}:5: the style 'broken.csl' rendered nothing for 1 of its 1 entries (citeproc-js "
        "gave no text back); the style is likely broken, e.g. it uses a macro it does not "
        "define: check it at https://validator.citationstyles.org, or choose another style"]


def test_a_missing_key_does_not_hide_the_styles_problems(tmp_path):
    """A query naming a key no .bib has stopped the run before the CSL stage, and an unknown
    style stopped it before the queries: each hid the others until fixed."""
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "broken.csl").write_text(BROKEN_CSL, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections:
          picked: {title: Picked, layout: publications, query: {keys: [lovelace-engin]}}
          papers: {title: Papers, layout: publications, query: {author: self},
                   style: broken.csl}
          talks: {title: Talks, layout: publications, query: {types: [misc]}, style: apa-nope}
        """)
    expected = [
        f"{cv}:4: the query names the key 'lovelace-engin', which no bibliography file has; "
        "did you mean 'lovelace-engine'?",
        f"{cv}:6: the style 'broken.csl' rendered nothing for 1 of its 1 entries",
        f"{cv}:7: there is no citation style 'apa-nope'"]
    checked = run("check", str(cv))
    errors = [line for line in checked.output.splitlines() if ": warning: " not in line]
    assert checked.exit_code == 1
    assert [line[:len(start)] for line, start in zip(errors, expected, strict=True)] == expected
    built = run("build", str(cv), "-o", str(tmp_path / "out"), "--format", "md")
    assert built.exit_code == 1
    assert [line for line in built.output.splitlines() if ": warning: " not in line] == errors
    assert not (tmp_path / "out" / "cv.md").exists()


def test_names_venues_and_counts_are_reported_with_the_rest(tmp_path):
    """A name in another language that cannot be split, a venue without a short name and
    a malformed count each stopped the run on their own (the first one found): now each
    is at its line, with the format's problems, in one run."""
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    write(tmp_path / "venues.yaml", """\
        Example Proceedings: EP
        Journal of Things:
        Annals of Stuff: [AS, Ann.]
        """)
    write(tmp_path / "counts.yaml", """\
        source: OpenAlex
        fetched: last week
        counts:
          lovelace-engine: 12
          babbage-notes: many
        """)
    cv = write(tmp_path / "cv.yaml", """\
        language: zh
        bibliography: [refs.bib]
        venues: venues.yaml
        citations: counts.yaml
        person:
          name: {en: Ada Lovelace, zh: 阿达·洛夫莱斯, ja: " "}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self}, cited_by: true}
          talks: {title: Talks, layout: bulets}
        """)
    rewrite = "write the file again with `bibcv cite-counts`"
    expected = [
        f"{tmp_path / 'counts.yaml'}:2: 'fetched' must be the date the counts were fetched, "
        f"as 2026-12-01, not 'last week'; {rewrite}",
        f"{tmp_path / 'counts.yaml'}:5: the count of 'babbage-notes' must be a whole number, "
        f"not 'many'; {rewrite}",
        f"{cv}:6: 'name' in ja: a name cannot be empty; write the name, or leave the key out",
        f"{cv}:9: layout 'bulets' is not in theme 'classic'; did you mean 'bullets'? (layouts: "
        "paragraph, entries, dated_list, bullets, topics, publications)",
        f"{tmp_path / 'venues.yaml'}:2: the venue 'Journal of Things' has no short name: write "
        "it after the colon, as text (Journal of Things: ABBR)",
        f"{tmp_path / 'venues.yaml'}:3: the venue 'Annals of Stuff' has no short name: write "
        "it after the colon, as text (Annals of Stuff: ABBR)",
    ]
    assert run("check", str(cv)).output.splitlines() == expected
    cv.write_text(cv.read_text().replace("layout: bulets", "layout: paragraph, text: Hi"))
    built = run("build", str(cv), "-o", str(tmp_path / "out"), "--format", "md")
    assert built.exit_code == 1
    assert built.output.splitlines() == expected[:3] + expected[4:]
    assert not (tmp_path / "out" / "cv.md").exists()


def test_a_cv_broken_in_every_file_is_reported_in_one_run(tmp_path):
    """A linguist's first CV, with a mistake in each file it reads. Each of these stopped
    the run alone: a theme whose theme.yaml is invalid, a .bib with a brace never closed,
    an 'author+an' that cannot be read, a photo that is no image (and a theme template
    that fails stopped `check` before the rest was printed)."""
    (tmp_path / "mytheme").mkdir()
    write(tmp_path / "mytheme" / "theme.yaml", """\
        document: cv.tex.j2
        layouts:
          paragraph: {kind: txt}
        """)
    write(tmp_path / "mira.bib", """\
        @article{okonkwo2021tones,
          author = {Mira Okonkwo-Hale and Tomasz Brzęczyk},
          author+an = {1=equal; two=equal},
          title = {Tone Sandhi in Low-Resource Speech Models},
          journal = {Journal of Phonetics}, year = {2021}}
        """)
    write(tmp_path / "talks.bib", """\
        @misc{okonkwo2024keynote, author = {Mira Okonkwo-Hale},
          title = {Listening {to {Igbo at Scale}, year = {2024}}
        """)
    (tmp_path / "mira.jpg").write_bytes(b"not a jpeg")
    cv = write(tmp_path / "mira.yaml", """\
        theme: mytheme
        bibliography: [mira.bib, talks.bib]
        person: {name: Mira Okonkwo-Hale}
        design: {photo: mira.jpg}
        sections:
          papers:
            title: Publications
            layout: publications
            query: {author: self, keys: [okonkwo2021tone]}
          talks: {title: Talks, layout: publications, query: {author: self}, style: ieee-nope}
        """)
    checked = run("check", str(cv))
    assert checked.exit_code == 1
    assert [line.split(": ", 1)[0] for line in checked.output.splitlines()] == [
        f"{tmp_path / 'mira.bib'}:1", f"{cv}:4", f"{cv}:9", f"{cv}:10",
        f"{tmp_path / 'mytheme' / 'theme.yaml'}:1", f"{tmp_path / 'talks.bib'}:2"]
    annotation, photo, key, style, theme, brace = checked.output.splitlines()
    assert theme.endswith("invalid theme description: layout kind 'txt' is not one of text, "
                          "items, publications (the CV was checked against the theme "
                          "'classic')")
    assert annotation.endswith("entry 'okonkwo2021tones': cannot read the annotation "
                               "'two=equal' in 'author+an'; write it as '1=equal; 2=equal' "
                               "(the CV leaves it out)")
    assert "the photo 'mira.jpg' cannot be read as an image" in photo
    assert photo.endswith("; give a JPEG or PNG file")
    assert "the query names the key 'okonkwo2021tone'" in key
    assert "there is no citation style 'ieee-nope'" in style
    assert "the '{' on line 2 is never closed" in brace


def test_a_themes_invalid_design_is_reported_at_its_lines_with_the_rest(tmp_path):
    """A theme's `design:` stopped the run alone, with pydantic's text and no line; its
    problems are the CV design's, at the theme.yaml line, the theme it extends too."""
    for folder in ("mine", "child"):
        (tmp_path / folder).mkdir()
    write(tmp_path / "mine" / "theme.yaml", """\
        extends: classic
        design:
          font_size: huge
          colours: {primary: "#163E6E"}
        """)
    write(tmp_path / "child" / "theme.yaml", "extends: ../mine\ndesign: {header: lfet}\n")
    cv = write(tmp_path / "cv.yaml", """\
        theme: child
        person: {name: Ada Lovelace}
        design: {page_size: a3}
        sections:
          about: {title: About, layout: paragraph, txet: Hello}
        """)
    result = run("check", str(cv))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{tmp_path / 'child' / 'theme.yaml'}:2: 'design.header': 'lfet' is not one of left, "
        "center, right; did you mean 'left'?",
        f"{cv}:3: 'design.page_size': 'a3' is not one of a4, a5, b5, letter, legal, "
        "us-executive",
        f"{cv}:5: unknown key 'txet' in section 'about'; did you mean 'text'? (it is required)",
        f"{tmp_path / 'mine' / 'theme.yaml'}:3: 'design.font_size': 'huge' is not one of "
        "10pt, 11pt, 12pt",
        f"{tmp_path / 'mine' / 'theme.yaml'}:4: unknown key 'colours' in 'design'; did you "
        "mean 'colors'? (allowed: colors, date_position, font, font_size, header, "
        "last_page_footer, line_spacing, margins, page_size, photo, section_title)",
    ]


def test_every_repeated_id_of_an_extends_chain_is_reported_with_the_rest(tmp_path):
    """The first id repeated in a list stopped the run alone; a base file's were never
    reported (a variant changed the first of its two items)."""
    write(tmp_path / "_base.yaml", """\
        person: {name: Ada Lovelace}
        sections:
          prizes:
            title: Prizes
            layout: bullets
            items: [{id: a, text: A}, {id: b, text: B}, {id: b, text: C}]
        """)
    cv = write(tmp_path / "cv.yaml", """\
        extends: _base.yaml
        sections:
          prizes:
            items:
              - {id: a, text: One}
              - {id: a, text: Two}
              - {id: c, text: Three}
              - {id: a, text: Four}
          about: {title: About, layout: paragraph, txet: Hello}
        """)
    again = "give each item of this list its own id"
    assert run("check", str(cv)).output.splitlines() == [
        f"{tmp_path / '_base.yaml'}:6: the id 'b' is already the id of an earlier item on "
        f"this line; {again}",
        f"{cv}:6: the id 'a' is already the id of an earlier item on line 5; {again}",
        f"{cv}:8: the id 'a' is already the id of an earlier item on line 5; {again}",
        f"{cv}:9: unknown key 'txet' in section 'about'; did you mean 'text'? (it is required)",
    ]


def test_a_failing_theme_template_does_not_hide_the_rest_from_check(tmp_path):
    (tmp_path / "mytheme").mkdir()
    write(tmp_path / "mytheme" / "theme.yaml", "extends: classic\n")
    write(tmp_path / "mytheme" / "cv.tex.j2", "<< person.no_such_thing() >>\n")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        theme: mytheme
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections:
          papers: {title: Papers, layout: publications, query: {keys: [lovelace-engin]}}
        """)
    assert run("check", str(cv)).output.splitlines() == [
        f"{cv}:5: the query names the key 'lovelace-engin', which no bibliography file has; "
        "did you mean 'lovelace-engine'?",
        f"{tmp_path / 'mytheme' / 'cv.tex.j2'}: template error: 'dict object' has no "
        "attribute 'no_such_thing'"]


def test_every_value_yaml_cannot_take_is_reported_at_once(tmp_path):
    """A key written twice, a value its tag cannot make and a control character stopped
    reading the file at the first of them."""
    cv = tmp_path / "cv.yaml"
    cv.write_text('person:\n  name: Ada Lovelace\n  name: Ada King\nsections:\n'
                  '  a: {title: "A\\x07b", layout: paragraph, text: !!int abc}\n'
                  "  b: {title: B, title: C, layout: paragraph, text: t}\n", encoding="utf-8")
    assert run("check", str(cv)).output.splitlines() == [
        f"{cv}:3: the key 'name' is written twice in this mapping",
        f"{cv}:5: cannot read this value: invalid literal for int() with base 10: 'abc'",
        f"{cv}:5: the text contains the control character U+0007; remove it (it is invisible "
        "and cannot be printed)",
        f"{cv}:6: the key 'title' is written twice in this mapping"]


def test_a_cv_the_format_refuses_still_has_its_bib_files_read(tmp_path):
    """A misspelt key stopped the run before the .bib files were read: their errors came
    only once it was fixed. A build reports the file it cannot read at all; check, as
    ever, also the entry BibTeX reads past."""
    write(tmp_path / "refs.bib", """\
        @article{lovelace1843, author = {Ada Lovelace}, title = {Notes},
          journal = {Scientific Memoirs}, year = 1843}
        @article{broken, author = {Ada Lovelace}, title = {Unclosed, year = 1844}

        @misc{sketch, author = {Ada Lovelace}, title = {Sketch}}
        """)
    write(tmp_path / "talks.bib", "@misc{keynote, title = {Listening {to {Igbo}, year = 2024}\n")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib, talks.bib]
        person: {name: Ada Lovelace, emial: ada@example.org}
        sections: {}
        """)
    key = f"{cv}:2: unknown key 'emial' in 'person' (allowed: aliases, contact, name)"
    unread = (f"{tmp_path / 'talks.bib'}:1: BibTeX cannot read this: in entry 'keynote': the "
              "'{' on line 1 is never closed; nothing after it can be read, so the file is not "
              "used until it is fixed")
    read_past = (f"{tmp_path / 'refs.bib'}:5: BibTeX cannot read this: in entry 'broken' "
                 "(begun on line 3): expected ',' or '}', found '@misc{sketch, author'; BibTeX "
                 "skips the rest of the entry (or command) and reads on, and so does bibcv")
    checked = run("check", str(cv)).output.splitlines()
    assert checked[1:] == [key, read_past, unread]
    assert checked[0].startswith(f"{tmp_path / 'refs.bib'}:3: warning: entry 'broken' "
                                 "(@article) has no journal")
    # A build reads past that entry, and warns of it with the rest, as a build that succeeds.
    assert run("build", str(cv), "-o", str(tmp_path / "out")).output.splitlines() == [
        read_past.replace(":5: ", ":5: warning: "), key, unread]


def test_every_control_character_of_a_bib_file_is_reported_at_once(tmp_path):
    """The file cannot be used until they are gone: each was found a run after the last."""
    (tmp_path / "refs.bib").write_text(
        "@misc{a, author = {Ada Lovelace}, title = {Bell \a here}, year = 2020}\n"
        "@misc{b, author = {Ada Lovelace}, title = {T}, note = {Esc \x1b[31m}, year = 2021}\n",
        encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections: {}
        """)
    invisible = "remove it (it is invisible and cannot be printed)"
    assert run("check", str(cv)).output.splitlines() == [
        f"{tmp_path / 'refs.bib'}:1: field 'title' of entry 'a': the text contains the control "
        f"character U+0007; {invisible}",
        f"{tmp_path / 'refs.bib'}:2: field 'note' of entry 'b': the text contains the control "
        f"character U+001B; {invisible}"]


def test_a_build_that_stops_says_its_warnings_too(tmp_path):
    """The warnings found before an error stopped the build were dropped: the user fixed
    the error and only then learnt that a query matched nothing. `bibcv build` and
    `bibcv watch` say them, as a build that succeeds does."""
    from bibcv.pipeline import build_cv
    from bibcv.watch import Watcher

    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections:
          papers: {title: Papers, layout: publications, query: {keys: [lovelace-engin]}}
          talks: {title: Talks, layout: publications, query: {keywords: [talk]}}
        """)
    warning = f"{cv}:5: warning: this publication query matches no bibliography entry"
    error = (f"{cv}:4: the query names the key 'lovelace-engin', which no bibliography file "
             "has; did you mean 'lovelace-engine'?")
    result = run("build", str(cv), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.splitlines() == [warning, error]

    said: list[str] = []
    watcher = Watcher([cv], tmp_path / "out", ["md"], lambda path: (
        [], build_cv(path, tmp_path / "out", formats=["md"]).warnings),
        lambda line, _err: said.append(line))
    watcher._catch_up()
    assert [said[0].split(" ", 1)[1], *said[1:]] == [f"{cv}: {error}", warning]


def test_a_build_tex_stops_says_its_warnings_too(tmp_path):
    theme = tmp_path / "broken"
    shutil.copytree(BUILTIN_THEMES / "classic", theme)
    template = theme / "cv.tex.j2"
    template.write_text(template.read_text().replace(r"\begin{document}",
                                                     "\\begin{document}\n\\nosuchmacro"))
    cv = write(tmp_path / "cv.yaml", """\
        theme: broken
        person: {name: Ada Lovelace}
        sections:
          about: {title: About, layout: paragraph, text: Engines.}
          talks: {title: Talks, layout: paragraph, text: None yet.}
        order: [about]
        """)
    result = run("build", str(cv), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    warning, error = result.output.splitlines()
    assert warning == (f"{cv}:5: warning: section 'talks' is not listed in 'order', so the CV "
                       "leaves it out; add it to 'order' (or delete the section)")
    assert "LaTeX error: Undefined control sequence" in error


def test_what_a_bib_file_that_cannot_be_read_may_hold_is_not_called_missing(tmp_path):
    """A .bib file with a brace never closed is not used: the keys and queries meant for
    its entries were each called a misspelling, or a query matching nothing. They say
    that the entries may be in that file, and where its error is; a missing file too."""
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    write(tmp_path / "talks.bib", """\
        @misc{keynote, author = {Ada Lovelace},
          title = {Listening {to {Engines}, year = 1844}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib, talks.bib]
        person: {name: Ada Lovelace}
        sections:
          papers: {title: Papers, layout: publications, query: {keys: [keynote, lovelace-engin]}}
          talks: {title: Talks, layout: publications, query: {types: [misc], exclude: [panel]}}
        """)
    unread = f"{tmp_path / 'talks.bib'}, which cannot be read (see {tmp_path / 'talks.bib'}:2)"
    missing = f"no bibliography file that could be read has; it may be in {unread}"
    result = run("build", str(cv), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{cv}:5: warning: 'exclude' names the key 'panel', which {missing}",
        f"{cv}:5: warning: this publication query matches no entry of the bibliography files "
        f"that could be read; the entries it means may be in {unread}",
        f"{cv}:4: the query names the key 'keynote', which {missing}",
        f"{cv}:4: the query names the key 'lovelace-engin', which {missing}; did you mean "
        "'lovelace-engine'?",
        f"{tmp_path / 'talks.bib'}:2: BibTeX cannot read this: in entry 'keynote' (begun on "
        "line 1): the '{' on line 2 is never closed; nothing after it can be read, so the "
        "file is not used until it is fixed"]
    (tmp_path / "talks.bib").unlink()
    assert f"{cv}:4: the query names the key 'keynote', which no bibliography file that could " \
           f"be read has; it may be in {tmp_path / 'talks.bib'}, which cannot be read (see " \
           f"{cv}:1)" in run("check", str(cv)).output.splitlines()


def test_a_cv_yaml_cannot_take_still_has_the_files_it_extends_read(tmp_path):
    """A key written twice in a CV, or a syntax error, stopped the run before the base file
    was read: its own problems came a run later. They come together now, wherever YAML
    read the `extends:` line before its error; on the line of the error, it is not
    trusted (`extends: _base.yaml: x` is YAML's '_base.yaml' up to the second colon)."""
    base = write(tmp_path / "_base.yaml", """\
        person:
          name: Ada Lovelace
          name: Ada King
        """)
    twice = f"{base}:3: the key 'name' is written twice in this mapping"
    cv = tmp_path / "cv.yaml"
    cv.write_text("extends: _base.yaml\nsections: {b: {title: B, title: C}}\n", encoding="utf-8")
    assert run("check", str(cv)).output.splitlines() == [
        twice, f"{cv}:2: the key 'title' is written twice in this mapping"]
    cv.write_text("extends: '_base.yaml'\nsections:\n  b: {title: B: C}\n", encoding="utf-8")
    lines = run("check", str(cv)).output.splitlines()
    assert lines[0] == twice and lines[1].startswith(f"{cv}:3: YAML syntax error: ")
    assert len(lines) == 2
    cv.write_text("extends: _base.yaml: x\n", encoding="utf-8")
    assert [line.split(": ", 1)[0] for line in run("check", str(cv)).output.splitlines()] == [
        f"{cv}:1"]


@pytest.mark.parametrize(("text", "extends"), [
    ("person:\n  name: A\nextends: b.yaml\nx: {a: 1, a: 2}\n", ("b.yaml", 3)),
    ("person: {extends: b.yaml}\nx: {a: 1, a: 2}\n", None),  # not at the top level
    ("- extends: b.yaml\n- {a: 1, a: 2}\n", None),  # the top level is no mapping
    ("extends: null\nx: {a: 1, a: 2}\n", None),
    ("extends: [b.yaml]\nx: {a: 1, a: 2}\n", None),  # the format says what is wrong
    ("x: [1,\nextends: b.yaml\n", None),  # inside the bracket YAML cannot close
    ("extends: b.yaml\n---\nx: [\n", ("b.yaml", 1)),
])
def test_the_extends_line_is_read_only_where_yaml_reads_it(tmp_path, text, extends):
    from bibcv.yamlsource import YamlErrors, read_yaml

    with pytest.raises(YamlErrors) as raised:
        read_yaml(write(tmp_path / "cv.yaml", text))
    found = raised.value.extends
    assert (found and (found[0], found[1].line)) == extends
