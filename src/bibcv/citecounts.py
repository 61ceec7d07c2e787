"""Citation counts as a build reads them: the lock file `bibcv cite-counts` writes.

No network here: a build reads the counts the user committed, so "Cited by N"
and the h-index stay what they were on the day they were fetched (the "as of"
date the CV prints).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bibcv.errors import BibcvError, Origin

HEADER = ("# How often each paper is cited, by BibTeX key, from OpenAlex: written by\n"
          "# `bibcv cite-counts`. Builds read this file and never the network; run the\n"
          "# command again to refresh the counts.\n")


@dataclass
class Counts:
    fetched: datetime.date
    counts: dict[str, int] = field(default_factory=dict)  # by key
    source: str = "OpenAlex"

    def text(self) -> str:
        data = {"source": self.source, "fetched": self.fetched.isoformat(),
                "counts": dict(sorted(self.counts.items()))}
        return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)



def read_counts(path: Path) -> Counts:
    """The lock file, for a build: a missing or malformed file is an error at its line."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BibcvError("the citation counts file does not exist; write it with "
                         "`bibcv cite-counts`", Origin(path)) from None
    except yaml.YAMLError as error:
        raise BibcvError(f"cannot read the citation counts: {error}", Origin(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("counts") or {}, dict):
        raise BibcvError("not a citation counts file (it needs `fetched:` and `counts:`); "
                         "write it with `bibcv cite-counts`", Origin(path))
    try:
        fetched = datetime.date.fromisoformat(str(data.get("fetched")))
        counts = {str(key): int(value) for key, value in (data.get("counts") or {}).items()}
    except (TypeError, ValueError) as error:
        raise BibcvError(f"a date or count cannot be read ({error}); write the file again "
                         "with `bibcv cite-counts`", Origin(path)) from None
    return Counts(fetched, counts, str(data.get("source") or "OpenAlex"))


def h_index(counts: list[int]) -> int:
    """The largest h such that h papers are cited at least h times each."""
    ranked = sorted(counts, reverse=True)
    return sum(1 for rank, count in enumerate(ranked, start=1) if count >= rank)
