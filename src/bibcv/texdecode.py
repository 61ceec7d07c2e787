"""LaTeX-encoded BibTeX values to Unicode text.

Decoding costs about a millisecond a value, so it is done only for what is
rendered, and each distinct value is decoded once.
"""

from __future__ import annotations

import re
from functools import cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from bibcv.bibtex_values import BARE_SPECIAL


@cache
def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.add_context_category(
        "bibcv", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")]
    )
    return LatexNodes2Text(latex_context=context, math_mode="text", keep_braced_groups=False)


_COMMAND = re.compile(r"\\[a-zA-Z]+\*?|\\(?=[{}])")
_HREF_TARGET = re.compile(r"\\href\s*\{[^{}]*\}")  # \href{url}{text} reads as its text


@cache
def decode_latex(value: str) -> str:
    """Unicode text for a BibTeX value: braces dropped, math as text ($\\alpha$ -> α)."""
    if not any(char in value for char in "\\{}$~-"):
        return value
    escaped = BARE_SPECIAL.sub(r"\\\1", _HREF_TARGET.sub("", value))  # bare %&# are characters
    try:
        return _decoder().latex_to_text(escaped).strip()
    except Exception:  # pylatexenc fails on some macros: keep the words, drop the commands
        return " ".join(_COMMAND.sub("", value).replace("{", "").replace("}", "").split())
