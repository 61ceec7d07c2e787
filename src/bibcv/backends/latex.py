"""The LaTeX backend: a Document to a .tex source, through the theme's Jinja2 templates.

Escaping happens in exactly one place: the Environment's ``finalize``, which
every ``<< value >>`` passes through.  Rich text goes through the LaTeX
backend, plain values are escaped, and only ``Latex`` values (made by the
backend, never by user data) pass as they are.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from bibcv.document import Document
from bibcv.errors import BibcvError, Origin
from bibcv.fonts import CJK_INSTALL_HINT, find_cjk_font
from bibcv.incremental import compiled_templates
from bibcv.latex import CJK_COMMAND, Latex, escape_text, to_latex
from bibcv.richtext import RichText
from bibcv.theme import Theme, theme_loader


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

    def locate(self, tex: str) -> None:
        """Find each printed value in the finished document, in order."""
        cursor = 0
        for latex, origin in self.printed:
            found = tex.find(latex, cursor)
            if found < 0:
                continue
            self._lines.append(tex.count("\n", 0, found) + 1)
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
    """The CV as a LaTeX document; a CJK font is looked up only when the text needs one."""
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
    }
    rendered = _render(document.theme, context)
    if CJK_COMMAND + "{" in rendered.source:
        context["cjk_font"] = find_cjk_font()
        if context["cjk_font"] is None:
            first = rendered.source_map.origin_of_text(CJK_COMMAND)
            raise BibcvError(f"this CV has Chinese, Japanese or Korean text but no font "
                             f"for it is installed; {CJK_INSTALL_HINT}", first)
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
    source_map.locate(source)
    return RenderedTex(source, source_map)


def _template_error(error: jinja2.TemplateError, theme: Theme) -> BibcvError:
    if isinstance(error, jinja2.TemplateSyntaxError):
        file = (SHARED_TEMPLATES / error.name.removeprefix("bibcv/")
                if error.name and error.name.startswith("bibcv/")
                else theme.template_file(error.name or theme.document))
        return BibcvError(f"template error: {error.message}", Origin(file, error.lineno))
    return BibcvError(f"template error: {error}", Origin(theme.template_file(theme.document)))
