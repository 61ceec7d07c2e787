"""Rich text as Hypothesis draws it, for the property tests of the Markdown and HTML backends."""

from __future__ import annotations

from hypothesis import strategies as st

from bibcv.richtext import Link, Math, Node, RichText, Styled, Text, plain

# A target with every character a link's syntax or a template engine reads.
URL = "https://x.org/a_(b)*c&amp;d\\e<f>{{g}}"
# Every character Markdown, GitHub or a site generator gives a meaning, and strings that
# start a block, an autolink, raw HTML or a template tag.
PIECES = st.sampled_from([
    *"ab1 *_`[]()<>&#!~$|{}\\-+=.:;'\"/^é章€", "&amp;", "&#42;", "http://x.org", "www.x.org",
    "<b>", "<script>", "1. ", "- ", "# ", "> ", "javascript:", "**", "__", "ftp://x.org",
    "{{ x }}", "{% x %}", "![i](https://x.org/i.png)", "---", "|---|", "\n\n", "  \n",
])
TEXT = st.lists(PIECES, min_size=1, max_size=10).map("".join)
STYLES = st.sampled_from(["emph", "strong", "url"])
# A formula's TeX: known math, and what the PDF prints as text (a command, a #).
FORMULAS = st.sampled_from([r"O(n \log n)", r"\frac{1}{2}", r"\input{x}", "a # b"])
NODE = st.recursive(TEXT.map(Text), lambda children: st.one_of(
    st.builds(lambda style, kids: Styled(style, tuple(kids)),
              STYLES, st.lists(children, min_size=1, max_size=3)),
    st.lists(children, min_size=1, max_size=2).map(lambda kids: Link(URL, tuple(kids))),
    st.builds(lambda source, kids: Math(source, tuple(kids)),
              FORMULAS, st.lists(children, min_size=1, max_size=2)),
), max_leaves=6)
RICH = st.lists(NODE, min_size=1, max_size=4).map(lambda parts: RichText(tuple(parts)))


def shown_text(nodes: tuple[Node, ...], in_link: bool = False) -> str:
    """What a reader sees: the text, with a link's target where its label is blank.

    (A link inside a link label is only its text: no backend nests links.)
    """
    shown = ""
    for node in nodes:
        if isinstance(node, Text):
            shown += node.value
        elif isinstance(node, Link) and not in_link and not plain(RichText(node.children)).strip():
            shown += node.url
        else:
            shown += shown_text(node.children, in_link or isinstance(node, Link))
    return shown
