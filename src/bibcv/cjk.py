"""Chinese, Japanese and Korean characters: which they are, for fonts and name order."""

from __future__ import annotations

import re
from functools import cache

# Ideographs, kana, Hangul, CJK punctuation and full-width forms.
CJK_RANGES = (
    (0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3100, 0x31FF), (0x3200, 0x9FFF),
    (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
    (0x20000, 0x3134F),
)

# The languages written in them, as BCP 47 primary subtags.
CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})

# Han, kana and CJK punctuation: scripts written without spaces between words (not Hangul).
_UNSPACED = "".join(f"{chr(first)}-{chr(last)}" for first, last in CJK_RANGES if first != 0xAC00)


@cache
def _space_between() -> re.Pattern[str]:
    """White space within a paragraph between two such characters: a folded YAML line's
    end.  Compiled when first needed: it takes milliseconds, and most CVs are ASCII."""
    return re.compile(f"(?<=[{_UNSPACED}])[ \t\r]*\n?[ \t\r]*(?=[{_UNSPACED}])")


def join_unspaced_lines(text: str) -> str:
    """Drop the space a line break leaves between two Chinese or Japanese characters
    (YAML folds "…性能、⏎可扩展性" into "性能、 可扩展性"; Chinese has no such space)."""
    return text if text.isascii() else _space_between().sub("", text)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(start <= code <= end for start, end in CJK_RANGES)


def all_cjk(text: str) -> bool:
    """Text of CJK characters only (white space aside), e.g. a name written 陈卓夫."""
    letters = "".join(text.split())
    return bool(letters) and all(is_cjk(char) for char in letters)
