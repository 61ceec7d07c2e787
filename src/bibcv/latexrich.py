"""The formatting inside BibTeX fields, kept: LaTeX to CSL's rich-text markup.

``\\emph{in vivo}``, ``H\\textsubscript{2}O``, ``\\textsc{SQL}`` and ``$O(n \\log n)$``
in a title are formatting the author chose; decoding them to plain text (as
``texdecode`` does for matching and sorting) would flatten them.  Here a field
becomes the small HTML-like markup CSL-JSON carries (``<i> <b> <sup> <sub>``,
small capitals, and ``<span class="nocase">`` for text that a style must not
change the case of, which is what braces mean in BibTeX: ``{DNA}``).  The same
markup is what citeproc-js writes back, so one reader (``csl.markup_to_rich``)
turns both into bibcv's rich text.  Text between the commands is decoded by
``texdecode`` as everywhere else.

A formula that ``texmath`` accepts travels in the markup with its TeX source, so that
the PDF can set it as math: invisible Private Use Area characters, ``FORMULA_START``,
the source's UTF-8 bytes each as U+E100 + byte, ``FORMULA_TEXT``, then the formula's
readable markup and ``FORMULA_END``, all inside its nocase span.  citeproc-js passes
characters it has no rules for through untouched (no case, no quotes, no punctuation),
whatever the style does around them (title case, flip-flopped italics), so
``csl.markup_to_rich`` finds the same marks in its output and rebuilds the formula
around what citeproc-js rendered.  A formula ``texmath`` refuses is only its readable
text, and ``formula_problems`` says why, for a warning.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

from bibcv.texdecode import QUOTE_CLOSE, QUOTE_COMMANDS, QUOTE_OPEN, decode_latex, decode_marked
from bibcv.texmath import FormulaError, formula_pieces

SMALL_CAPS = '<span style="font-variant:small-caps;">'
NO_CASE = '<span class="nocase">'
# Commands with one argument, and the declarations ({\em …}), that are formatting.
_COMMANDS = {"emph": "<i>", "textit": "<i>", "textsl": "<i>", "textbf": "<b>",
             "textsc": SMALL_CAPS, "textsuperscript": "<sup>", "textsubscript": "<sub>",
             "mkbibemph": "<i>", "mkbibitalic": "<i>", "mkbibbold": "<b>",  # biblatex's
             "mkbibsuperscript": "<sup>",
             **dict.fromkeys(QUOTE_COMMANDS, QUOTE_OPEN)}  # \\enquote: texdecode's marks
_DECLARATIONS = {"em": "<i>", "it": "<i>", "itshape": "<i>", "sl": "<i>", "bf": "<b>",
                 "bfseries": "<b>", "sc": SMALL_CAPS, "scshape": SMALL_CAPS}
_CLOSE = {"<i>": "</i>", "<b>": "</b>", "<sup>": "</sup>", "<sub>": "</sub>",
          SMALL_CAPS: "</span>", NO_CASE: "</span>", QUOTE_OPEN: QUOTE_CLOSE}
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)\*?\s*")  # \\enquote*{…} too
_MARKUP_CHARACTERS = re.compile(r"[\\{}$]")
# (csl.py's stand-in for "<" is U+E001: none of these.)
FORMULA_START, FORMULA_TEXT, FORMULA_END = "\ue010", "\ue011", "\ue012"
FORMULA_MARK = re.compile("\ue010[\ue100-\ue1ff]*\ue011|\ue012")
_BYTE = 0xE100


def latex_markup(raw: str) -> str:
    """A BibTeX field's LaTeX as CSL markup; text is escaped for it (``&`` is ``&amp;``)."""
    return _converted(raw)[0]


def formula_problems(raw: str) -> tuple[tuple[str, str], ...]:
    """Each formula of a field that is not set as math, written as in the field ($…$),
    with the reason."""
    return _converted(raw)[1]


@cache
def _converted(raw: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    if not _MARKUP_CHARACTERS.search(raw):
        return escape(decode_latex(raw), quote=False), ()
    converter = _Converter(raw)
    return converter.convert(0, len(raw), top=True).strip(), tuple(converter.problems)


def formula_source(mark: str) -> str:
    """The TeX a FORMULA_START mark carries."""
    return bytes(ord(char) - _BYTE for char in mark[1:-1]).decode("utf-8", errors="replace")


def _formula(source: str, readable: str) -> str:
    encoded = "".join(chr(_BYTE + byte) for byte in source.encode("utf-8"))
    return f"{FORMULA_START}{encoded}{FORMULA_TEXT}{readable}{FORMULA_END}"


# Inline math as it is set: letters (variables) in italic, operator names (\\log), digits
# and signs upright, ^ and _ as superscripts and subscripts, a hyphen as a minus sign.
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\[,;:! ]|[\^_](?:\{[^{}$]*\}|[^{}\\$])|[A-Za-z]"
                         r"|[0-9+\-=<>()\[\].,;:!/|'* ]")


