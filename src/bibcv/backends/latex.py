"""The LaTeX backend: a Document to a .tex source, through the theme's Jinja2 templates.

Escaping happens in exactly one place: the Environment's ``finalize``, which
every ``<< value >>`` passes through.  Rich text goes through the LaTeX
backend, plain values are escaped, and only ``Latex`` values (made by the
backend, never by user data) pass as they are.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from bibcv.document import Document
from bibcv.errors import BibcvError, Origin
from bibcv.fonts import CJK_INSTALL_HINT, PREFERRED_CJK_FONTS, find_cjk_font
from bibcv.incremental import compiled_templates
from bibcv.latex import CJK_COMMAND, MATH_OPEN, Latex, escape_text, to_latex
from bibcv.richtext import RichText
from bibcv.theme import Theme, theme_loader

# TeX reads a line into a buffer of 200,000 characters and stops at a longer one; the
# generated source keeps its lines far shorter (see ``wrap_long_lines``).
TEX_LINE_LIMIT = 4000
_SPACE_BREAK = re.compile(r"(?<=[^ \t\\]) (?=[^ \t])")  # one space between two words
_CONTROL_WORD = re.compile(r"\\[A-Za-z@_:]+")  # @ after \makeatletter; _ and : in expl3
_LINK_ARGUMENT = re.compile(r"\\(?:href|url|nolinkurl)\{[^{}]*\}")  # read with other catcodes
_COMMENT = re.compile(r"(?<!\\)(?:\\\\)*%")


class SourceMap:
    """Which input line produced which part of the .tex, to trace TeX's complaints back.

    It is the Environment's finalize: every printed value passes through it in
    output order, so each value with an origin can be found in the result.
    """

    def __init__(self) -> None:
        self.printed: list[tuple[str, Origin]] = []
        self._lines: list[int] = []
        self._origins: list[Origin] = []

    def finalize(self, value: Any) -> str:
        latex = to_tex(value)
        origin = getattr(value, "origin", None)
        if origin is not None and latex:
            self.printed.append((latex, origin))
        return latex

    def locate(self, tex: str, breaks: Sequence[int] = ()) -> None:
        """Find each printed value in the finished document, in order.

        breaks are the offsets in tex where ``wrap_long_lines`` started a new line.
        Lines are counted from the previous value on, so that a CV of thousands of
        values costs one pass over the text, not one per value.
        """
        cursor, line = 0, 1
        for latex, origin in self.printed:
            found = tex.find(latex, cursor)
            if found < 0:
                continue
            line += tex.count("\n", cursor, found)
            self._lines.append(line + bisect.bisect_right(breaks, found))
            self._origins.append(origin)
            cursor = found

    def origin_at(self, line: int) -> Origin | None:
        """The input that produced the last value printed at or before a .tex line."""
        index = bisect.bisect_right(self._lines, line) - 1
        return self._origins[index] if index >= 0 else None

    def origin_of_text(self, text: str) -> Origin | None:
        """The first input whose printed value contains the text."""
        return next((origin for latex, origin in self.printed if text in latex), None)


SHARED_TEMPLATES = Path(__file__).parent / "latex_templates"  # bibcv/design.tex.j2, ...
# design.page_size as geometry names it.
PAPER = {"a4": "a4paper", "a5": "a5paper", "b5": "b5paper", "letter": "letterpaper",
         "legal": "legalpaper", "us-executive": "executivepaper"}


def latex_environment(theme: Theme, finalize: Callable[[Any], str]) -> jinja2.Environment:
    """Jinja2 set up for LaTeX: delimiters that do not clash with TeX, and no silent blanks.

    finalize must escape (see ``to_tex``); HTML autoescaping would be wrong for TeX.
    """
    return jinja2.Environment(
        loader=theme_loader(theme, SHARED_TEMPLATES),
        block_start_string="((*",
        block_end_string="*))",
        variable_start_string="<<",
        variable_end_string=">>",
        comment_start_string="((#",
        comment_end_string="#))",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        bytecode_cache=compiled_templates(),
    )


def to_tex(value: Any) -> str:
    """The single escaping point for everything a template prints."""
    if isinstance(value, Latex):
        return value
    if isinstance(value, RichText):
        return to_latex(value)
    if value is None:
        return ""
    return escape_text(str(value))


@dataclass
class RenderedTex:
    source: str
    source_map: SourceMap


def render_tex(document: Document) -> RenderedTex:
    """The CV as a LaTeX document; a CJK font is looked up, and math support loaded, only
    when the text needs them (a CV without either keeps its preamble as it was).

    A CV in Chinese, Japanese or Korean (its locale says ``cjk``) is set with xeCJK, in
    the locale's preferred font: CJK line breaking and punctuation, spacing between CJK
    and Latin text.  Other CVs set the odd CJK run in a CJK font, wrapped by the theme.
    """
    locale = document.cv.locale
    cjk_language = locale is not None and locale.cjk
    context = {
        "person": {"name": document.name, "contact": document.contact},
        "sections": document.sections,
        "terms": document.terms,
        "language": document.cv.language,
        "last_updated": document.cv.last_updated,
        "design": document.cv.design,
        "paper": PAPER[document.cv.design.page_size],
        "photo": document.photo,
        "cjk_font": None,
        "cjk_language": cjk_language,
        "math": False,
    }
    rendered = _render(document.theme, context)
    context["math"] = MATH_OPEN in rendered.source
    if CJK_COMMAND + "{" in rendered.source:
        wanted = (locale.fontconfig_lang, locale.cjk_fonts) if locale and cjk_language \
            else ("zh", PREFERRED_CJK_FONTS)
        context["cjk_font"] = find_cjk_font(*wanted)
        if context["cjk_font"] is None:
            # The first CJK text with a line, else the CV (a name, a word of its language).
            first = rendered.source_map.origin_of_text(CJK_COMMAND) or Origin(document.cv.source)
            raise BibcvError(f"this CV has Chinese, Japanese or Korean text but no font "
                             f"for it is installed (looked for {', '.join(wanted[1])} with "
                             f"fontconfig's fc-list :lang={wanted[0]}); {CJK_INSTALL_HINT}",
                             first)
    if context["math"] or context["cjk_font"]:
        rendered = _render(document.theme, context)
    return rendered


def _render(theme: Theme, context: dict[str, Any]) -> RenderedTex:
    source_map = SourceMap()
    try:
        template = latex_environment(theme, source_map.finalize).get_template(theme.document)
        source = template.render(context)
    except jinja2.TemplateError as error:
        raise _template_error(error, theme) from None
    except (TypeError, AttributeError, ValueError, KeyError, IndexError) as error:
        # A theme's template met data it did not expect: name the template, not Python.
        raise BibcvError(f"the theme's templates failed: {type(error).__name__}: {error}",
                         Origin(theme.template_file(theme.document))) from None
    wrapped, breaks = wrap_long_lines(source)
    source_map.locate(source, breaks)
    return RenderedTex(wrapped, source_map)


def _template_error(error: jinja2.TemplateError, theme: Theme) -> BibcvError:
    if isinstance(error, jinja2.TemplateSyntaxError):
        file = (SHARED_TEMPLATES / error.name.removeprefix("bibcv/")
                if error.name and error.name.startswith("bibcv/")
                else theme.template_file(error.name or theme.document))
        return BibcvError(f"template error: {error.message}", Origin(file, error.lineno))
    return BibcvError(f"template error: {error}", Origin(theme.template_file(theme.document)))


def wrap_long_lines(tex: str, width: int = TEX_LINE_LIMIT) -> tuple[str, list[int]]:
    """Break each line longer than width where TeX reads the break as what was there.

    A 1 MB title or an 8,000-author entry would otherwise make one line longer
    than TeX's buffer. A space between two words becomes a line end (TeX reads
    either as one space); a long run with no such space is cut with ``%`` and a
    line end, which TeX skips, but never inside a control word or a link's
    address, nor after a comment has begun. Returns the text and the offsets
    in the original text where new lines begin, for the source map.
    """
    out: list[str] = []
    breaks: list[int] = []
    offset = 0
    for line in tex.split("\n"):
        out.append(_LineWrapper(line, offset, breaks).wrap(width) if len(line) > width else line)
        offset += len(line) + 1
    return "\n".join(out), breaks


class _LineWrapper:
    """One long line, and where it may be broken."""

    def __init__(self, line: str, offset: int, breaks: list[int]) -> None:
        self.line, self.offset, self.breaks = line, offset, breaks
        comment = _COMMENT.search(line)
        self.end = comment.start() if comment else len(line)
        self.links = _Spans(_LINK_ARGUMENT.finditer(line, 0, self.end))
        self.commands = _Spans(_CONTROL_WORD.finditer(line, 0, self.end))

    def wrap(self, width: int) -> str:
        line, pieces, start = self.line, [], 0
        while len(line) - start > width:
            found = self._break_near(start, min(start + width, self.end))
            if found is None:
                break
            position, at_space = found
            pieces.append(line[start:position] + ("\n" if at_space else "%\n"))
            start = position + 1 if at_space else position
            self.breaks.append(self.offset + position)
        pieces.append(line[start:])
        return "".join(pieces)

    def _break_near(self, start: int, limit: int) -> tuple[int, bool] | None:
        """The last break in (start, limit], else the first after it: (position, at a space)."""
        for space in reversed(list(_SPACE_BREAK.finditer(self.line, start + 1, limit))):
            if not self.links.around(space.start()):
                return space.start(), True
        for position in range(limit, start, -1):
            if self._may_cut(position):
                return position, False
        for position in range(limit + 1, self.end):
            if _SPACE_BREAK.match(self.line, position) and not self.links.around(position):
                return position, True
            if self._may_cut(position):
                return position, False
        return None

    def _may_cut(self, position: int) -> bool:
        """Whether ``%`` and a line end may go before the character at position."""
        return (self.line[position] not in " \t" and self.line[position - 1] not in " \t\\"
                and not self.commands.around(position) and not self.links.around(position))


class _Spans:
    """Stretches of a line, sorted and not overlapping: is a position inside one?"""

    def __init__(self, matches: Iterator[re.Match[str]]) -> None:
        spans = [match.span() for match in matches]
        self.starts = [begin for begin, _ in spans]
        self.ends = [finish for _, finish in spans]

    def around(self, position: int) -> bool:
        index = bisect.bisect_left(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]
