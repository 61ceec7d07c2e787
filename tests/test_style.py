"""The citation style: every entry type in both themes, identifiers and links, author lists,
numbers and sub-headings, and typesetting checked against TeX's log and the PDF's word boxes."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from bibcv.bibliography import load_bibliography
from bibcv.document import load_document
from bibcv.latex import breakable
from bibcv.pipeline import build_cv, export_bib
from bibcv.richtext import plain
from bibcv.style import latex_quotes
from bibcv.texdecode import decode_latex
from bibcv.texlog import overfull_lines
from conftest import REPO, pdf_links, pdf_text, word_boxes, words_overlap, write

STYLE = REPO / "tests" / "style"
THEMES = {"classic": STYLE / "every-type.yaml", "scholar": STYLE / "every-type-scholar.yaml"}
STRESS = {"classic": STYLE / "stress.yaml", "scholar": STYLE / "stress-scholar.yaml"}
BIB = STYLE / "every-type.bib"
MARGINS_PT = {"classic": 0.5 * 72, "scholar": 0.7 * 72}  # the themes' geometry

# What each entry shows, as a reader sees it; "In " before a booktitle is classic's only.
EXPECTED = {
    "article-dblp": ["Notes on the Analytical Engine",
                     "ACM Transactions on Computer Systems, 32(6):156:1–156:26, Nov. 2024",
                     "DOI: 10.1145/3600006.3613135", "[PDF] [Slides] [Code]"],
    "inproceedings-zotero": ["Ada Lovelace, Ravi O’Connor", "Bernoulli Numbers by Machine",
                             "Proceedings of the 30th ACM Symposium on Operating Systems "
                             "Principles, SOSP ’24, pp. 12–34, Association for Computing "
                             "Machinery, Austin, TX, USA, Mar. 2024",
                             "Invited to the journal special issue.", "Best Paper Award.",
                             "[Video]"],
    "incollection-chapter": ["Poetical Science", "Essays on Computing Machinery, edited by "
                             "Augustus De Morgan and Michael Faraday, Springer, Cham, "
                             "pp. 101–120, 2021"],
    "inbook-chapter": ["A Treatise on Engines", "Macmillan, chapter 7, pp. 88–95, 2019"],
    "book-edition": ["Sketch of the Analytical Engine",
                     "2nd edition, Richard and John E. Taylor, London, 1843"],
    "proceedings-edited": ["Ada Lovelace, Charles Babbage (eds.)",
                           "Proceedings of the Workshop on Difference Engines",
                           "vol. 1234 of Lecture Notes in Computer Science, Springer, 2020"],
    "booklet-printed": ["A Booklet on Looms", "Privately printed, Ockham, 1838"],
    "manual-engine": ["Operating Manual of the Engine", "Third edition, The Engine Society, 1844"],
    "phdthesis-school": ["On the Calculus of Engines", "PhD thesis, University of London, 1842"],
    "mastersthesis-school": ["Tables of Numbers",
                             "Master’s thesis, University of Cambridge, 1840"],
    "thesis-biblatex": ["Engines and Their Use", "PhD thesis, Sorbonne Université, June 1845"],
    "techreport-number": ["Cards for the Engine",
                          "Technical Report TR-2023-17, Royal Society, 2023"],
    "report-biblatex": ["Engine Report", "Technical Report 42, Engine Laboratory, 2022"],
    "misc-arxiv": ["Poetry of Numbers: A Survey", "arXiv preprint, 2025",
                   "arXiv:2503.01234 [cs.DC]"],
    "corr-dblp": ["Machines That Compute", "arXiv preprint, 2024", "arXiv:2404.12457"],
    "unpublished-draft": ["Ada Lovelace*, Mary Somerville*", "Weaving Algebraic Patterns",
                          "Under review", "Manuscript in preparation"],
    "misc-howpublished-url": ["The Engine Simulator",
                              "https://example.org/research-pages/engine-simulator, 2022"],
    "online-blog": ["Why Engines Weave", "Engine Blog, May 2023",
                    "URL: https://example.org/blog/why-engines-weave"],
    "software-release": ["enginesim", "version 1.4.2, Zenodo, 2023",
                         "DOI: 10.5281/zenodo.1234567"],
    "dataset-tables": ["Bernoulli Tables", "version 2, Harvard Dataverse, 2024",
                       "DOI: 10.7910/DVN/ABCDEF"],
    "patent-loom": ["Punched-Card Loom Controller",
                    "U.S. Patent 1,234,567, Engine Company, 2020"],
}
LINKS = [
    "https://doi.org/10.1145/3600006.3613135", "https://example.org/papers/engine.pdf",
    "https://example.org/slides/engine.pdf", "https://github.com/example/engine",
    "https://example.org/talks/bernoulli", "https://arxiv.org/abs/2503.01234",
    "https://arxiv.org/abs/2404.12457", "https://example.org/research-pages/engine-simulator",
    "https://example.org/blog/why-engines-weave", "https://doi.org/10.5281/zenodo.1234567",
    "https://doi.org/10.7910/DVN/ABCDEF",
]


def flat(text: str) -> str:
    """Text without white space or hyphens: phrases match across lines and hyphenation."""
    return re.sub(r"[\s\-\u00ad]", "", text)


@pytest.fixture(scope="module")
def every_type(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("every-type")
    return {theme: build_cv(cv, out).outputs[0] for theme, cv in THEMES.items()}


@pytest.mark.parametrize("theme", THEMES)
def test_every_entry_type_shows_its_fields(every_type, theme):
    text = flat(pdf_text(every_type[theme]))
    for key, phrases in EXPECTED.items():
        for phrase in phrases:
            assert flat(phrase) in text, (theme, key, phrase)
    assert ("In Proceedings of the 30th" in " ".join(pdf_text(every_type[theme]).split())) == (
        theme == "classic")  # scholar leaves "In" out, as a homepage does


@pytest.mark.parametrize("theme", THEMES)
def test_doi_arxiv_and_per_paper_links_are_link_annotations(every_type, theme):
    links = pdf_links(every_type[theme])
    assert [url for url in LINKS if url not in links] == []


def test_no_field_bibtex_prints_is_left_out(tmp_path):
    """The real bibtex with its plain style as the oracle: every word of a field's value
    that bibtex prints, bibcv prints too (months aside: bibcv abbreviates them)."""
    shutil.copy(BIB, tmp_path / BIB.name)
    (tmp_path / "oracle.aux").write_text(
        f"\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{BIB.stem}}}\n", encoding="utf-8")
    subprocess.run(["bibtex", "oracle"], cwd=tmp_path, capture_output=True, check=False)
    bbl = (tmp_path / "oracle.bbl").read_text(encoding="utf-8")
    printed_by_bibtex = re.findall(
        r"\\bibitem\{([^}]*)\}(.*?)(?=\\bibitem|\\end\{thebibliography\})", bbl, re.S)
    assert len(printed_by_bibtex) == len(EXPECTED)
    bibliography = load_bibliography([BIB])
    ours = {p.key: plain(p.citation)
            for p in load_document(THEMES["classic"]).sections[0].publications}
    for key, bibitem in printed_by_bibtex:
        publication = bibliography.entries[key]
        names = [*publication.authors, *publication.editors]  # not BibTeX's "and"
        values = _words(" ".join([*(name.display() for name in names), *(
            publication.text(field) for field in publication.raw_fields
            if field not in ("month", "author", "editor"))]))
        printed = _words(decode_latex(bibitem.replace("\\newblock", " ")))
        assert (printed & values) - _words(ours[key]) == REWRITTEN.get(key, set()), key


# Printed in another form on purpose: DBLP's "CoRR, abs/ID" is "arXiv preprint, arXiv:ID".
REWRITTEN = {"corr-dblp": {"corr", "abs"}}


def _words(text: str) -> set[str]:
    """Words, case aside, an ordinal as its number ("2nd edition" prints edition = {2})."""
    return {re.sub(r"^(\d+)(?:st|nd|rd|th)$", r"\1", word)
            for word in re.findall(r"\w+", text.casefold())}


def test_every_type_keeps_each_entry_once_in_file_order():
    document = load_document(THEMES["classic"])
    keys = [p.key for p in document.sections[0].publications]
    assert keys == list(EXPECTED)


@pytest.mark.parametrize("theme", STRESS)
def test_stress_nothing_overfull_outside_or_overlapping(tmp_path, theme):
    built = build_cv(STRESS[theme], tmp_path)
    assert [str(w) for w in built.warnings if "into the margin" in str(w)] == []
    lines = pdf_text(built.outputs[0]).splitlines()
    for item in ("https://example.org/~ada/research-pages/analytical-engine/notes-and-translations",
                 "https://scholar.google.com/citations?user=AbCdEfGhIjKlMnOp&hl=en&oi=ao&x=1"):
        assert any(item in line for line in lines)  # a contact item is never split
    pages = word_boxes(built.outputs[0])
    margin = MARGINS_PT[theme]
    for width, height, words in pages:
        # Across, the text area's edges; down, the page's (a box spans the font's ascent,
        # which for the 22 pt name reaches above the text area's top while its letters do not).
        for word, (x0, y0, x1, y1) in words:
            assert margin - 1 <= x0 and x1 <= width - margin + 1, (word, x0, x1)
            assert y0 >= 0 and y1 <= height, (word, y0, y1)
        for index, (word, box) in enumerate(words):
            for other, other_box in words[index + 1:]:
                assert not words_overlap(box, other_box), (word, other)


def test_an_overfull_line_is_a_warning_at_its_yaml_line(tmp_path):
    theme = tmp_path / "narrow"
    shutil.copytree(REPO / "src" / "bibcv" / "themes" / "classic", theme)
    (theme / "sections" / "paragraph.tex.j2").write_text(
        "\\parbox{1cm}{<< section.text >>}\\par\n", encoding="utf-8")
    path = tmp_path / "cv.yaml"
    path.write_text("theme: narrow\nperson: {name: Ada Lovelace}\nsections:\n"
                    "  about: {title: About, layout: paragraph,\n"
                    "          text: Incomprehensibilities}\n", encoding="utf-8")
    [warning] = build_cv(path, tmp_path / "out").warnings
    assert str(warning).startswith(f"{path}:5: a line runs ")
    assert "pt into the margin" in str(warning) and "Incomprehensibilities" in str(warning)


# --- author lists, numbers, groups, warnings: the Document, no TeX -----------------------

STRESS_BIB = STYLE / "stress.bib"


def cv(tmp_path: Path, sections: str, bib: Path = BIB, extra: str = "") -> Path:
    """A CV of the given sections (YAML, indented as under `sections:`)."""
    body = textwrap.indent(textwrap.dedent(sections).strip("\n"), "  ")
    path = tmp_path / "cv.yaml"
    path.write_text(f"bibliography: [{bib}]\nperson: {{name: Ada Lovelace}}\n{extra}\n"
                    f"sections:\n{body}\n", encoding="utf-8")
    return path


def citations(path: Path) -> list[list[str]]:
    document = load_document(path)
    return [[f"{p.label} {plain(p.citation)}".strip() for p in s.publications]
            for s in document.sections]


def test_long_author_lists_are_shortened_keeping_you(tmp_path):
    path = cv(tmp_path, """
        short: {title: A, layout: publications, query: {keys: [stress-many-authors]},
                maxnames: 5, minnames: 2}
        last: {title: B, layout: publications, query: {keys: [stress-many-authors]},
               maxnames: 5, minnames: 2, last_author: true}
        """, bib=STRESS_BIB, extra="order: [short, last]")
    [[short], [last]] = citations(path)
    assert short.startswith("[1] AuthorA SurnameÄ0, AuthorB SurnameÖ1, …, Ada Lovelace, et al. "
                            "D’Alembert’s “Quoted” Principle")
    assert last.startswith("[1] AuthorA SurnameÄ0, AuthorB SurnameÖ1, …, Ada Lovelace, …, "
                           "Zoë O’Connor-Đorđević15. D’Alembert’s")


def test_numbers_prefixed_descending_and_running_on(tmp_path):
    path = cv(tmp_path, """
        journals: {title: J, layout: publications, query: {types: [article]},
                   number_prefix: J}
        talks: {title: T, layout: publications, query: {types: [phdthesis, mastersthesis]},
                number_order: descending}
        more: {title: M, layout: publications, query: {types: [techreport, report]},
               number_order: descending, continue_numbers: true}
        """)
    labels = [[c.split()[0] for c in section] for section in citations(path)]
    assert labels == [["[J1]", "[J2]"], ["[4]", "[3]"], ["[2]", "[1]"]]


def test_newest_first_by_full_date_and_sub_headings(tmp_path):
    path = cv(tmp_path, """
        by-year: {title: Y, layout: publications, group_by: year,
                  query: {keys: [article-dblp, inproceedings-zotero, online-blog], sort: [-date]}}
        by-type: {title: T, layout: publications, group_by: type,
                  query: {keys: [misc-arxiv, article-dblp, phdthesis-school, inproceedings-zotero]}}
        """)
    document = load_document(path)
    by_year, by_type = document.sections
    assert [(g.heading, [p.key for p in g.publications]) for g in by_year.groups] == [
        ("2024", ["article-dblp", "inproceedings-zotero"]), ("2023", ["online-blog"])]
    assert [g.heading for g in by_type.groups] == [
        "Journal Articles", "Conference Papers", "Theses", "Preprints"]
    assert [p.label for p in by_type.publications] == ["[1]", "[2]", "[3]", "[4]"]


def test_default_order_is_newest_first_by_month(tmp_path):
    path = cv(tmp_path, """
        all: {title: A, layout: publications, query: {keys: [online-blog, inproceedings-zotero,
              article-dblp, unpublished-draft], sort: [-date]}}
        default: {title: D, layout: publications, query: {author: self, types: [article,
                  inproceedings, unpublished, online]}}
        """)
    expected = ["unpublished-draft", "article-dblp", "inproceedings-zotero", "online-blog"]
    for section in load_document(path).sections:  # Nov. 2024 before Mar. 2024
        assert [p.key for p in section.publications if p.key in expected] == expected


def test_google_scholar_arxiv_journal_is_an_eprint(tmp_path):
    bib = write(tmp_path / "gs.bib", """\
        @article{gs, author = {Ada Lovelace}, title = {Looms},
          journal = {arXiv preprint arXiv:2401.00001}, year = {2024}}
        """)
    [[citation]] = citations(cv(tmp_path, """
        all: {title: A, layout: publications, query: {author: self}}
        """, bib=bib))
    assert citation == "[1] Ada Lovelace. Looms, arXiv preprint, 2024. arXiv:2401.00001."


def test_nasa_ads_arxiv_e_prints_is_an_arxiv_preprint(tmp_path):
    """ADS writes every preprint as journal = {arXiv e-prints} with its id as the pages: an
    astronomer's CV printed "arXiv e-prints, pp. arXiv:2605.16917" (found on a public ADS
    export), and APA "arXiv e-prints, arXiv:…" instead of its preprint form."""
    bib = write(tmp_path / "ads.bib", """\
        @ARTICLE{2026arXiv260516917T, author = {{Lovelace}, Ada}, title = "{Looms}",
          journal = {arXiv e-prints}, year = 2026, eid = {arXiv:2605.16917},
          pages = {arXiv:2605.16917}, archivePrefix = {arXiv}, eprint = {2605.16917},
          primaryClass = {astro-ph.GA}}
        """)
    [[citation]] = citations(cv(tmp_path, """
        all: {title: A, layout: publications, query: {author: self}}
        """, bib=bib))
    assert citation == ("[1] Ada Lovelace. Looms, arXiv preprint, 2026. "
                        "arXiv:2605.16917 [astro-ph.GA].")


def test_a_link_field_that_is_not_an_address_is_a_warning(tmp_path):
    bib = write(tmp_path / "links.bib", """\
        @misc{local, author = {Ada Lovelace}, title = {Looms}, year = {2024},
          pdf = {looms.pdf}, code = {https://example.org/looms}}
        """)
    document = load_document(cv(tmp_path, """
        all: {title: A, layout: publications, query: {author: self}}
        """, bib=bib))
    [paper] = document.sections[0].publications
    assert [link.label for link in paper.links] == ["Code"]
    assert [str(w) for w in document.warnings] == [
        f"{bib}:1: entry 'local': field 'pdf' is 'looms.pdf', not a web address, so no link "
        "is shown; give the full https://… address"]


def test_selected_query_key_picks_the_short_list(tmp_path):
    path = cv(tmp_path, """
        picks: {title: S, layout: publications, query: {author: self, selected: true}}
        """)
    assert [p.key for p in load_document(path).sections[0].publications] == ["article-dblp"]


def test_warnings_for_twice_shown_unordered_sections_and_unknown_excludes(tmp_path):
    path = cv(tmp_path, """
        all: {title: A, layout: publications, query: {author: self, exclude: [no-such-key]}}
        theses: {title: T, layout: publications, query: {types: [phdthesis]}}
        left-out: {title: L, layout: paragraph, text: hello}
        """, extra="order: [all, theses]")
    messages = [str(w) for w in load_document(path).warnings]
    assert f"{path}:7: section 'left-out' is not listed in 'order'" in "\n".join(messages)
    assert any("'exclude' names the key 'no-such-key'" in m for m in messages)
    assert any("entry 'phdthesis-school' is shown in section 'all' and again in section "
               "'theses'" in m for m in messages)


def test_badges_only_for_short_known_abbreviations(tmp_path):
    path = cv(tmp_path, """
        all: {title: A, layout: publications, query: {author: self}}
        """, bib=STRESS_BIB, extra="theme: scholar")
    document = load_document(path)
    assert [p.badge for p in document.sections[0].publications] == ["", "ArXiv", ""]
    [warning] = [str(w) for w in document.warnings if "badge" in str(w)]
    assert "'Long Venue Workshop' is too long for a badge" in warning
    venues = write(tmp_path / "venues.yaml", "Extremely Long Venue Names: ELVN\n")
    path.write_text(path.read_text(encoding="utf-8") + f"venues: {venues}\n", encoding="utf-8")
    document = load_document(path)
    assert document.sections[0].publications[0].badge == "ELVN"
    assert not [w for w in document.warnings if "badge" in str(w)]


# --- the pieces ---------------------------------------------------------------------------

def test_addresses_break_after_punctuation_not_every_few_letters():
    assert breakable("https://arxiv.org/abs/2503.01234") == (
        r"https://\allowbreak{}arxiv.\allowbreak{}org/\allowbreak{}abs/\allowbreak{}"
        r"2503.\allowbreak{}01234")
    assert breakable("a" * 30) == r"aaaaaaaaaaaa\penalty5000{}aaaaaaaaaaaa\penalty5000{}aaaaaa"


def test_quotes_and_apostrophes_as_latex_prints_them():
    assert latex_quotes("O'Connor's ``best'' \"idea\" `x'") == "O’Connor’s “best” “idea” ‘x’"


def test_overfull_lines_are_read_from_the_log():
    log = ("Overfull \\hbox (11.8pt too wide) in paragraph at lines 53--53\n"
           "[]\\TU/GentiumBookPlus(0)/m/n/10 Ada Lovelace, Zoë O’Connor\n"
           "Overfull \\hbox (0.4pt too wide) detected at line 60\n[]\n")
    [line] = overfull_lines(log)
    assert (line.points, line.tex_line, line.text) == (11.8, 53, "Ada Lovelace, Zoë O’Connor")


def test_strip_cv_fields_removes_per_paper_links(tmp_path):
    stripped = export_bib([BIB], strip_cv_fields=True).text
    kept = export_bib([BIB]).text
    for name in ("pdf", "slides", "code", "video", "selected"):
        assert f"  {name} = " in kept
        assert f"  {name} = " not in stripped


@pytest.mark.parametrize("theme", ["classic", "scholar"])
def test_a_blank_line_in_a_paragraph_section_leaves_space_between_paragraphs(tmp_path, theme):
    long = " ".join(["Words that fill a line of the page."] * 12)
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml.safe_dump({
        "theme": theme, "person": {"name": "Ada Lovelace"},
        "sections": {"bio": {"title": "Bio", "layout": "paragraph",
                             "text": f"{long}\n\nSecond paragraph."}}}), encoding="utf-8")
    [(_width, _height, words)] = word_boxes(build_cv(cv, tmp_path).outputs[0])
    body = words[[word.casefold() for word, _box in words].index("bio") + 1:]
    tops = sorted({round(box[1], 1) for _word, box in body})
    line_gaps = [after - before for before, after in itertools.pairwise(tops)]
    second = tops.index(round(next(box for word, box in body if word == "Second")[1], 1))
    assert second >= 3
    assert line_gaps[second - 1] > max(line_gaps[:second - 1]) + 2  # more than a line apart


# From thuthesis's refs.bib (biblatex-gb7714-2015 types): a periodical's volume and issue, a
# newspaper's paper and issue were dropped (read as @misc), a standard's number too, and the
# edition 刻本 printed as "第刻本版"; in GB/T 7714 all three were "[Z]", any document.
THUTHESIS = r"""
@periodical{dizhi1936dizhi, author = {中国地质学会}, title = {地质评论}, year = {1936},
  volume = {1}, number = {1}, address = {北京}, publisher = {地质出版社}}
@newspaper{fugang2000fengsha, author = {傅刚 and 赵承 and 李佳路}, title = {大风沙过后的思考},
  journal = {北京青年报}, date = {2000-04-12}, number = {14}}
@standard{iso690, title = {Information and documentation}, number = {ISO 690:2010},
  organization = {ISO}, address = {Geneva}, year = {2010}}
@book{wangfuzhi1865songlun, author = {王夫之}, title = {宋论}, edition = {刻本},
  address = {金陵}, publisher = {曾氏}, year = {1865}}
"""


@pytest.mark.parametrize(("style", "expected"), [
    ("bibcv", ["地质评论, 1(1), 地质出版社, 北京, 1936", "*北京青年报*, 第14版, 2000年4月",
               "ISO 690:2010, ISO, Geneva, 2010", "宋论, 刻本, 曾氏, 金陵, 1865"]),
    ("china-national-standard-gb-t-7714-2015-numeric",
     ["地质评论[J]", "大风沙过后的思考[N]. 北京青年报", "ISO 690:2010[S]. Geneva: ISO, 2010",
      "宋论[M]. 刻本"]),
])
def test_periodicals_newspapers_standards_and_chinese_editions(tmp_path, style, expected):
    write(tmp_path / "refs.bib", THUTHESIS)
    cv = write(tmp_path / "cv.yaml", f"""\
        bibliography: [refs.bib]
        language: zh
        style: {style}
        person: {{name: 张昆}}
        sections:
          refs:
            title: 参考文献
            layout: publications
            query: {{types: [periodical, newspaper, standard, book], sort: [file]}}
        """)
    markdown = build_cv(cv, tmp_path / "out", formats=["md"]).outputs[0].read_text()
    text = markdown.replace("\\[", "[").replace("\\]", "]")
    for part in expected:
        assert part in text, (part, text)


INITIALS = " and ".join(f"{family}, {a}. {b}." for family, a, b in itertools.islice(zip(
    itertools.cycle(["Mao", "Li", "Chen", "Wu", "Zhou", "Sun", "Xu"]),
    itertools.cycle("SABKTMJ"), itertools.cycle("AJCDEPR")), 42))


def test_initials_of_one_name_never_end_a_line(tmp_path):
    """"Mao, S." at a line's end and "A." at the next one's start: in a narrow column,
    APA (citeproc-js) and bibcv's own style tie the initials, as biblatex does."""
    bib = write(tmp_path / "refs.bib", f"@article{{a, author = {{{INITIALS}}}, title = {{T}}, "
                                       "journal = {J}, year = 2020}")
    path = write(tmp_path / "cv.yaml", f"""\
        bibliography: [{bib}]
        person: {{name: Ada Lovelace}}
        design: {{margins: {{left: 2cm, right: 14cm}}}}
        sections:
          own: {{title: Own, layout: publications, query: {{types: [article]}}}}
          apa: {{title: APA, layout: publications, style: apa, query: {{types: [article]}}}}
        order: [own, apa]
        """)
    pdf = build_cv(path, tmp_path / "out", formats=["pdf"]).outputs[0]
    lines: dict[tuple[int, float], list[str]] = {}
    for page, (_, _, words) in enumerate(word_boxes(pdf)):
        for word, box in words:
            lines.setdefault((page, round(box[1])), []).extend(word.split())
    ends = [(line[-1], after[0]) for line, after in itertools.pairwise(lines.values())]
    assert len(ends) > 20  # the lists run over many lines
    assert [(end, start) for end, start in ends
            if re.fullmatch(r"\w\.", end) and re.fullmatch(r"\w\.,?", start)] == []


def test_a_newspapers_number_is_its_page_unless_it_has_pages(tmp_path):
    """biblatex-gb7714's @newspaper gives the page of the paper (版次) in `number`: bibcv's
    style printed it as an issue, 第14期 in Chinese where GB/T 7714's reader expects 第14版;
    with `pages` the number is the issue, as CSL styles take it (csl.py)."""
    write(tmp_path / "refs.bib", THUTHESIS + r"""
@newspaper{times, author = {A Alpha}, title = {Storm}, journal = {The Times},
  date = {2000-04-12}, number = {14}}
@newspaper{paged, author = {A Alpha}, title = {Calm}, journal = {The Times},
  date = {2000-04-13}, number = {3}, pages = {5}}
""")
    for language, expected in (("zh", ["*北京青年报*, 第14版"]), ("ja", ["*北京青年报*, 14面"]),
                               ("en", ["*The Times*, p. 14, ", "*The Times*, no. 3, p. 5"])):
        cv = write(tmp_path / f"{language}.yaml", f"""\
            bibliography: [refs.bib]
            language: {language}
            person: {{name: A Alpha}}
            sections:
              refs: {{title: Refs, layout: publications, query: {{types: [newspaper]}}}}
            """)
        markdown = build_cv(cv, tmp_path / language, formats=["md"]).outputs[0].read_text()
        assert [part for part in expected if part not in markdown] == [], markdown
