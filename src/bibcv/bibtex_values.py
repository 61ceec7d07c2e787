"""What BibTeX values mean beyond their syntax: month macros, bare special characters."""

from __future__ import annotations

import re

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MONTH_MACROS = {name[:3].lower(): name for name in MONTH_NAMES}
# In a .bib file a bare %, & or # means the character; LaTeX would read it as syntax.
BARE_SPECIAL = re.compile(r"(?<!\\)([%&#])")


def month_number(text: str) -> int | None:
    """1-12 for 'jan', 'January', '1' or '01'; None when it is not a month."""
    text = text.strip().rstrip(".").lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    for number, name in enumerate(MONTH_NAMES, start=1):
        if len(text) >= 3 and name.lower().startswith(text):
            return number
    return None
