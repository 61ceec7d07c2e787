"""Hostile and awkward input: printed as text or refused with a clear message, never obeyed."""

from __future__ import annotations

import json
import os
import shutil
import string
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bibcv.cli import main
from bibcv.theme import BUILTIN_THEMES
from conftest import elements, pdf_links, pdf_text, squash, write
from markdown_oracle import render_gfm

SECRET = "SECRET-CONTENT-7f3a9"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.tex"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def build(cv: Path, out: Path, output_format: str = "pdf") -> Result:
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(out),
                                       "--format", output_format])
    # A handled error exits through SystemExit; anything else would be a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def cv_with(tmp_path: Path, bullets: list[str], bib: str = "", title: str = "Hostile") -> Path:
    data = {
        "bibliography": ["refs.bib"],
        "person": {"name": "Zhang Ziliǹ", "aliases": ["章梓立"],
                   "contact": {"homepage": "https://example.org/a%20b#frag"}},
        "sections": {
            "items": {"title": title, "layout": "entries",
                      "items": [{"title": "Entry", "bullets": bullets}]},
            "papers": {"title": "Papers", "layout": "publications", "query": {"author": "self"}},
        },
    }
    write(tmp_path / "refs.bib", bib or "@misc{none, title = {Nothing}, author = {No One}}\n")
    return write(tmp_path / "cv.yaml", yaml.safe_dump(data, allow_unicode=True))


def no_spaces(text: str) -> str:
    return "".join(text.split())


def literal(text: str) -> str:
    """Backslash the Markdown subset's own characters, so the text means itself."""
    return "".join("\\" + c if c in "\\*^[]()" else c for c in text)


def line_of(path: Path, fragment: str, last: bool = False) -> int:
    lines = [n for n, text in enumerate(path.read_text().splitlines(), 1) if fragment in text]
    return lines[-1] if last else lines[0]


@pytest.mark.parametrize("attack", [
    r"\input{SECRET}",
    r"\include{SECRET} \InputIfFileExists{SECRET}{}{}",
    r"\immediate\write18{touch MARKER}",
    r"\catcode`\{=12 \catcode`\\=12",
    r"^^5cinput{SECRET} ^^5c^^5c",
    r"\def\x{\x}\x \loop\iftrue\repeat",
    r"\newread\f \openin\f=SECRET \read\f to\x \x",
    r"} \end{document} {",
    "100% & #1 $x$ _ ~ {} -- ``''",
])
def test_tex_in_cv_text_is_printed_not_run(tmp_path, secret, attack):
    marker = tmp_path / "ran"
    text = attack.replace("SECRET", str(secret)).replace("MARKER", str(marker))
    result = build(cv_with(tmp_path, [literal(text)]), tmp_path / "out")
    assert result.exit_code == 0, result.output
    pdf = pdf_text(tmp_path / "out" / "cv.pdf")
    assert no_spaces(text) in no_spaces(pdf)
    assert SECRET not in pdf
    assert not marker.exists()


def test_tex_in_bibtex_is_text_too(tmp_path, secret):
    bib = (f"@misc{{evil, author = {{Zhang Ziliǹ}}, title = {{\\input{{{secret}}} "
           f"\\write18{{ls}} 100\\% of ^^5c}}, note = {{x}}}}\n")
    result = build(cv_with(tmp_path, ["ok"], bib), tmp_path / "out")
    assert result.exit_code == 0, result.output
    pdf = pdf_text(tmp_path / "out" / "cv.pdf")
    assert SECRET not in pdf
    assert "100% of ^^5c" in squash(pdf)


