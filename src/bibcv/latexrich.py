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
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

from bibcv.texdecode import decode_latex

SMALL_CAPS = '<span style="font-variant:small-caps;">'
NO_CASE = '<span class="nocase">'
# Commands with one argument, and the declarations ({\em …}), that are formatting.
_COMMANDS = {"emph": "<i>", "textit": "<i>", "textsl": "<i>", "textbf": "<b>",
             "textsc": SMALL_CAPS, "textsuperscript": "<sup>", "textsubscript": "<sub>"}
_DECLARATIONS = {"em": "<i>", "it": "<i>", "itshape": "<i>", "sl": "<i>", "bf": "<b>",
                 "bfseries": "<b>", "sc": SMALL_CAPS, "scshape": SMALL_CAPS}
_CLOSE = {"<i>": "</i>", "<b>": "</b>", "<sup>": "</sup>", "<sub>": "</sub>",
          SMALL_CAPS: "</span>", NO_CASE: "</span>"}
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)\s*")
_MARKUP_CHARACTERS = re.compile(r"[\\{}$]")


@cache
def latex_markup(raw: str) -> str:
    """A BibTeX field's LaTeX as CSL markup; text is escaped for it (``&`` is ``&amp;``)."""
    if not _MARKUP_CHARACTERS.search(raw):
        return escape(decode_latex(raw), quote=False)
    return _Converter(raw).convert(0, len(raw), top=True).strip()


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
                close = self.raw.find("$", position + 1)
                if close == -1 or close >= end:
                    position += 1
                    continue
                out.append(self._text(text_start, position))
                out.append(f"{NO_CASE}{math_markup(self.raw[position + 1:close])}</span>")
                position = text_start = close + 1
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

    def _wrap(self, opening: str, start: int, end: int) -> str:
        inner = self.convert(start, end)
        return f"{opening}{inner}{_CLOSE[opening]}" if inner.strip() else inner

    def _text(self, start: int, end: int) -> str:
        """Decoded text, keeping one space where the LaTeX had space at either end."""
        source = self.raw[start:end]
        if not source:
            return ""
        decoded = escape(decode_latex(source).strip(" \t\n"), quote=False)
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
