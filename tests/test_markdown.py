"""The Markdown CV: read back with GitHub's own renderer, and scored against the real CVs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import example, given

from bibcv.backends.markdown import paragraphs, to_markdown
from bibcv.cli import main
from bibcv.errors import BibcvError
from bibcv.pipeline import build_cv
from bibcv.richtext import (
    Link,
    Node,
    RichText,
    Styled,
    Text,
    as_rich,
    parse_markdown,
    plain,
    styled,
)
from bibcv.theme import BUILTIN_THEMES
from conftest import REPO, SHARED, write
from kramdown_oracle import TYPOGRAPHY, render_kramdown, shown
from markdown_oracle import render_gfm
from rich_strategies import RICH, URL, shown_text

REFERENCES = {  # which seed is which CV: see test_zhuofu_chen.py and test_pengfei_zuo.py
    "zhuofu-chen-v1": (SHARED / "seeds" / "004_1feb514949de2bf3.txt", 0.99),
    "zhuofu-chen-v2": (SHARED / "seeds" / "002_c1d0a12eb9883e73.txt", 0.99),
    "pengfei-zuo": (SHARED / "seeds" / "000_d94eb067fdb17dd2.txt", 0.975),
}
INLINE_TAGS = {"p", "em", "strong", "a"}


@pytest.fixture(scope="module")
def markdown_cvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out_dir = tmp_path_factory.mktemp("md")
    built = {}
    for stem in REFERENCES:
        result = build_cv(REPO / "cv" / f"{stem}.yaml", out_dir, formats=["md"])
        assert result.warnings == []
        [built[stem]] = result.outputs
    return built


# ---- Escaping, checked by GitHub's renderer -------------------------------------------

def words(text: str) -> str:
    return " ".join(text.split())


def emph(*children: Node) -> Styled:
    return Styled("emph", children)


def strong(*children: Node) -> Styled:
    return Styled("strong", children)


def web_link(*children: Node) -> Link:
    return Link("https://x.org/", children)


@pytest.mark.deep
@example(RichText((emph(Text("!")), emph(emph(Link(URL, (Text("a"),)))))))  # issue 24
@given(RICH)
def test_any_rich_text_renders_as_exactly_its_text(rich):
    markdown = to_markdown(rich)
    assert "\n" not in markdown
    assert words(render_gfm(markdown).text) == words(shown_text(rich.parts)), markdown
    if not markdown:
        return  # (bibcv writes no heading or item for an empty value)
    assert "{{" not in markdown and "{%" not in markdown
    for page, blocks in ((markdown, set()), (f"- {markdown}\n- next", {"ul", "li"}),
                         (f"{markdown}\n---", {"h2"}), (f"before\n\n{markdown}", set())):
        rendered = render_gfm(page)
        assert set(rendered.tags) <= INLINE_TAGS | blocks, page
        assert rendered.bad_links() == [], page
        # Only bibcv's own links (their targets' escapes no text can make): no autolinks.
        assert len(rendered.links) == markdown.count(r"](https://x.org/a_\(b\)"), page


# The academicpages export's flavour, read back by kramdown (after Liquid), as Jekyll does.
KRAMDOWN_URL = "https://x.org/a_(b)*c&amp;d%5Ce%3Cf%3E%7B%7Bg%7D%7D"  # URL, as browsers send it


@pytest.mark.deep
@example(as_rich("Tianxia Wang*, Li*, 50% {% raw %} &amp; a -- b >> c"))
@example(RichText((strong(Text("Chen*")), Text("*"), emph(Text("x")), Text("**"))))
@given(RICH)
def test_any_rich_text_renders_as_exactly_its_text_in_kramdown(rich):
    markdown = to_markdown(rich, kramdown=True)
    assert "\n" not in markdown
    if not markdown:
        return
    for rendered in render_kramdown([(True, markdown), (True, f"before\n\n{markdown}")]):
        assert set(rendered.tags) <= INLINE_TAGS, markdown
        assert rendered.links == [KRAMDOWN_URL] * markdown.count("](<https://x.org/"), markdown
    assert shown(rendered) == words("before " + shown_text(rich.parts).translate(TYPOGRAPHY))
    assert words(render_gfm(markdown).text) == words(shown_text(rich.parts))  # still CommonMark


# Characters that meet only once the nodes are joined: each was printed as markup, or
# (template tags) left for Jekyll or Hugo to run, before issue 24's fix.
@pytest.mark.parametrize(("rich", "markdown"), [
    # A "!" that ends one span, then a link in the next: not an image.
    (RichText((emph(Text("!")), emph(emph(web_link(Text("a")))))), r"*\![a](https://x.org/)*"),
    (RichText((strong(Text("wow!"), emph(web_link(Text("a")))),)),
     r"**wow\![a](https://x.org/)**"),
    # A "*" after leading white space: not a list item once the space is stripped.
    (as_rich(" * a"), r"\* a"),
    # "{" and "%" from two nodes: still no Liquid tag.
    (RichText((emph(Text("{"), emph(Text("%"))),)), r"*\{\%*"),
    # "&" and "amp;" from two nodes: printed, not decoded.
    (RichText((strong(Text("&"), emph(Text("amp;"))),)), r"**\&amp;**"),
    # "www" or "http" and the rest of an address from two nodes: text, not an autolink.
    (RichText((strong(Text("see www"), emph(Text(".x.org"))),)), r"**see www\.x.org**"),
    (RichText((strong(Text("see http"), emph(Text("://x.org"))),)), r"**see http\://x.org**"),
    # A span after a letter, inside an address or after a letter CommonMark does not
    # count as punctuation (€): its delimiters would print, so the style is dropped.
    (RichText((Text("x"), Styled("url", (emph(Text("(y)")),)))), "x(y)"),
    (RichText((Text("€"), emph(Text("(x)")))), "€(x)"),
    # Two spans that touch: the second loses its style, never "*a***b**".
    (RichText((emph(Text("a")), Text(""), strong(Text("b")))), "*a*b"),
])
def test_characters_that_meet_across_nodes_keep_their_meaning(rich, markdown):
    assert to_markdown(rich) == markdown
    rendered = render_gfm(f"- {markdown}")
    assert words(rendered.text) == words(plain(rich))
    assert set(rendered.tags) <= INLINE_TAGS | {"ul", "li"}
    assert rendered.links == ["https://x.org/"] * markdown.count("](https://x.org/)")


def test_link_targets_come_back_exactly():
    # (cmark-gfm decodes an entity in a target even after a backslash, against the
    # CommonMark spec, so "&amp;" is left out here; the property test above has it.)
    url = "https://x.org/a_(b)*c&d\\e<f>{{g}}"
    rendered = render_gfm(to_markdown(RichText((Link(url, (Text("label"),)),))))
    assert rendered.links == ["https://x.org/a_(b)*c&d%5Ce%3Cf%3E%7B%7Bg%7D%7D"]
    assert "{" not in to_markdown(RichText((Link(url, (Text("label"),)),)))


@pytest.mark.parametrize(("rich", "markdown"), [
    # A star that can only close emphasis stays as it is, outside any span.
    ("Tianxia Wang*, " + styled("strong", "Zhuofu Chen*"), r"Tianxia Wang*, **Zhuofu Chen\***"),
    (parse_markdown(r"(\* indicates equal contribution)"), "(* indicates equal contribution)"),
    (parse_markdown("National 1^st^ Prize, 2^nd^, 3^rd^, x^(ab)^"),
     "National 1ˢᵗ Prize, 2ⁿᵈ, 3ʳᵈ, x⁽ᵃᵇ⁾"),
    (parse_markdown("only^qQ^"), "onlyqQ"),  # no superscript q: the text, never HTML
    (as_rich("C# and snake_case, 4.89/5.00 (0.55%)"), "C# and snake_case, 4.89/5.00 (0.55%)"),
    (as_rich("1999. A year"), r"1999\. A year"),
    (as_rich("see https://x.org or www.x.org"), r"see https\://x.org or www\.x.org"),
    (styled("emph", " spaced "), "*spaced*"),
])
def test_markdown_is_clean_where_it_can_be(rich, markdown):
    assert to_markdown(rich) == markdown


def test_paragraph_breaks_survive_and_line_breaks_do_not():
    text = as_rich("First line\nsame paragraph.\n\n- not a list\n\n   # not a heading")
    assert paragraphs(text) == "First line same paragraph.\n\n\\- not a list\n\n\\# not a heading"


# ---- The real CVs ---------------------------------------------------------------------


@pytest.mark.parametrize("stem", sorted(REFERENCES))
def test_fidelity_against_the_real_cv(markdown_cvs, stem):
    tool = SHARED / "tools" / "cvfidelity.py"
    if not tool.is_file():
        pytest.skip(f"the reference texts live in {SHARED}, beside the repository")
    reference, needed = REFERENCES[stem]
    result = subprocess.run([sys.executable, str(tool), str(markdown_cvs[stem]), str(reference),
                             "--min", str(needed)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("stem", sorted(REFERENCES))
def test_built_cvs_render_with_no_raw_html_and_only_web_links(markdown_cvs, stem):
    rendered = render_gfm(markdown_cvs[stem].read_text(encoding="utf-8"))
    assert set(rendered.tags) <= INLINE_TAGS | {"h1", "h2", "ul", "li"}
    assert rendered.bad_links() == []


def test_publications_are_numbered_with_own_name_bold_and_marks(markdown_cvs):
    markdown = markdown_cvs["zhuofu-chen-v2"].read_text(encoding="utf-8")
    assert "\n(* indicates equal contribution)\n" in markdown
    labels = re.findall(r"^- (\[\d\]) (\S+ \S+)", markdown, flags=re.M)
    assert labels == [("[1]", "Tianxia Wang*,"), ("[2]", "Zikun Li*,"), ("[3]", "Lijie Yang*,")]
    rendered = render_gfm(markdown)
    page = cmark_page(markdown)
    assert page.count("<strong>Zhuofu Chen*</strong>") == 2
    assert page.count("<strong>Zhuofu Chen</strong>") == 1
    assert "Tianxia Wang*, <strong>" in page
    assert "equal contribution" not in markdown_cvs["zhuofu-chen-v1"].read_text(encoding="utf-8")
    assert "Zhuoming Chen" in rendered.text


def cmark_page(markdown: str) -> str:
    import cmarkgfm

    return cmarkgfm.github_flavored_markdown_to_html(markdown)


def test_every_classic_layout_renders(markdown_cvs):
    markdown = markdown_cvs["zhuofu-chen-v1"].read_text(encoding="utf-8")
    assert markdown.startswith("Zhuofu Chen\n===========\n\n[aetiurf@gmail.com](mailto:aetiurf"
                               "@gmail.com) · [chenzhuofu](https://github.com/chenzhuofu) · ")
    assert ("**Tongji University** · Shanghai, China\n\n*B.S. in Computer Science and "
            "Technology (Elite Class)* · Sept. 2021 – Present\n\n- GPA: 4.89/5.00") in markdown
    assert "Research Interests\n------------------\n\nI have broad interests" in markdown
    assert "to *real-world applications*." in markdown
    assert "- 1ˢᵗ Prize of National Olympiad in Informatics in Provinces · 2019\n" in markdown


def test_every_scholar_layout_renders(markdown_cvs):
    markdown = markdown_cvs["pengfei-zuo"].read_text(encoding="utf-8")
    assert markdown.startswith("Pengfei Zuo\n===========\n\nEmail: [pfzuo.cs@gmail.com]")
    bio = markdown.split("\n\nResearch\n--------")[0]
    assert len(re.findall(r"\n\n[A-Z]", bio)) == 6  # contact line and five paragraphs
    assert "\n**Memory Systems and Architectures**\n\n- **Disaggregated Memory Systems**: " \
           "FORD (FAST’22), uKaron (USENIX ATC’22)" in markdown
    assert "ROLEX (FAST’23, Best Paper)" in markdown
    assert "\n- **Jul 02, 2026** · Our papers “TaiJi:" in markdown
    assert ("\n- **FAST** — **ROLEX: A Scalable RDMA-oriented Learned Key-Value Store for "
            "Disaggregated Memory Systems** — ") in markdown


# ---- Themes without Markdown templates ------------------------------------------------


def test_a_theme_without_markdown_templates_gets_markdown(tmp_path):
    """Every layout falls back to its kind; a new items layout with nested items included."""
    theme = tmp_path / "plain"
    shutil.copytree(BUILTIN_THEMES / "scholar", theme)
    for template in theme.glob("sections/*.md.j2"):
        template.unlink()
    description = yaml.safe_load((theme / "theme.yaml").read_text(encoding="utf-8"))
    description.setdefault("layouts", {})["grants"] = {  # with scholar's, from classic
        "kind": "items", "required": ["name"],
        "fields": {"name": "text", "amount": "text", "papers": "query",
                   "parts": {"items": {"part": "text", "notes": "list"}}}}
    (theme / "theme.yaml").write_text(yaml.safe_dump(description, sort_keys=False), "utf-8")
    (theme / "sections" / "grants.tex.j2").write_text("", encoding="utf-8")
    write(tmp_path / "refs.bib", """\
        @inproceedings{p1, author = {A. Person and B. Other}, title = {First Paper},
          shorttitle = {FIRST}, booktitle = {ACM Symposium on Operating Systems Principles},
          year = {2023}}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        theme: plain
        bibliography: [refs.bib]
        person: {name: A. Person, contact: {email: a@x.org}}
        sections:
          grants:
            title: Grants
            layout: grants
            items:
              - name: A *big* grant
                amount: 1 M€
                papers: {keys: [p1]}
                parts:
                  - {part: Part one, notes: [first note, second note]}
          news:
            title: News
            layout: dated_list
            items: [{date: 2024, text: Something happened.}]
          papers:
            title: Papers
            layout: publications
            query: {author: self}
        """)
    [output] = build_cv(cv, tmp_path / "out", formats=["md"]).outputs
    assert output.read_text(encoding="utf-8").split("Grants\n------\n\n")[1] == (
        "- **A big grant** · 1 M€\n"  # (Markdown has no emphasis inside bold)
        "  - FIRST (SOSP’23)\n"
        "  - **Part one**\n"
        "    - first note\n"
        "    - second note\n"
        "\n"
        "News\n----\n\n"
        "- Something happened. · 2024\n"
        "\n"
        "Papers\n------\n\n"
        "- [1] **A. Person**, B. Other. First Paper, *ACM Symposium on Operating Systems "
        "Principles*, 2023.\n")


PAPER_WITH_LINKS = """\
    @inproceedings{p1, author = {A. Person and B. Other}, title = {First Paper},
      booktitle = {ACM Symposium on Operating Systems Principles}, year = {2023},
      doi = {10.1145/3600006.3613149}, eprint = {2404.12457}, archiveprefix = {arXiv},
      pdf = {https://x.org/p.pdf}, slides = {https://x.org/s.pdf}, url = {https://x.org/page}}
    """


@pytest.mark.parametrize("theme", ["classic", "scholar"])
def test_per_paper_links_and_identifiers_are_markdown_links(tmp_path, theme):
    write(tmp_path / "refs.bib", PAPER_WITH_LINKS)
    cv = write(tmp_path / "cv.yaml", f"""\
        theme: {theme}
        bibliography: [refs.bib]
        person: {{name: A. Person}}
        sections:
          papers: {{title: Papers, layout: publications, query: {{author: self}}}}
        """)
    [output] = build_cv(cv, tmp_path / "out", formats=["md"]).outputs
    markdown = output.read_text(encoding="utf-8")
    assert ("DOI: [10.1145/3600006.3613149](https://doi.org/10.1145/3600006.3613149), "
            "[arXiv:2404.12457](https://arxiv.org/abs/2404.12457). "
            "[\\[PDF\\]](https://x.org/p.pdf) [\\[Slides\\]](https://x.org/s.pdf)") in markdown
    rendered = render_gfm(markdown)
    assert rendered.links == ["https://x.org/page", "https://doi.org/10.1145/3600006.3613149",
                              "https://arxiv.org/abs/2404.12457", "https://x.org/p.pdf",
                              "https://x.org/s.pdf"]
    assert "[PDF] [Slides]" in rendered.text


@pytest.mark.parametrize(("template_text", "where", "message"), [
    ("((* for item in section.items *))\n<< item.title >>\n", ":2", "template error: Unexpected "
     "end of template. Jinja was looking for the following tags: 'endfor' or 'else'."),
    ("<< section.nothing >>\n", "", "template error: 'bibcv.document.DocumentSection object' "
     "has no attribute 'nothing'"),
])
def test_a_broken_markdown_template_names_its_file(tmp_path, template_text, where, message):
    theme = tmp_path / "broken"
    shutil.copytree(BUILTIN_THEMES / "classic", theme)
    template = theme / "sections" / "entries.md.j2"
    template.write_text(template_text, encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        theme: broken
        person: {name: A. Person}
        sections:
          work: {title: Work, layout: entries, items: [{title: Job}]}
        """)
    with pytest.raises(BibcvError) as raised:
        build_cv(cv, tmp_path / "out", formats=["md"])
    assert str(raised.value).startswith(f"{template}{where}: {message}")


def test_markdown_builds_are_incremental_like_pdf(tmp_path):
    cv = REPO / "cv" / "pengfei-zuo.yaml"
    arguments = ["build", str(cv), "-o", str(tmp_path), "--format", "md"]
    first = CliRunner().invoke(main, arguments)
    assert first.exit_code == 0, first.output
    assert first.output == f"{cv}: wrote {tmp_path / 'pengfei-zuo.md'}\n"
    again = CliRunner().invoke(main, arguments)
    assert again.output == f"{cv}: up to date\n"