def test_links_keep_percent_and_hash(tmp_path):
    result = build(cv_with(tmp_path, ["[a report](https://example.org/r?q=50%25&x=1#sec-2)"]),
                   tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert pdf_links(tmp_path / "out" / "cv.pdf") == [
        "https://example.org/a%20b#frag", "https://example.org/r?q=50%25&x=1#sec-2"]


@pytest.mark.parametrize(("bullet", "message"), [
    ("[x](javascript:alert%281%29)", "link target 'javascript:alert%281%29' is not allowed"),
    ("[x](file:///etc/passwd)", "link target 'file:///etc/passwd' is not allowed"),
    ("bell \a here", "the text contains the control character U+0007"),
    ("escape \x1b[31m red", "the text contains the control character U+001B"),
])
def test_refused_with_file_and_line(tmp_path, bullet, message):
    cv = cv_with(tmp_path, ["fine", bullet])
    result = build(cv, tmp_path / "out")
    assert result.exit_code == 1
    line = line_of(cv, "- fine") + 1
    assert result.output.startswith(f"{cv}:{line}: {message}"), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("url", ["javascript:x()", "ftp://ftp.example.org/paper.ps", "example.org"])
def test_url_that_is_no_web_link_is_a_warning_and_no_link(tmp_path, url):
    bib = f"@misc{{evil,\n  author = {{Zhang Ziliǹ}},\n  title = {{T}},\n  url = {{{url}}}}}\n"
    result = build(cv_with(tmp_path, ["ok"], bib), tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'refs.bib'}:1: warning: entry 'evil': the url {url!r} is not a web" \
        in result.output
    assert url not in pdf_links(tmp_path / "out" / "cv.pdf")


def test_very_long_words_wrap_instead_of_running_off_the_page(tmp_path):
    word = "x" * 300 + "/end"
    result = build(cv_with(tmp_path, [word]), tmp_path / "out")
    assert result.exit_code == 0, result.output
    lines = pdf_text(tmp_path / "out" / "cv.pdf").splitlines()
    assert word in no_spaces("".join(line for line in lines if "xxx" in line))
    assert max(len(line) for line in lines if "xxx" in line) < 150


def test_accents_greek_and_cjk_come_out_right(tmp_path):
    bib = ("@misc{zh, author = {章梓立 and Jos{\\'e} M{\\\"u}ller},\n"
           "  title = {Ωμέγα: 分布式系统 Жизнь}}\n")
    result = build(cv_with(tmp_path, ["Ἀθῆναι, Zürich, Kraków, 東京, 서울"], bib), tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(tmp_path / "out" / "cv.pdf"))
    assert "ZHANG ZILIǸ" in text  # the name is set in small caps
    assert "Ἀθῆναι, Zürich, Kraków, 東京, 서울" in text
    assert "[1] 章梓立, José Müller. Ωμέγα: 分布式系统 Жизнь." in text


def test_a_script_the_fonts_lack_is_an_error_that_keeps_the_last_pdf(tmp_path):
    out = tmp_path / "out"
    assert build(cv_with(tmp_path, ["fine"]), out).exit_code == 0
    good = (out / "cv.pdf").read_bytes()
    cv = cv_with(tmp_path, ["fine", "नमस्ते"])
    result = build(cv, out)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(  # after the warnings
        f"{cv}:{line_of(cv, 'नमस्ते')}: the font Gentium Book Plus has no 'न' (U+0928)")
    assert (out / "cv.pdf").read_bytes() == good


# Characters the theme's fonts cover, TeX's specials and Markdown's own among them.
ALPHABET = string.ascii_letters + string.digits + string.punctuation + " éüßçñøαβγΩἈῆЖжш章梓立東京"


@settings(max_examples=int(os.environ.get("BIBCV_COMPILE_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(ALPHABET, min_size=1, max_size=60).filter(lambda t: t.strip()))
def test_generated_text_survives_a_real_compile(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("generated")
    result = build(cv_with(folder, [literal(text)]), folder / "out")
    assert result.exit_code == 0, result.output
    assert no_spaces(text) in no_spaces(pdf_text(folder / "out" / "cv.pdf"))


def test_latex_error_is_traced_back_to_the_entry_that_caused_it(tmp_path):
    """A theme that cannot cope with an item without bullets: the error names that item."""
    theme = tmp_path / "fragile"
    shutil.copytree(BUILTIN_THEMES / "classic", theme)
    (theme / "sections" / "entries.tex.j2").write_text(
        "((* for item in section.items *))\n\\textbf{<< item.title >>}\n"
        "\\begin{itemize}\n((* for b in item.bullets *))\\item << b >>\n((* endfor *))"
        "\\end{itemize}\n((* endfor *))\n", encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", """\
        theme: fragile
        person: {name: A. Person}
        sections:
          work:
            title: Work
            layout: entries
            items:
              - title: Has bullets
                bullets: [one]
              - title: Has none
        """)
    result = build(cv, tmp_path / "out")
    assert result.exit_code == 1
    failed_tex = tmp_path / "out" / "cv.failed.tex"
    tex_line = line_of(failed_tex, "\\end{itemize}", last=True)
    assert result.output == (
        f"{cv}:{line_of(cv, 'Has none')}: LaTeX error: Something's wrong--perhaps a missing "
        f"\\item. (TeX source: {failed_tex}:{tex_line}; full log: {tmp_path / 'out' / 'cv.log'})\n")


def test_cjk_without_a_cjk_font_says_what_to_install(tmp_path, monkeypatch):
    import bibcv.backends.latex

    monkeypatch.setattr(bibcv.backends.latex, "find_cjk_font", lambda *wanted: None)
    cv = cv_with(tmp_path, ["fine", "東京"])
    result = build(cv, tmp_path / "out")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(  # after the warnings
        f"{cv}:{line_of(cv, '東京')}: this CV has Chinese, Japanese or Korean text but no font "
        "for it is installed (looked for Noto Serif CJK SC, Noto Sans CJK SC, Source Han Serif "
        "SC with fontconfig's fc-list :lang=zh); install a CJK font: on Debian or Ubuntu "
        "`sudo apt-get install fonts-noto-cjk`")


# ---- The web page: no YAML or BibTeX text becomes markup, script or a link ----

HTML_ATTACKS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "<!-- a comment --> <style>body{display:none}</style>",
    "&lt;b&gt; &amp; &#x3c; &quot;",
    "<a href='javascript:alert(1)'>click</a> <iframe src=https://evil.example></iframe>",
    "]]> <![CDATA[ x",
]


def assert_only_bibcv_markup(page: Path) -> None:
    """The page holds only the elements and attributes bibcv writes, and safe links."""
    found = elements(page).found
    assert [attrs.get("type") for tag, attrs, _ in found if tag == "script"] == [
        "application/ld+json"]
    assert sum(tag == "style" for tag, _, _ in found) == 1
    assert not {tag for tag, _, _ in found} & {"img", "iframe", "object", "embed", "base", "form"}
    assert not [name for _, attrs, _ in found for name in attrs if name.startswith("on")]
    for _, attrs, _ in found:
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("https://", "http://", "mailto:", "cv/bib/")), href


def visible_words(page: Path) -> str:
    """The page's text outside <head>, without white space."""
    body = next(text for tag, _, text in elements(page).found if tag == "body")
    return no_spaces("".join(body))


@pytest.mark.parametrize("attack", HTML_ATTACKS)
def test_markup_in_cv_text_and_bibtex_is_text_on_the_web_page(tmp_path, attack):
    bib = f"@misc{{evil, author = {{Zhang Ziliǹ}}, title = {{{attack}}}, year = 2020}}\n"
    cv = cv_with(tmp_path, [literal(attack)], bib, title=literal(attack))
    result = build(cv, tmp_path / "out", "html")
    assert result.exit_code == 0, result.output
    page = tmp_path / "out" / "cv.html"
    assert_only_bibcv_markup(page)
    text = visible_words(page)
    assert text.count(no_spaces(attack)) >= 2  # the section heading and the bullet
    [(_, data)] = elements(page).all("script", type="application/ld+json")
    assert "<" not in data  # escaped as \\u003c: nothing can close the script
    title = json.loads(data)["@graph"][1]["name"]  # the BibTeX title as TeX reads it
    assert title.strip() and no_spaces(title) in text


def test_a_link_target_cannot_break_out_of_its_attribute(tmp_path):
    target = 'https://example.org/"><script>alert(1)</script>'
    cv = cv_with(tmp_path, [f"[here]({literal(target)})"])
    result = build(cv, tmp_path / "out", "html")
    assert result.exit_code == 0, result.output
    page = tmp_path / "out" / "cv.html"
    assert_only_bibcv_markup(page)
    assert target in [attrs["href"] for attrs, text in elements(page).all("a") if text == "here"]


@pytest.mark.parametrize("bullet", ["[x](javascript:alert%281%29)", "[x](data:text/html,hi)"])
def test_forbidden_links_are_refused_for_the_web_page_too(tmp_path, bullet):
    result = build(cv_with(tmp_path, [bullet]), tmp_path / "out", "html")
    assert result.exit_code == 1
    assert "is not allowed" in result.output
    assert not (tmp_path / "out" / "cv.html").exists()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(ALPHABET, min_size=1, max_size=60).filter(lambda t: t.strip()))
def test_generated_text_is_text_on_the_web_page(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("generated-html")
    result = build(cv_with(folder, [literal(text)]), folder / "out", "html")
    assert result.exit_code == 0, result.output
    assert_only_bibcv_markup(folder / "out" / "cv.html")
    assert no_spaces(text) in visible_words(folder / "out" / "cv.html")


# ---- Markdown: text stays text, whatever markup it carries ---------------------------

MARKUP_ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)"> <iframe src="https://evil.example">',
    "<a href='javascript:alert(1)'>click</a>",
    "[click](javascript:alert(1)) [mail](mailto:a@b.org)",
    "![pixel](https://evil.example/p.png)",
    "javascript:alert(1), www.evil.example, https://x.org/<script>, xmpp:a@b.org",
    "{{ site.github.token }} {% include secret.html %} {{< shortcode >}}",
    "<!-- hidden --> &lt;b&gt; &#60;script&#62; &amp;",
    "| a | b |", "# heading", "> quote", "1. list", "---", "```js", "$x_2$ ~~gone~~",
    "<https://evil.example> <b>bold</b> *not emphasis* __nor this__",
]


def markdown_build(folder: Path, cv: Path) -> str:
    out = folder / "out"
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(out), "--format", "md"])
    assert result.exit_code == 0, result.output
    return (out / "cv.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("attack", MARKUP_ATTACKS)
def test_markup_in_cv_text_is_printed_in_markdown(tmp_path, attack):
    # (no backquote in BibTeX: TeX, and bibcv's style, print ` and `` as quotes)
    bib_attack = attack.replace("`", "")
    bib = ("@misc{evil, author = {Zhang Ziliǹ}, title = {" + bib_attack.replace("{", "\\{")
           .replace("}", "\\}").replace("$", "\\$").replace("#", "\\#").replace("&", "\\&")
           .replace("~", "\\textasciitilde{}").replace("_", "\\_").replace("%", "\\%")
           .replace("-", "-{}") + "}}\n")  # -{}- keeps TeX from making a dash
    cv = cv_with(tmp_path, [literal(attack)], bib, title=literal(attack))
    markdown = markdown_build(tmp_path, cv)
    assert "{{" not in markdown and "{%" not in markdown  # no Liquid or Hugo tag survives
    rendered = render_gfm(markdown)
    assert set(rendered.tags) <= {"h1", "h2", "p", "ul", "li", "em", "strong", "a"}
    # GitHub links a bare "xmpp:name@host" however it is escaped (its e-mail autolink
    # runs after escapes are resolved); it can only ever be a chat address.
    links = [link for link in rendered.bad_links() if link != "xmpp:a@b.org"]
    assert links == []
    assert "evil.example" not in " ".join(rendered.links)
    # (BibTeX's straight quotes become typographic ones, as TeX would set them)
    shown = squash(rendered.text).translate(str.maketrans("“”‘’", "\"\"''"))
    from_yaml, from_bibtex = shown.split(" Papers [1] ")
    assert from_yaml.count(squash(attack)) == 2  # the section title and the bullet
    assert squash(bib_attack) in from_bibtex


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(ALPHABET + "<>&!{}|~$`_#\n", min_size=1, max_size=60).filter(lambda t: t.strip()))
@example("京 京")  # a space typed between two Chinese characters was dropped as if folded
def test_generated_text_survives_markdown(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("generated-md")
    rendered = render_gfm(markdown_build(folder, cv_with(folder, [literal(text)])))
    assert set(rendered.tags) <= {"h1", "h2", "p", "ul", "li", "em", "strong", "a"}
    assert rendered.bad_links() == []
    # White space only: squash's de-hyphenation would glue a bullet ending in "-" to
    # the next block's first word, as if it were a word broken across lines.
    assert " ".join(text.split()) in " ".join(rendered.text.split())
