"""Rich text from the Markdown subset, and its one LaTeX backend."""

from __future__ import annotations

import pytest

from bibcv.backends.latex import to_tex
from bibcv.latex import escape_text, escape_url, to_latex
from bibcv.richtext import Link, MarkupError, RichText, Styled, Text, parse_markdown, plain


def test_markdown_subset_builds_nodes():
    rich = parse_markdown("better *performance* and **bold** 1^st^ [site](https://a.b/c)")
    assert rich.parts == (
        Text("better "), Styled("emph", (Text("performance"),)), Text(" and "),
        Styled("strong", (Text("bold"),)), Text(" 1"), Styled("sup", (Text("st"),)),
        Text(" "), Link("https://a.b/c", (Text("site"),)),
    )


def test_lone_stars_and_escapes_stay_literal():
    assert plain(parse_markdown("5 * 3 * 2")) == "5 * 3 * 2"
    assert parse_markdown(r"\*not emphasis\*").parts == (Text("*not emphasis*"),)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://x"])
def test_only_web_and_mail_links(url):
    with pytest.raises(MarkupError, match="not allowed"):
        parse_markdown(f"[x]({url})")


def test_every_tex_special_prints_literally():
    assert escape_text(r"\input{/etc/passwd} 100% #1 $x^2_3$ a~b & {}") == (
        r"\textbackslash{}input\{/etc/passwd\} 100\% \#1 \$x\textasciicircum{}2\_3\$ "
        r"a\textasciitilde{}b \& \{\}")


def test_ligatures_and_quotes_are_broken_up():
    assert escape_text("a--b <<c>> it's") == r"a-{}-b <{}<c>{}> it\textquotesingle{}s"


def test_paragraphs_survive_and_control_characters_do_not():
    assert escape_text("one\ntwo\n\nthree\x07") == "one two\n\nthree "


def test_url_specials_cannot_break_out_of_href():
    assert escape_url("https://x.org/a%20b#frag~{}") == r"https://x.org/a\%20b\#frag\%7E\%7B\%7D"


def test_rich_text_to_latex():
    rich = parse_markdown("**Zhuofu Chen*** and [the *paper*](https://x.org/?a=1&b=2)")
    assert to_latex(rich) == (r"\textbf{Zhuofu Chen}* and "
                              r"\href{https://x.org/?a=1&b=2}{the \emph{paper}}")


def test_finalize_escapes_everything_but_backend_output():
    assert to_tex("50% & more") == r"50\% \& more"
    assert to_tex(RichText((Text("$"),))) == r"\$"
    assert to_tex(None) == ""
    assert to_tex(2024) == "2024"
