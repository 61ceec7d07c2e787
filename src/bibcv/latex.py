"""The LaTeX backend: the one place where text becomes LaTeX.

Every value that reaches a template goes through ``to_latex`` (see
``render.py``), so text from YAML or BibTeX can never act as a command:
``\\input``, ``%`` or ``#`` are printed, not obeyed.
"""

from __future__ import annotations

import re
import unicodedata

from bibcv.cjk import is_cjk
from bibcv.richtext import (
    PARAGRAPH_BREAK,
    Link,
    Math,
    Node,
    RichText,
    Styled,
    Text,
    link_label,
)
from bibcv.texmath import FormulaError, TextArgument, formula_pieces


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
    '"': r"\textquotedbl{}",
    # Brackets in braces: after \item or \\ a bare [ would open an optional argument.
    "[": "{[}",
    "]": "{]}",
    "\t": " ",
    # A no-break space as TeX's tie: a space that stretches as the others do but never ends
    # a line ("S.~A. Mao", "pp.~1–5"), and needs no glyph in the font.
    "\u00a0": "~",
    # Unicode's fixed-width spaces as TeX's spacing, which needs no glyph: a font that has
    # none (Latin Modern Sans, the moderncv theme's) would leave a gap and fail the build.
    # citeproc-js writes U+202F before a colon that follows a space, GB/T 7714 an U+2003.
    "\u2000": r"\enskip{}", "\u2001": r"\quad{}", "\u2002": r"\enskip{}",
    "\u2003": r"\quad{}", "\u2004": r"\hspace{.333em}", "\u2005": r"\hspace{.25em}",
    "\u2006": r"\hspace{.167em}", "\u2007": r"\hphantom{0}", "\u2008": r"\hphantom{.}",
    "\u2009": r"\hspace{.167em}", "\u200a": r"\hspace{.083em}", "\u202f": r"\,",
    "\u205f": r"\hspace{.222em}",
}
# TeX font ligatures would turn "--" into a dash, ",," into „ and "<<" into «.
_LIGATURE_PAIRS = {"--", ",,", "<<", ">>"}
_SPACES = re.compile(r"([ \t\r\n]+)")  # not U+00A0: a no-break space stays one (~)
LONG_WORD = 30  # longer words are set breakable, as addresses are (see ``breakable``)
LONG_RUN = 12
_BREAK_AFTER = "/.-_?&=#:;,~%+@|\\"
_ADDRESS_SEGMENT = re.compile(rf"[^{re.escape(_BREAK_AFTER)}]*[{re.escape(_BREAK_AFTER)}]*")
# Runs of CJK text (bibcv.cjk) are wrapped in this command: themes define it.
CJK_COMMAND = r"\bibcvcjk"
# A formula is set between these (LaTeX's inline math); text never prints them, so a
# document that has them needs the preamble's math support (amsmath, amssymb).
MATH_OPEN, MATH_CLOSE = r"\(", r"\)"

_STYLE_COMMANDS = {"emph": r"\emph", "strong": r"\textbf", "sup": r"\textsuperscript",
                   "sub": r"\textsubscript", "smallcaps": r"\textsc"}
# Characters a URL may carry that TeX would read as syntax inside \href: percent-encoded,
# with the % itself escaped, since \href may sit inside another command's argument.
_URL_ESCAPES = {"%": r"\%", "#": r"\#", "\\": r"\%5C", "{": r"\%7B", "}": r"\%7D",
                "~": r"\%7E", "^": r"\%5E", "`": r"\%60", '"': r"\%22", "<": r"\%3C",
                ">": r"\%3E", "|": r"\%7C"}


def escape_text(text: str) -> Latex:
    """Escape plain text so that TeX prints every character as written."""
    paragraphs = PARAGRAPH_BREAK.split(text)
    return Latex("\n\n".join(_escape_paragraph(p) for p in paragraphs))


def _escape_paragraph(text: str) -> str:
    out = []
    for token in _SPACES.split(text):
        if not token or _SPACES.fullmatch(token):
            out.append(" " if token else "")
        elif len(token) > LONG_WORD:
            out.append(breakable(token))  # a URL or a pasted hash would run off the page
        else:
            out.append(_escape_word(token))
    return "".join(out)


def breakable(text: str) -> str:
    """Escape an address (URL, DOI, path) so TeX may break it after its punctuation.

    This is what xurl does for \\url, done here so the text stays safe inside any
    command's argument: a line may end after "/", ".", "-", "_", "?", "&", "=" and
    the like; a run of letters or digits longer than LONG_RUN may also break, but
    only when nothing better fits (a discouraging penalty).
    """
    pieces = []
    for segment in filter(None, _ADDRESS_SEGMENT.findall(text)):
        letters = segment.rstrip(_BREAK_AFTER)
        runs = [letters[i : i + LONG_RUN] for i in range(0, len(letters), LONG_RUN)]
        escaped = r"\penalty5000{}".join(_escape_word(run) for run in runs)
        pieces.append(escaped + _escape_word(segment[len(letters):]))
    return r"\allowbreak{}".join(pieces)


def _escape_word(word: str) -> str:
    out = []
    previous = ""
    in_cjk = False
    for char in word:
        if previous + char in _LIGATURE_PAIRS:
            out.append("{}")
        previous = char
        if is_cjk(char) != in_cjk:
            in_cjk = not in_cjk
            out.append(CJK_COMMAND + "{" if in_cjk else "}")
        if char in _SPECIALS:
            out.append(_SPECIALS[char])
        elif unicodedata.category(char) == "Cc":
            out.append(" ")
        else:
            out.append(char)
    if in_cjk:
        out.append("}")
    return "".join(out)


def escape_url(url: str) -> Latex:
    return Latex("".join(_URL_ESCAPES.get(char, char) for char in url))


def to_latex(rich: RichText) -> Latex:
    return Latex("".join(_node_to_latex(node) for node in rich.parts))


def _node_to_latex(node: Node) -> str:
    if isinstance(node, Text):
        return escape_text(node.value)
    children = link_label(node) if isinstance(node, Link) else node.children
    inner = "".join(_node_to_latex(child) for child in children)
    if isinstance(node, Math):
        return math_latex(node.source) or inner
    if isinstance(node, Styled):
        if node.style == "url":
            return "".join(breakable(child.value) if isinstance(child, Text)
                           else _node_to_latex(child) for child in node.children)
        return f"{_STYLE_COMMANDS[node.style]}{{{inner}}}"
    assert isinstance(node, Link)
    return f"\\href{{{escape_url(node.url)}}}{{{inner}}}"


def math_latex(source: str) -> str:
    """A formula in math mode when ``texmath`` knows all of it (its \\text escaped as
    text), else nothing: the caller prints the formula's readable text instead."""
    try:
        pieces = formula_pieces(source)
    except FormulaError:
        return ""
    tex = "".join(escape_text(piece.text) if isinstance(piece, TextArgument) else piece
                  for piece in pieces)
    return f"{MATH_OPEN}{tex}{MATH_CLOSE}" if tex.strip() else ""