def math_markup(source: str) -> str:
    """A formula as markup that every output shows as math is set: ``$O(n \\log n)$`` is
    *O*(*n* log *n*), ``$x^2$`` is *x*², with the symbols of ``texdecode``.  A formula
    with anything else (fractions, braces, environments) is its decoded text."""
    tokens = _MATH_TOKEN.findall(source)
    if "".join(tokens) != source:
        return escape(decode_latex(f"${source}$"), quote=False)
    out = []
    for token in tokens:
        if token[0] in "^_":
            tag = "sup" if token[0] == "^" else "sub"
            out.append(f"<{tag}>{math_markup(token[1:].strip('{}'))}</{tag}>")
        elif token.startswith("\\"):
            out.append(escape(decode_latex(f"${token}$") if token[1:].isalpha() else " ",
                              quote=False))
        elif token.isalpha():
            out.append(f"<i>{token}</i>")
        else:
            out.append(escape(token.replace("-", "\u2212"), quote=False))
    return re.sub(" {2,}", " ", "".join(out)).strip()


class _Converter:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.problems: list[tuple[str, str]] = []

    def convert(self, start: int, end: int, top: bool = False) -> str:
        """The markup of raw[start:end]; braces at the top level protect case."""
        out: list[str] = []
        text_start = position = start
        while position < end:
            char = self.raw[position]
            command = _CONTROL_WORD.match(self.raw, position) if char == "\\" else None
            if command and command.group(1) in _COMMANDS and self._brace_at(command.end()):
                close = self._matching(command.end())
                out.append(self._text(text_start, position))
                out.append(self._wrap(_COMMANDS[command.group(1)], command.end() + 1, close))
                position = text_start = close + 1
            elif char == "$":
                delimiter = "$$" if self.raw.startswith("$$", position) else "$"
                close = _unescaped(self.raw, delimiter, position + len(delimiter))
                if close == -1 or close >= end:
                    position += 1
                    continue
                out.append(self._text(text_start, position))
                out.append(self._math(self.raw[position + len(delimiter):close], delimiter))
                position = text_start = close + len(delimiter)
            elif char == "{" and not self._after_command(position):
                close = self._matching(position)
                declaration = _CONTROL_WORD.match(self.raw, position + 1)
                out.append(self._text(text_start, position))
                if declaration and declaration.group(1) in _DECLARATIONS:
                    out.append(self._wrap(_DECLARATIONS[declaration.group(1)],
                                          declaration.end(), close))
                elif top and self.raw[position + 1:position + 2] != "\\":
                    out.append(self._wrap(NO_CASE, position + 1, close))
                else:  # a special character {\'E}, or braces inside braces: just text
                    out.append(self.convert(position + 1, close))
                position = text_start = close + 1
            elif char == "\\":
                position = self._skip_command(position)
            else:
                position += 1
        out.append(self._text(text_start, end))
        return "".join(out)

    def _math(self, source: str, delimiter: str) -> str:
        """A formula in its nocase span: with its source when it is set as math, else as
        text (as written, when it has commands bibcv does not know), its problem noted."""
        if not source.strip():
            return ""
        written = f"{delimiter}{source}{delimiter}"
        try:
            if delimiter == "$$":
                raise FormulaError("it is display math ($$…$$), which does not fit in the "
                                   "line of a reference; write $…$")
            formula_pieces(source)
        except FormulaError as error:
            self.problems.append((written, str(error)))
            shown = escape(source, quote=False) if error.command else math_markup(source)
            return f"{NO_CASE}{shown}</span>"
        return f"{NO_CASE}{_formula(source, math_markup(source))}</span>"

    def _wrap(self, opening: str, start: int, end: int) -> str:
        inner = self.convert(start, end)
        return f"{opening}{inner}{_CLOSE[opening]}" if inner.strip() else inner

    def _text(self, start: int, end: int) -> str:
        """Decoded text, keeping one space where the LaTeX had space at either end."""
        source = self.raw[start:end]
        if not source:
            return ""
        decoded = escape(decode_marked(source).strip(" \t\n"), quote=False)
        lead = " " if source[:1].isspace() and decoded else ""
        trail = " " if source[-1:].isspace() else ""
        return f"{lead}{decoded}{trail}" if decoded else trail or lead

    def _brace_at(self, position: int) -> bool:
        return self.raw[position:position + 1] == "{"

    def _after_command(self, position: int) -> bool:
        """A brace that is a command's argument (\\"{u}, \\url{…}): part of that command."""
        before = self.raw[:position].rstrip(" ")
        return bool(re.search(r"\\(?:[A-Za-z]+|[^A-Za-z\s])$", before))

    def _matching(self, position: int) -> int:
        depth = 0
        for index in range(position, len(self.raw)):
            char = self.raw[index]
            if char == "\\":
                continue
            if char == "{" and self.raw[index - 1:index] != "\\":
                depth += 1
            elif char == "}" and self.raw[index - 1:index] != "\\":
                depth -= 1
                if depth == 0:
                    return index
        return len(self.raw)

    def _skip_command(self, position: int) -> int:
        """Past a command and the brace groups right after it (its arguments)."""
        word = _CONTROL_WORD.match(self.raw, position)
        position = word.end() if word else position + 2
        while self._brace_at(position):
            position = self._matching(position) + 1
        return position


def _unescaped(raw: str, delimiter: str, start: int) -> int:
    """Where delimiter next occurs from start, not written as \\$."""
    found = raw.find(delimiter, start)
    while found > 0 and raw[found - 1] == "\\" and not raw[:found].endswith("\\\\"):
        found = raw.find(delimiter, found + 1)
    return found
