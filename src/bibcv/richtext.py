"""Format-neutral rich text, and the small Markdown subset users write it in.

Like pybtex's rich text, a value is formatted once as a tree of nodes and a
backend (LaTeX for the PDF, plain text for checks and messages) turns the
tree into output.  Nothing here knows about LaTeX.

The Markdown subset accepted in YAML values:
``*emphasis*``, ``**strong**``, ``^superscript^``, ``[label](url)`` and a
backslash before any of ``\\ * ^ [ ] ( )`` for the literal character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Union

from bibcv.errors import Origin

# "url": an address or identifier, printed as written and breakable after its punctuation.
# "sub" and "smallcaps" come from BibTeX fields (\textsubscript, \textsc) and CSL styles.
Style = Literal["emph", "strong", "sup", "sub", "smallcaps", "url"]
WEB_SCHEMES = ("http://", "https://")
ALLOWED_URL_SCHEMES = (*WEB_SCHEMES, "mailto:")


class MarkupError(ValueError):
    """Raised for text that cannot become rich text (e.g. a forbidden link)."""


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Styled:
    style: Style
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Link:
    url: str
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Math:
    """A formula from a BibTeX field (``$O(n \\log n)$``): ``source`` is its TeX, which the
    PDF sets in math mode when it is known math (``texmath``); ``children`` its readable
    Unicode rendering (*O*(*n* log *n*)), which every other output shows."""

    source: str
    children: tuple[Node, ...]


Node = Union[Text, Styled, Link, Math]  # noqa: UP007 -- a runtime alias needs Union on 3.10


@dataclass(frozen=True)
class RichText:
    """A sequence of nodes; the unit templates receive and backends render.

    ``origin`` says which input line the text came from, for error messages; it
    is not part of the text, so it takes no part in comparisons.
    """

    parts: tuple[Node, ...] = ()
    origin: Origin | None = field(default=None, compare=False)

    def __add__(self, other: RichText | str) -> RichText:
        return RichText(self.parts + as_rich(other).parts)

    def __radd__(self, other: str) -> RichText:
        return as_rich(other) + self

    def __bool__(self) -> bool:
        return bool(plain(self))

    def __str__(self) -> str:
        return plain(self)


def as_rich(value: RichText | str) -> RichText:
    if isinstance(value, RichText):
        return value
    return RichText((Text(value),)) if value else RichText()


# A blank line, as LaTeX reads it: what separates a text's paragraphs in every backend.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def split_paragraphs(rich: RichText) -> list[RichText]:
    """The text cut at its blank lines; one inside a style (*a\n\nb*) stays white space."""
    pieces: list[list[Node]] = [[]]
    for node in rich.parts:
        if not isinstance(node, Text):
            pieces[-1].append(node)
            continue
        first, *rest = PARAGRAPH_BREAK.split(node.value)
        pieces[-1].append(Text(first))
        pieces += [[Text(text)] for text in rest]
    return [RichText(tuple(piece)) for piece in pieces]


def styled(style: Style, content: RichText | str) -> RichText:
    return RichText((Styled(style, as_rich(content).parts),))


def link(url: str, content: RichText | str) -> RichText:
    return RichText((Link(check_url(url), as_rich(content).parts),))


def join(separator: RichText | str, items: Iterable[RichText | str]) -> RichText:
    """Join the items that are not empty, so a missing part leaves no stray separator."""
    result = RichText()
    for index, item in enumerate(item for item in items if item):
        result = result + (separator if index else "") + item
    return result


def check_url(url: str) -> str:
    """Accept only web and mail links: a CV has no business pointing at files or scripts."""
    url = url.strip()
    if not url.lower().startswith(ALLOWED_URL_SCHEMES):
        allowed = ", ".join(s.rstrip(":/") for s in ALLOWED_URL_SCHEMES)
        raise MarkupError(f"link target {url!r} is not allowed; use one of: {allowed}")
    if any(ch.isspace() for ch in url):
        raise MarkupError(f"link target {url!r} contains white space; write it as %20")
    return url


def is_web_address(url: str) -> bool:
    """An http(s) address with no white space: what a paper's url or pdf may link to."""
    return url.lower().startswith(WEB_SCHEMES) and not any(ch.isspace() for ch in url)


def plain(rich: RichText) -> str:
    """The text a reader sees, without styles or link targets."""
    return "".join(_plain_node(node) for node in rich.parts)


def _plain_node(node: Node) -> str:
    if isinstance(node, Text):
        return node.value
    return "".join(_plain_node(child) for child in node.children)


def link_label(node: Link) -> tuple[Node, ...]:
    """What a link shows: its label, or its address when the label is blank (``[ ](url)``).

    Every output shows the address then, so that the link can be seen and clicked: an
    empty ``<a>`` or ``\\href`` is invisible, and Markdown would have printed the address.
    """
    if plain(RichText(node.children)).strip():
        return node.children
    return (Styled("url", (Text(node.url),)),)


_MARKDOWN_TOKEN = re.compile(
    r"\\(?P<escaped>[\\*^\[\]()])"
    r"|\*\*(?P<strong>(?=\S).+?(?<=\S))\*\*"
    r"|(?<![\w*])\*(?P<emph>(?=\S)[^*]+?(?<=\S))\*(?![\w*])"
    r"|\^(?P<sup>[^^\s]+)\^"
    # A link's target may hold balanced parentheses, as CommonMark's may (Wikipedia's
    # Ada_(programming_language)); an unbalanced one is escaped, \( or \).
    r"|\[(?P<label>[^\]]+)\]\((?P<url>(?:\\.|\((?:\\.|[^()\s\\])*\)|[^)\s\\])*)\)"
)


# Unicode's control characters (category Cc) but tab, line feed and carriage return.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_characters(text: str) -> None:
    """Refuse control characters: they cannot be printed, and dropping them would lose data."""
    control = _CONTROL_CHARACTER.search(text)
    if control:
        raise MarkupError(f"the text contains the control character U+{ord(control.group()):04X}; "
                          "remove it (it is invisible and cannot be printed)")


def parse_markdown(source: str, origin: Origin | None = None) -> RichText:
    """Parse the inline Markdown subset; anything unrecognised stays literal text."""
    check_characters(source)
    parts: list[Node] = []
    position = 0
    for match in _MARKDOWN_TOKEN.finditer(source):
        if match.start() > position:
            parts.append(Text(source[position : match.start()]))
        parts.extend(_markdown_node(match).parts)
        position = match.end()
    if position < len(source):
        parts.append(Text(source[position:]))
    return RichText(_merge_text(parts), origin)


def _markdown_node(match: re.Match[str]) -> RichText:
    groups = match.groupdict()
    if groups["escaped"] is not None:
        return as_rich(groups["escaped"])
    for style in ("strong", "emph", "sup"):
        if groups[style] is not None:
            return styled(style, parse_markdown(groups[style]))  # type: ignore[arg-type]
    url = re.sub(r"\\(.)", r"\1", groups["url"])  # \) in a link target is a )
    return link(url, parse_markdown(groups["label"]))


def _merge_text(parts: list[Node]) -> tuple[Node, ...]:
    merged: list[Node] = []
    for part in parts:
        if isinstance(part, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].value + part.value)
        else:
            merged.append(part)
    return tuple(merged)
