"""The Markdown backend: a Document to one GitHub-flavoured Markdown file.

Every section is rendered by its layout's kind (text, items, publications), so
a new theme gets Markdown without writing anything; a theme that wants a
layout to look different ships ``sections/<layout>.md.j2``.

Escaping happens in one place, ``to_markdown``: text from YAML or BibTeX is
backslash-escaped wherever CommonMark or GitHub's extensions could read it as
markup (emphasis, links, raw HTML, autolinks, tables, math, Liquid and Hugo
template tags), and links are the only markup a value can carry, limited to
http, https and mailto by ``richtext.check_url``.  No raw HTML is written:
superscripts become Unicode superscript letters where they exist.

``kramdown=True`` writes for kramdown instead (Jekyll's renderer, which the
academicpages export feeds): kramdown knows fewer backslash escapes than
CommonMark (``\\&`` and ``\\%`` print their backslash, so an ``&`` before an
entity is ``&amp;`` and a ``%`` after ``{`` is ``&#37;``), opens emphasis where
CommonMark would not (``Wang*, Li*``: every ``*`` of the text is escaped), turns
``--`` and ``>>`` into a dash and a guillemet, reads a line that starts with
``:`` as a definition, ``^`` alone on a line as the end of a block and ``[^`` as
a footnote (a ``^`` there is ``&#94;``), sees a link definition in ``[\\]:`` (a
``]`` of the text is ``&#93;``), and takes no escapes in a link target
(which it gets in ``<...>``, percent-encoded as browsers would).  Both flavours
are valid CommonMark.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import jinja2

from bibcv.document import Document, DocumentSection
from bibcv.errors import BibcvError, Origin
from bibcv.richtext import (
    Link,
    Math,
    Node,
    RichText,
    Styled,
    Text,
    as_rich,
    join,
    link_label,
    split_paragraphs,
    styled,
)
from bibcv.style import EQUAL_CONTRIBUTION_MARK, PublicationView
from bibcv.theme import FieldType, Theme


class Markdown(str):
    """Markdown that is trusted as it is: made by this backend, never by user data."""


# Always backslash-escaped: code spans, links, raw HTML and autolinks, strikethrough,
# math ($), tables, Liquid ({% %}, {{ }}) and Hugo shortcodes, and the backslash itself.
# (A % right after a { is escaped too: the two must never touch.)
_ALWAYS_ESCAPED = frozenset("\\`[]<~$|{}")
# An & that starts an entity reference (&amp; &#42;) would be decoded, not printed.
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# A list marker, block quote or setext underline where a line starts.
_LINE_START = re.compile(r"^(?:[-+>=]|(\d{1,9})[.)](?=\s|$))")
# What browsers percent-encode in an address: so written in a link target for kramdown.
_PERCENT_ENCODED = {char: f"%{ord(char):02X}" for char in "\\<>{}"}
_WHITE_SPACE = re.compile(r"\s+")
_STRONG, _EMPHASIS = "**", "*"
_SUPERSCRIPTS = dict(zip(
    "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ", strict=True))
_SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ",
                       strict=True))
_TokenKind = Literal["text", "markup", "open", "close"]


@dataclass(frozen=True)
class _Token:
    """One character of user text, or a piece of the markup bibcv writes.

    ``open`` and ``close`` are an emphasis span's delimiters, ``markup`` a link's
    brackets and target.  Text is escaped only once every token is in place.
    """

    text: str
    kind: _TokenKind = "text"
    in_link: bool = False

    @property
    def is_delimiter(self) -> bool:
        return self.kind in ("open", "close")

    @property
    def is_space(self) -> bool:
        return self.kind == "text" and self.text.isspace()


def to_markdown(rich: RichText, kramdown: bool = False) -> Markdown:
    """Inline Markdown for one value: white space collapsed, every special escaped.

    The value becomes a row of tokens (each character of its text, and the
    delimiters and brackets bibcv writes), and only then is each character
    escaped, by the characters that end up around it: a neighbour often comes
    from another node (a ``!`` that ends one span, then a link's ``[``), and
    a style Markdown cannot show joins its text to its neighbours'.
    """
    tokens = _stripped(_placed_spans(_tokens(_merged(rich.parts), kramdown=kramdown)))
    return Markdown(_escape_line_start(_written(tokens, kramdown), kramdown))


def paragraphs(rich: RichText, kramdown: bool = False) -> Markdown:
    """A text that may hold blank lines: one Markdown paragraph for each of its paragraphs."""
    return Markdown("\n\n".join(
        p for p in (to_markdown(part, kramdown) for part in split_paragraphs(rich)) if p))


def _merged(parts: Iterable[Node]) -> list[Node]:
    """Neighbours of the same style joined into one span (``**ab**``, not ``**a****b**``)."""
    merged: list[Node] = []
    for part in parts:
        previous = merged[-1] if merged else None
        if (isinstance(part, Styled) and isinstance(previous, Styled)
                and part.style == previous.style):
            merged[-1] = Styled(part.style, previous.children + part.children)
        else:
            merged.append(part)
    return merged


def _tokens(nodes: list[Node], in_emphasis: bool = False, in_link: bool = False,
            kramdown: bool = False) -> list[_Token]:
    """The nodes as tokens; a style inside another is dropped (``**a *b***`` reads oddly)."""
    tokens: list[_Token] = []
    for node in nodes:
        if isinstance(node, Text):
            tokens += _text_tokens(_WHITE_SPACE.sub(" ", node.value), in_link)
        elif isinstance(node, Link):
            tokens += _link_tokens(node, in_emphasis, kramdown)
        elif isinstance(node, Math):  # its Unicode rendering: Markdown has no TeX
            tokens += _tokens(_merged(node.children), in_emphasis, in_link, kramdown)
        elif node.style in ("sup", "sub"):
            tokens += _text_tokens(_script(node), in_link)
        elif node.style in ("url", "smallcaps") or in_emphasis:  # an address (or small
            # capitals, which Markdown has not), or a style in a style: as text
            tokens += _tokens(_merged(node.children), in_emphasis, in_link, kramdown)
        else:
            delimiter = _STRONG if node.style == "strong" else _EMPHASIS
            tokens += [_Token(delimiter, "open"),
                       *_tokens(_merged(node.children), True, in_link, kramdown),
                       _Token(delimiter, "close")]
    return tokens


def _text_tokens(text: str, in_link: bool) -> list[_Token]:
    return [_Token(char, in_link=in_link) for char in text]


def _link_tokens(node: Link, in_emphasis: bool, kramdown: bool) -> list[_Token]:
    """``[label](target)``, the label's outer spaces outside; a blank label shows the target."""
    label = _tokens(_merged(_unlinked(link_label(node))), in_emphasis, True, kramdown)
    inner = _stripped(label)
    lead = [_Token(" ")] if label[0].is_space else []
    trail = [_Token(" ")] if label[-1].is_space else []
    target = _kramdown_url(node.url) if kramdown else _escape_url(node.url)
    return [*lead, _Token("[", "markup"), *inner, _Token(f"]({target})", "markup"), *trail]


def _stripped(tokens: list[_Token]) -> list[_Token]:
    """The tokens without the spaces they start and end with."""
    start, end = 0, len(tokens)
    while start < end and tokens[start].is_space:
        start += 1
    while end > start and tokens[end - 1].is_space:
        end -= 1
    return tokens[start:end]


def _script(node: Styled) -> str:
    """Unicode superscript or subscript letters (1ˢᵗ, H₂O): no HTML; text without such
    letters stays plain."""
    letters = _SUPERSCRIPTS if node.style == "sup" else _SUBSCRIPTS
    text = str(RichText(node.children))
    if text and all(char in letters for char in text):
        return "".join(letters[char] for char in text)
    return text


def _unlinked(nodes: tuple[Node, ...]) -> list[Node]:
    """A link inside a link label keeps its text: Markdown has no nested links."""
    flat: list[Node] = []
    for node in nodes:
        if isinstance(node, Link):
            flat += _unlinked(node.children)
        elif isinstance(node, Styled):
            flat.append(Styled(node.style, tuple(_unlinked(node.children))))
        elif isinstance(node, Math):
            flat.append(Math(node.source, tuple(_unlinked(node.children))))
        else:
            flat.append(node)
    return flat


# ---- Emphasis: where CommonMark would read the delimiters as bibcv means them -------------


def _placed_spans(tokens: list[_Token]) -> list[_Token]:
    """Each span's delimiters moved inside its outer spaces; spans Markdown would misread, dropped.

    CommonMark opens emphasis only when the delimiter is not squeezed between a
    letter outside and punctuation inside (``x*(y)*`` stays literal), and two
    spans side by side would run their delimiters together (``*a***b**``): such
    rare spans lose their style rather than print stray asterisks.  Dropping one
    changes its neighbours' neighbours, so the check runs until nothing changes.
    """
    tokens = list(tokens)
    for opening, closing in _span_pairs(tokens):
        while opening + 1 < closing and tokens[opening + 1].is_space:
            tokens[opening], tokens[opening + 1] = tokens[opening + 1], tokens[opening]
            opening += 1
        while closing - 1 > opening and tokens[closing - 1].is_space:
            tokens[closing], tokens[closing - 1] = tokens[closing - 1], tokens[closing]
            closing -= 1
    while unreadable := [pair for pair in _span_pairs(tokens) if not _readable(tokens, *pair)]:
        opening, closing = unreadable[0]
        tokens = tokens[:opening] + tokens[opening + 1 : closing] + tokens[closing + 1 :]
    return tokens


def _span_pairs(tokens: list[_Token]) -> list[tuple[int, int]]:
    """Where each span opens and closes (spans never nest: see ``_tokens``)."""
    opening = [index for index, token in enumerate(tokens) if token.kind == "open"]
    closing = [index for index, token in enumerate(tokens) if token.kind == "close"]
    return list(zip(opening, closing, strict=True))


def _readable(tokens: list[_Token], opening: int, closing: int) -> bool:
    if closing == opening + 1:
        return False  # an empty span
    if opening and tokens[opening - 1].is_delimiter:
        return False  # right after another span
    before = tokens[opening - 1].text[-1] if opening else ""
    after = tokens[closing + 1].text[0] if closing + 1 < len(tokens) else ""
    return (not _squeezed(before, tokens[opening + 1].text[0])
            and not _squeezed(after, tokens[closing - 1].text[-1]))


def _squeezed(outside: str, inside: str) -> bool:
    """A delimiter between a letter outside and punctuation inside: it neither opens nor closes.

    (An escape puts a backslash, itself punctuation, before punctuation only, so
    the raw characters tell what CommonMark will see.)
    """
    return (_is_punctuation(inside) and outside != "" and not outside.isspace()
            and not _is_punctuation(outside))


def _is_punctuation(char: str) -> bool:
    """Punctuation as CommonMark (cmark-gfm) defines it: ASCII punctuation, Unicode P*."""
    return unicodedata.category(char).startswith("P") or (
        char.isascii() and not char.isalnum() and not char.isspace())


# ---- Escaping: each character by its neighbours in the joined row --------------------------


def _written(tokens: list[_Token], kramdown: bool) -> str:
    raw = "".join(token.text for token in tokens)
    is_markup = [False, *(token.kind != "text" for token in tokens), False]  # padded
    out: list[str] = []
    offset = 0
    in_span = False
    for index, token in enumerate(tokens):
        if token.kind != "text":
            in_span = token.kind == "open" or (in_span and token.kind != "close")
            out.append(token.text)
        elif token.text.isalnum() or token.text == " ":  # never escaped (most of a CV)
            out.append(token.text)
        else:
            beside_markup = is_markup[index] or is_markup[index + 2]
            escaped = _escaped(raw, offset, in_span or token.in_link, token.in_link,
                               beside_markup)
            out.append(_for_kramdown(raw, offset, escaped) if kramdown else escaped)
        offset += len(token.text)
    return "".join(out)


def _escaped(raw: str, index: int, in_span: bool, in_link: bool, beside_markup: bool) -> str:
    """The character at ``raw[index]``, backslash-escaped if its neighbours give it a meaning."""
    char = raw[index]
    before = raw[index - 1] if index else ""
    after = raw[index + 1 : index + 2]
    if char in _ALWAYS_ESCAPED or (char == "&" and _ENTITY.match(raw, index)):
        return "\\" + char
    if char == "*":
        stays = not in_span and not beside_markup and _cannot_open(before, after)
        return char if stays else "\\*"
    if char == "_":
        return char if before.isalnum() and after.isalnum() else "\\_"
    if char == "%":  # \{% would still open a Liquid tag
        return "\\%" if before == "{" else char
    if char == "#":
        return "\\#" if not before or before.isspace() else char
    if char == "!":  # ![...](...) would be an image
        return "\\!" if after == "[" else char
    if not in_link and _starts_autolink(raw, index):
        return "\\" + char
    return char


def _for_kramdown(raw: str, index: int, escaped: str) -> str:
    """A character escaped for CommonMark, made right for kramdown (see the module doc)."""
    char = raw[index]
    if escaped == "\\&":
        return "&amp;"
    if escaped == "\\%":
        return "&#37;"
    if char == "]":  # "[\\]:" where a line starts would be a link definition, escape or not
        return "&#93;"
    if char == "^" and raw[index - 1 : index] in ("", "["):  # an end of block, a footnote
        return "&#94;"
    beside = raw[index - 1 : index] + raw[index + 1 : index + 2]
    if char in "*>" or (char == "-" and "-" in beside):
        return "\\" + char
    return escaped


def _starts_autolink(text: str, index: int) -> bool:
    """The ``:`` of ``http://`` or ``xmpp:x`` and the ``.`` of ``www.``: GitHub would link them.

    Text prints as text, as in the PDF; an escaped ``:`` or ``.`` stops GitHub's
    autolinks, which would otherwise also swallow the escapes around them.
    (Bare e-mail addresses still become mailto: links, an allowed kind.)
    """
    char = text[index]
    if char == ":":
        return index > 0 and text[index - 1].isalpha() and text[index + 1 : index + 2].strip() != ""
    return char == "." and text[max(0, index - 3) : index].casefold() == "www"


def _cannot_open(before: str, after: str) -> bool:
    """A ``*`` that can close emphasis but never open it (``Wang*,``) may stay as it is.

    Every ``*`` that could open is escaped, so no emphasis can start in user text,
    and a closing one has nothing to close.  At either end of a text, and beside
    another ``*``, it is escaped.
    """
    if not before or not after or "*" in (before, after):
        return False
    return after.isspace() or (before.isalnum() and _is_punctuation(after))


def _escape_line_start(text: str, kramdown: bool) -> str:
    """Text that begins a line must not begin a list, a quote or a heading underline
    (nor, for kramdown, a definition)."""
    if kramdown and text.startswith(":"):
        return "\\" + text
    match = _LINE_START.match(text)
    if not match:
        return text
    if match.group(1):
        digits = match.group(1)
        return f"{digits}\\{text[len(digits):]}"
    return "\\" + text


def _escape_url(url: str) -> str:
    """A link target as CommonMark reads it back: exactly the URL, whatever it holds."""
    out = []
    for index, char in enumerate(url):
        if char in "\\()<>" or (char == "&" and _ENTITY.match(url, index)):
            out.append("\\" + char)
        else:  # braces encoded, as browsers send them: no {{ or {% for Liquid or Hugo
            out.append({"{": "%7B", "}": "%7D"}.get(char, char))
    return "".join(out)


def _kramdown_url(url: str) -> str:
    """A link target as kramdown reads it back (it takes no backslash escapes there): in
    ``<...>``, so that parentheses need none, with what browsers percent-encode encoded."""
    out = []
    for index, char in enumerate(url):
        if char == "&" and _ENTITY.match(url, index):
            out.append("&amp;")
        else:
            out.append(_PERCENT_ENCODED.get(char, char))
    return f"<{''.join(out)}>"


# ---- The document ---------------------------------------------------------------------


def render_markdown(document: Document) -> str:
    """The whole CV: the name as the title, the contact line, then each section."""
    blocks = [_heading(as_rich(document.name), "="), _contact(document)]
    templates = _TemplateSet(document.theme)
    for section in document.sections:
        if section.title:
            blocks.append(_heading(section.title, "-"))
        blocks.append(templates.section(section, document))
    if document.cv.last_updated:  # as the PDF and the web page end
        terms = document.terms
        blocks.append(to_markdown(as_rich(
            terms["last_updated"] + terms["colon"] + document.cv.last_updated)))
    text = "\n\n".join(block.strip("\n") for block in blocks if block.strip())
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def _heading(title: RichText, underline: str) -> str:
    """A setext heading (``=`` for the name, ``-`` for sections): no ``#`` to read as a word."""
    text = to_markdown(title)
    return f"{text}\n{underline * max(3, len(text))}"


def _contact(document: Document) -> str:
    colon = document.terms["colon"]  # ": ", or "：" with no space after it
    space = colon[len(colon.rstrip()):]
    items = [(f"{to_markdown(as_rich(item.label + colon.rstrip()))}{space}" if item.label else "")
             + to_markdown(item.text) for item in document.contact]
    return " · ".join(items)


def paper_mention(paper: PublicationView) -> RichText:
    """A paper named briefly, as research topics list them: ``NAME (VENUE’YY, Award)``."""
    details = paper.venue_short + (f"’{paper.year_short}" if paper.year_short else "")
    details = ", ".join(part for part in (details, paper.award) if part)
    return paper.short + (f" ({details})" if details else "")


def _publications(section: DocumentSection, terms: dict[str, str]) -> str:
    """One line per publication: its label as in the PDF ([1]), then the full citation.

    Sub-headings (a section's group_by) are third-level headings.
    """
    blocks = []
    if section.has_equal_contribution:
        blocks.append(to_markdown(as_rich(
            f"({EQUAL_CONTRIBUTION_MARK} {terms['equal_contribution']})")))
    if section.citation_summary:
        blocks.append(to_markdown(section.citation_summary))
    for group in section.groups:
        if group.heading:
            blocks.append(f"### {to_markdown(as_rich(group.heading))}")
        # A label is made by bibcv ("[1]", "[J3]"): no reference definition exists to
        # turn it into a link, since every [ in user text is escaped.
        blocks.append("\n".join(f"- {paper.label + ' ' if paper.label else ''}"
                                f"{to_markdown(paper.citation)}" for paper in group.publications))
    return "\n\n".join(blocks)


def _items(items: list[Any], fields: dict[str, FieldType], depth: int = 0) -> str:
    """Any items layout: one bullet per item, its text fields on one line, lists below it.

    The first text field is the item's lead and is set in bold when the item
    has more below it (bullets, papers, nested items); the other text fields
    follow, separated by a middle dot.
    """
    indent = "  " * depth
    lines = []
    for item in items:
        texts = [getattr(item, name, None) for name, kind in fields.items() if kind == "text"]
        texts = [as_rich(text) for text in texts if text]
        below = _below(item, fields, depth + 1)
        if texts and below:
            texts[0] = styled("strong", texts[0])
        line = to_markdown(join(" · ", texts))
        lines.append(f"{indent}- {line}".rstrip())
        lines += below
    return "\n".join(lines)


def _below(item: Any, fields: dict[str, FieldType], depth: int) -> list[str]:
    indent = "  " * depth
    lines: list[str] = []
    for name, kind in fields.items():
        value = getattr(item, name, None)
        if not value or kind == "text":
            continue
        if kind == "list":
            lines += [f"{indent}- {to_markdown(as_rich(entry))}" for entry in value]
        elif kind == "query":
            mentions = join(", ", [paper_mention(paper) for paper in value])
            lines.append(f"{indent}- {to_markdown(mentions)}")
        elif isinstance(kind, dict):
            lines.append(_items(value, kind, depth))
    return lines


# ---- Theme templates ------------------------------------------------------------------


def _finalize(value: Any) -> str:
    """The single escaping point for everything a theme's Markdown template prints."""
    if isinstance(value, Markdown):
        return value
    if isinstance(value, RichText):
        return to_markdown(value)
    if value is None:
        return ""
    return to_markdown(as_rich(str(value)))


def _style_filter(style: str) -> Callable[[Any], RichText]:
    return lambda value: styled(style, as_rich(value)) if value else RichText()  # type: ignore[arg-type]


class _TemplateSet:
    """A theme's ``sections/<layout>.md.j2`` where it has one, else the layout kind's default."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(list(theme.template_folders)),
            block_start_string="((*", block_end_string="*))",
            variable_start_string="<<", variable_end_string=">>",
            comment_start_string="((#", comment_end_string="#))",
            trim_blocks=True, lstrip_blocks=True, autoescape=False,
            undefined=jinja2.StrictUndefined, finalize=_finalize)
        self.environment.filters.update(
            strong=_style_filter("strong"), emph=_style_filter("emph"),
            mention=paper_mention, paragraphs=lambda value: paragraphs(as_rich(value)),
            join_rich=lambda values, separator: join(separator, values))

    def section(self, section: DocumentSection, document: Document) -> str:
        name = f"sections/{section.layout}.md.j2"
        if self.theme.template_file(name).is_file():
            return self._render(name, {"section": section, "terms": document.terms,
                                       "language": document.cv.language})
        layout = self.theme.layouts[section.layout]
        if layout.kind == "text":
            return paragraphs(section.text or RichText())
        if layout.kind == "publications":
            return _publications(section, document.terms)
        return _items(section.items, layout.fields)

    def _render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.environment.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as error:
            raise BibcvError(f"template error: {error.message}",
                             Origin(self.theme.template_file(name), error.lineno)) from None
        except jinja2.TemplateError as error:
            raise BibcvError(f"template error: {error}",
                             Origin(self.theme.template_file(name))) from None
        except (TypeError, AttributeError, ValueError, KeyError, IndexError) as error:
            raise BibcvError(f"the theme's templates failed: {type(error).__name__}: {error}",
                             Origin(self.theme.template_file(name))) from None
