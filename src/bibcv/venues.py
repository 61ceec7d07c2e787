"""Venue abbreviations from a table kept in data (venues.yaml), never in code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bibcv.errors import BibcvError, BibcvErrors
from bibcv.yamlsource import read_yaml

DEFAULT_TABLE = Path(__file__).parent / "venues.yaml"
_TRAILING_ABBREVIATION = re.compile(r"\(([^()]{2,20})\)\s*$")


@dataclass(frozen=True)
class VenueTable:
    names: tuple[tuple[str, str], ...]  # (folded full name, abbreviation), longest first

    def abbreviate(self, venue: str) -> str:
        """The venue's abbreviation when one is known, else the venue as written."""
        return self.lookup(venue) or venue

    def lookup(self, venue: str, longest: int | None = None) -> str | None:
        """A trailing "(ABBR)" as written (if at most `longest` characters); else the
        table's short name; else None."""
        trailing = _TRAILING_ABBREVIATION.search(venue)
        if trailing and (longest is None or len(trailing.group(1).strip()) <= longest):
            return trailing.group(1).strip()
        folded = _fold(venue)
        return next((short for full, short in self.names if full in folded), None)


def load_venue_table(extra: Path | None = None) -> VenueTable:
    """bibcv's table, with the CV's own (``extra``) on top; every line of it that gives no
    short name is an error, all of them at once."""
    table: dict[str, str] = {}
    problems = []
    for path in (DEFAULT_TABLE, extra):
        if path is None:
            continue
        data = read_yaml(path)
        for full, short in data.items():
            if isinstance(short, str):
                table[_fold(full)] = short
            else:
                problems.append(BibcvError(
                    f"the venue {full!r} has no short name: write it after the colon, as "
                    f"text ({full}: ABBR)", data.origin_of(full)))
    if problems:
        raise BibcvErrors(problems)
    ordered = sorted(table.items(), key=lambda pair: -len(pair[0]))
    return VenueTable(tuple(ordered))


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())
