"""Venue abbreviations from a table kept in data (venues.yaml), never in code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bibcv.errors import BibcvError
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
    table: dict[str, str] = {}
    for path in (DEFAULT_TABLE, extra):
        if path is None:
            continue
        data = read_yaml(path)
        for full, short in data.items():
            if not isinstance(short, str):
                raise BibcvError("each venue maps a full name to a short name (text)",
                                 data.origin_of(full))
            table[_fold(full)] = short
    ordered = sorted(table.items(), key=lambda pair: -len(pair[0]))
    return VenueTable(tuple(ordered))


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())
