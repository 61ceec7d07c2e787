"""BibTeX field values as BibTeX reads them: strings, macros and ``#``.

bibtexparser hands over each value as written (``acm # { Press}``); this
module evaluates it the way BibTeX does, with @string macros defined earlier
in the file and the predefined month macros.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MONTH_MACROS = {name[:3].lower(): name for name in MONTH_NAMES}
_IDENTIFIER = re.compile(r"[^\s\"#%'(),={}]+")
_BRACE = re.compile(r"[{}]")
# In a .bib file a bare %, & or # means the character; LaTeX would read it as syntax.
BARE_SPECIAL = re.compile(r"(?<!\\)([%&#])")


class BibtexValueError(ValueError):
    """A value BibTeX could not read; the message says why."""


@dataclass
class Evaluated:
    text: str
    undefined_macros: list[str]


def evaluate(raw: str, macros: dict[str, str]) -> Evaluated:
    """Concatenate the parts of ``part # part # ...``; undefined macros expand to their name."""
    pieces: list[str] = []
    undefined: list[str] = []
    position = _skip_space(raw, 0)
    while position < len(raw):
        piece, position = _part(raw, position, macros, undefined)
        pieces.append(piece)
        position = _skip_space(raw, position)
        if position < len(raw):
            if raw[position] != "#":
                raise BibtexValueError(
                    f"expected '#' between parts of the value, found {raw[position:]!r}")
            position = _skip_space(raw, position + 1)
            if position >= len(raw):
                raise BibtexValueError("the value ends with '#'")
    return Evaluated("".join(pieces), undefined)


def _part(raw: str, start: int, macros: dict[str, str], undefined: list[str]) -> tuple[str, int]:
    opener = raw[start]
    if opener == "{":
        end = _closing_brace(raw, start)
        return raw[start + 1 : end], end + 1
    if opener == '"':
        end = _closing_quote(raw, start)
        return raw[start + 1 : end], end + 1
    match = _IDENTIFIER.match(raw, start)
    if not match:
        raise BibtexValueError(f"cannot read the value from {raw[start:]!r}")
    word = match.group()
    if word.isdigit():
        return word, match.end()
    name = word.lower()
    if name in macros:
        return macros[name], match.end()
    undefined.append(word)
    return word, match.end()


def _closing_brace(raw: str, start: int) -> int:
    depth = 0
    for brace in _BRACE.finditer(raw, start):
        depth += 1 if brace.group() == "{" else -1
        if depth == 0:
            return brace.start()
    raise BibtexValueError("unbalanced braces in the value")


def _closing_quote(raw: str, start: int) -> int:
    depth = 0
    for index in range(start + 1, len(raw)):
        char = raw[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            return index
    raise BibtexValueError("a quoted value has no closing '\"'")


def _skip_space(raw: str, position: int) -> int:
    while position < len(raw) and raw[position].isspace():
        position += 1
    return position


def month_number(text: str) -> int | None:
    """1-12 for 'jan', 'January', '1' or '01'; None when it is not a month."""
    text = text.strip().rstrip(".").lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    for number, name in enumerate(MONTH_NAMES, start=1):
        if len(text) >= 3 and name.lower().startswith(text):
            return number
    return None
