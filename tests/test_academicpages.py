"""export-academicpages: Jekyll pages whose front matter PyYAML reads back, the same every run."""

from __future__ import annotations

import datetime
import html
from pathlib import Path

import yaml
from click.testing import CliRunner

from bibcv.backends.academicpages import export_academicpages
from bibcv.cli import main
from bibcv.document import load_document
from bibcv.export import format_entry
from conftest import REPO, write
from kramdown_oracle import TYPOGRAPHY, render_kramdown, shown
from markdown_oracle import render_gfm

FRONT_MATTER_KEYS = {"title", "collection", "category", "permalink", "excerpt", "date", "venue",
                     "paperurl", "slidesurl", "bibtexurl", "citation"}


def export(cv: Path, out: Path) -> str:
    result = CliRunner().invoke(main, ["export-academicpages", str(cv), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def read_page(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    header, body = text[4:].split("\n---\n", 1)
    front = yaml.safe_load(header)
    assert set(front) <= FRONT_MATTER_KEYS
    return front, body


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_zhuofu_chen_papers_become_pages_and_bibtex(tmp_path):
    cv = REPO / "cv" / "zhuofu-chen-v2.yaml"
    output = export(cv, tmp_path)
    assert output.endswith(f"wrote 3 pages to {tmp_path / '_publications'} and their BibTeX "
                           f"to {tmp_path / 'files'}\n")
    assert "'li-scsserve' has no year: its academicpages page is dated 1900-01-01; add year" \
        in output
    pages = sorted(p.name for p in (tmp_path / "_publications").iterdir())
    assert pages == [
        "1900-01-01-characterizing-network-requirements-for-gpu-api-remoting-in.md",
        "1900-01-01-scsserve-slo-customized-llm-serving-with-fine-grained.md",
        "1900-01-01-tidaldecode-fast-and-accurate-llm-decoding-with-position.md",
    ]
    front, body = read_page(tmp_path / "_publications" / pages[2])
    assert front == {
        "title": "TidalDecode: Fast and Accurate LLM Decoding with Position Persistent Sparse "
                 "Attention",
        "collection": "publications",
        "category": "manuscripts",
        "permalink": "/publication/" + pages[2].removesuffix(".md"),
        "date": datetime.date(1900, 1, 1),
        "venue": "Under review",
        "bibtexurl": "/files/yang-tidaldecode.bib",
        "citation": "Lijie Yang*, Zhihao Zhang*, <strong>Zhuofu Chen</strong>, Zikun Li, "
                    "Zhihao Jia. TidalDecode: Fast and Accurate LLM Decoding with Position "
                    "Persistent Sparse Attention, <em>Under review</em>.",
    }
    # Every * of the text escaped: kramdown, unlike CommonMark, would read "Yang*, Zhihao
    # Zhang*" as emphasis.
    assert body == ("Lijie Yang\\*, Zhihao Zhang\\*, **Zhuofu Chen**, Zikun Li, Zhihao Jia. "
                    "TidalDecode: Fast and Accurate LLM Decoding with Position Persistent Sparse "
                    "Attention, *Under review*.\n")
    [rendered] = render_kramdown([(True, body)])
    assert shown(rendered) == html.unescape(front["citation"]).replace(
        "<strong>", "").replace("</strong>", "").replace("<em>", "").replace("</em>", "")
    assert rendered.tags == ["p", "strong", "em"]
    bibtex = (tmp_path / "files" / "yang-tidaldecode.bib").read_text(encoding="utf-8")
    [publication] = [p for p in load_document(cv).publications if p.key == "yang-tidaldecode"]
    assert bibtex == format_entry(publication, strip_cv_fields=True) + "\n"
    assert "author+an" not in bibtex


def test_a_second_export_writes_the_same_bytes(tmp_path):
    cv = REPO / "cv" / "pengfei-zuo.yaml"
    export(cv, tmp_path / "one")
    export(cv, tmp_path / "two")
    export(cv, tmp_path / "one")
    first, second = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert first == second
    document = load_document(cv)
    assert len([name for name in first if name.startswith("_publications/")]) == \
        len(document.publications) == 40


def test_categories_dates_and_excerpts_follow_the_entries(tmp_path):
    export(REPO / "cv" / "pengfei-zuo.yaml", tmp_path)
    fronts = {}
    for page in (tmp_path / "_publications").iterdir():
        front, _body = read_page(page)
        assert page.name == front["permalink"].removeprefix("/publication/") + ".md"
        assert page.name.startswith(f"{front['date']}-")
        fronts[front["bibtexurl"].removeprefix("/files/").removesuffix(".bib")] = front
    assert {front["category"] for front in fronts.values()} == {"conferences", "manuscripts"}
    cached = fronts["cachedattention-atc24"]
    assert (cached["category"], str(cached["date"])) == ("conferences", "2024-03-23")  # its date
    assert cached["permalink"] == ("/publication/2024-03-23-cost-efficient-large-language-model-"
                                   "serving-for-multi-turn")
    assert cached["excerpt"] == ("Interacting with humans through multi-turn conversations is a "
                                 "fundamental feature of large language models (LLMs).")


HOSTILE_TITLES = [
    "Colons: and 'quotes' and \"double quotes\" # not a comment",
    "--- a document marker ... and an end marker",
    "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "[click](javascript:alert(1)) *emphasis* _under_ `code` | pipe ~ tilde",
    "{{ site.title }} {% include x.html %} &amp; & < >",
    "yes", "null", "2024-01-01", "- a list item?", "@at !bang %percent *star &anchor",
    "Wow! [not a link] ![nor an image](https://x.org/i.png) * not a list",
]


def bib_text(title: str) -> str:
    """A title as BibTeX writes it: TeX's specials escaped, hyphens kept from becoming dashes."""
    spelled = {"\\": "\\textbackslash{}", "~": "\\textasciitilde{}", "-": "-{}"}
    return "".join(spelled.get(char, f"\\{char}" if char in "{}$#&%_" else char)
                   for char in title)


def test_hostile_titles_make_valid_front_matter(tmp_path):
    entries = "".join(
        f"@article{{t{index}, author = {{A. Person}}, title = {{{bib_text(title)}}}, "
        f"journal = {{J}}, year = {{2020}}, url = {{https://x.org/{index}?a=1&b='2'}},\n"
        f"  slides = {{https://x.org/s{index}.pdf}}, pdf = {{https://x.org/p{index}.pdf}}}}\n"
        for index, title in enumerate(HOSTILE_TITLES))
    write(tmp_path / "refs.bib", entries)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: A. Person}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self, sort: [key]}}
        """)
    export(cv, tmp_path / "site")
    seen = {}
    for page in (tmp_path / "site" / "_publications").iterdir():
        front, body = read_page(page)
        index = int(front["bibtexurl"].removeprefix("/files/t").removesuffix(".bib"))
        seen[index] = front
        # (quotes typographic, as in the CV; TeX's ` is an opening quote)
        title = html.unescape(front["title"]).translate(str.maketrans("“”‘’", "\"\"''"))
        assert title == HOSTILE_TITLES[index].replace("`", "'")
        assert "<" not in front["title"] and "{" not in front["title"]
        citation = render_gfm(f"<p>{front['citation']}</p>")  # HTML, as academicpages prints it
        assert set(citation.tags) <= {"p", "em", "strong", "a"}
        assert citation.links == [f"https://x.org/{index}?a=1&b='2'",  # the title's link
                                  f"https://x.org/p{index}.pdf", f"https://x.org/s{index}.pdf"]
        assert html.unescape(front["title"]) in citation.text
        assert front["paperurl"] == f"https://x.org/p{index}.pdf"  # pdf before url
        assert front["slidesurl"] == f"https://x.org/s{index}.pdf"
        assert str(front["date"]) == "2020-01-01"
        # The body (the citation) and the title as the site shows them: kramdown, after
        # Liquid for the body; and the body is still CommonMark.
        for rendered in (render_gfm(body), *render_kramdown([(True, body)])):
            assert set(rendered.tags) <= {"p", "em", "strong", "a"}
            assert rendered.links == citation.links
            assert html.unescape(front["title"]).translate(TYPOGRAPHY) in shown(rendered)
        [shown_title] = render_kramdown([(False, front["title"])])  # markdownify
        assert shown(shown_title) == html.unescape(front["title"]).translate(TYPOGRAPHY)
    assert sorted(seen) == list(range(len(HOSTILE_TITLES)))


def test_a_link_that_is_not_web_or_mail_is_left_out_with_a_warning(tmp_path):
    write(tmp_path / "refs.bib", "@article{bad, author = {A. Person}, title = {T},\n"
                                 "  journal = {J}, year = {2020}, slides = {javascript:x()},\n"
                                 "  pdf = {file:///etc/passwd}, url = {https://x.org/t}}\n")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: A. Person}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self}}
        """)
    output = export(cv, tmp_path / "site")
    assert (f"{tmp_path / 'refs.bib'}:1: warning: entry 'bad': field 'slides' is "
            "'javascript:x()', not a web address") in output
    [page] = (tmp_path / "site" / "_publications").iterdir()
    front, _body = read_page(page)
    assert "slidesurl" not in front
    assert front["paperurl"] == "https://x.org/t"  # the url, since the pdf is no web address


