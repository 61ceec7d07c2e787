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

from bibcv.errors import BibcvError, BibcvErrors
from bibcv.yamlsource import LocatedDict, read_yaml

HEADER = ("# How often each paper is cited, by BibTeX key, from OpenAlex: written by\n"
          "# `bibcv cite-counts`. Builds read this file and never the network; run the\n"
          "# command again to refresh the counts.\n")
REWRITE = "write the file again with `bibcv cite-counts`"


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
    """The lock file, for a build: each problem is an error at its line, all at once."""
    data = read_yaml(path)
    problems = []
    written_date = data.get("fetched")
    try:
        fetched = datetime.date.fromisoformat(str(written_date))
    except ValueError:
        problems.append(BibcvError(
            "'fetched' must be the date the counts were fetched, as 2026-12-01"
            f"{'' if written_date is None else f', not {written_date!r}'}; {REWRITE}",
            data.origin_of("fetched")))
    written = data.get("counts")
    if not isinstance(written, LocatedDict):
        if written is not None:
            problems.append(BibcvError(f"'counts' must map BibTeX keys to numbers; {REWRITE}",
                                       data.origin_of("counts")))
        written = LocatedDict(data.origin)
    counts = {}
    for key, value in written.items():
        if isinstance(value, str) and value.isdigit():
            counts[key] = int(value)
        else:
            problems.append(BibcvError(f"the count of {key!r} must be a whole number, not "
                                       f"{value!r}; {REWRITE}", written.origin_of(key)))
    if problems:
        raise BibcvErrors(problems)
    return Counts(fetched, counts, str(data.get("source") or "OpenAlex"))


def h_index(counts: list[int]) -> int:
    """The largest h such that h papers are cited at least h times each."""
    ranked = sorted(counts, reverse=True)
    return sum(1 for rank, count in enumerate(ranked, start=1) if count >= rank)
