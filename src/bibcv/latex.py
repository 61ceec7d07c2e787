"""The LaTeX backend: the one place where text becomes LaTeX.

Every value that reaches a template goes through ``to_latex`` (see
``render.py``), so text from YAML or BibTeX can never act as a command:
``\\input``, ``%`` or ``#`` are printed, not obeyed.
"""

from __future__ import annotations

import re
import unicodedata

from bibcv.richtext import Link, Node, RichText, Styled, Text


class Latex(str):
    """LaTeX that is trusted as it is: produced by this backend, never by user data."""


_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "`": r"\textasciigrave{}",
    "'": r"\textquotesingle{}",
    "\t": " ",
}
# TeX font ligatures would turn "--" into a dash, ",," into „ and "<<" into «.
_LIGATURE_PAIRS = {"--", ",,", "<<", ">>"}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

_STYLE_COMMANDS = {"emph": r"\emph", "strong": r"\textbf", "sup": r"\textsuperscript"}
# Characters a URL may carry that TeX would read as syntax inside \href.
_URL_ESCAPES = {"%": r"\%", "#": r"\#", "\\": "%5C", "{": "%7B", "}": "%7D", "~": "%7E",
                "^": "%5E", "`": "%60", '"': "%22", "<": "%3C", ">": "%3E", "|": "%7C"}


def escape_text(text: str) -> Latex:
    """Escape plain text so that TeX prints every character as written."""
    paragraphs = _PARAGRAPH_BREAK.split(text)
    return Latex("\n\n".join(_escape_paragraph(p) for p in paragraphs))


def _escape_paragraph(text: str) -> str:
    out = []
    previous = ""
    for char in text:
        if previous + char in _LIGATURE_PAIRS:
            out.append("{}")
        previous = char
        if char in _SPECIALS:
            out.append(_SPECIALS[char])
        elif char == "\n" or unicodedata.category(char) == "Cc":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def escape_url(url: str) -> Latex:
    return Latex("".join(_URL_ESCAPES.get(char, char) for char in url))


def to_latex(rich: RichText) -> Latex:
    return Latex("".join(_node_to_latex(node) for node in rich.parts))


def _node_to_latex(node: Node) -> str:
    if isinstance(node, Text):
        return escape_text(node.value)
    inner = "".join(_node_to_latex(child) for child in node.children)
    if isinstance(node, Styled):
        return f"{_STYLE_COMMANDS[node.style]}{{{inner}}}"
    assert isinstance(node, Link)
    return f"\\href{{{escape_url(node.url)}}}{{{inner}}}"