def test_a_title_link_that_is_not_web_or_mail_is_a_warning_and_no_link(tmp_path):
    write(tmp_path / "refs.bib", "@article{bad, author = {A. Person}, title = {T},\n"
                                 "  journal = {J}, year = {2020}, url = {javascript:x()}}\n")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: A. Person}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self}}
        """)
    site = export_academicpages(load_document(cv), tmp_path / "site")
    assert [str(w) for w in site.warnings if "javascript" in str(w)] == [
        f"{tmp_path / 'refs.bib'}:1: entry 'bad': the url 'javascript:x()' is not a web address "
        "(http:// or https://, without spaces), so the CV shows the title without a link; the "
        "export keeps it"]
    pages = "".join(path.read_text(encoding="utf-8")
                    for path in (tmp_path / "site").rglob("*.md"))
    assert pages and "javascript:" not in pages


def test_the_paper_link_is_the_pdf_else_the_page_else_the_doi_or_arxiv(tmp_path):
    write(tmp_path / "refs.bib", """\
        @article{pdf, author = {A. Person}, title = {With a PDF}, journal = {J}, year = {2021},
          pdf = {https://x.org/p.pdf}, url = {https://x.org/page}, doi = {10.1/x}}
        @article{page, author = {A. Person}, title = {With a page}, journal = {J}, year = {2021},
          url = {https://x.org/page}, doi = {10.1/x}}
        @article{doi, author = {A. Person}, title = {With a DOI}, journal = {J}, year = {2021},
          doi = {10.1145/3600006.3613149}}
        @misc{arxiv, author = {A. Person}, title = {With arXiv}, year = {2021},
          eprint = {2404.12457}, archiveprefix = {arXiv}}
        @article{none, author = {A. Person}, title = {With nothing}, journal = {J}, year = {2021}}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: A. Person}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self}}
        """)
    export(cv, tmp_path / "site")
    found = {}
    for page in (tmp_path / "site" / "_publications").iterdir():
        front, _body = read_page(page)
        found[front["bibtexurl"]] = front.get("paperurl")
    assert found == {
        "/files/pdf.bib": "https://x.org/p.pdf",
        "/files/page.bib": "https://x.org/page",
        "/files/doi.bib": "https://doi.org/10.1145/3600006.3613149",
        "/files/arxiv.bib": "https://arxiv.org/abs/2404.12457",
        "/files/none.bib": None,
    }


# Every character Markdown, kramdown or Liquid gives a meaning, accents, CJK and addresses
# with underscores: the abstract as the page's body, the excerpt and the title as the site
# shows them (kramdown after Liquid; `markdownify`), read back exactly.
SPECIAL_TEXT = (
    "Cost & benefit: 50% of $5, #1 and a_b, snake_case_name, {{ x }} and {% raw %}, ~y, "
    "x^2, ^, back\\slash, <b>bold</b> and <script>x</script>, *star* and Wang*, Li*, "
    "[brackets](http://evil.example) a|b|c, café naïve, 机器学习与系统, see "
    "https://example.org/a_b_c?x=1&y=2 and www.example.com/x_y, &amp; &#42; &copy; kept, "
    "a--b and x >> y << z..., \"quoted\" it's, : + 1. | # [^1] {: .class} $$x$$ !")


def test_special_characters_read_right_through_jekylls_kramdown(tmp_path):
    write(tmp_path / "refs.bib", f"""\
        @article{{special, author = {{Ada Lovelace}}, title = {{{bib_text(SPECIAL_TEXT)}}},
          journal = {{J}}, year = 2020, abstract = {{{bib_text(SPECIAL_TEXT)}}}}}
        @inproceedings{{cited, author = {{Tianxia Wang and Ada Lovelace}},
          author+an = {{1=equal; 2=equal}}, title = {{Wang*, Li* and 50\\% {{\\&}} more}},
          booktitle = {{Proc. of A{{\\&}}B}}, year = 2021, url = {{https://x.org/p_q_(r)}}}}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [refs.bib]
        person: {name: Ada Lovelace}
        sections:
          papers: {title: Papers, layout: publications, query: {author: self, sort: [key]}}
        """)
    export(cv, tmp_path / "site")
    [(special, special_body), (_cited, cited_body)] = [
        read_page(page) for page in sorted((tmp_path / "site" / "_publications").iterdir())]
    body, title, excerpt, citation = render_kramdown([
        (True, special_body), (False, special["title"]), (False, special["excerpt"]),
        (True, cited_body)])
    assert (body.tags, title.tags, excerpt.tags) == (["p"], ["p"], ["p"])
    assert shown(body) == shown(title) == shown(excerpt) == SPECIAL_TEXT
    assert shown(citation) == ("Tianxia Wang*, Ada Lovelace*. Wang*, Li* and 50% & more, "
                               "In Proc. of A&B, 2021.")
    assert citation.tags == ["p", "strong", "a", "em"]
    assert citation.links == ["https://x.org/p_q_(r)"]
