"""`bibcv cite-counts`: how often each paper is cited, from OpenAlex, into a small lock file.

The file (``bib/citations.yaml``) holds the counts by BibTeX key and the day
they were fetched; the user commits it, and builds read it and nothing else,
so a CV's "Cited by N" and h-index stay the same until the counts are fetched
again.  Papers are found by DOI (fifty to a request) and, without one, by
title: a search whose result must have the same normalised title (and, when
both say, a year at most one apart).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from bibcv.bibliography import Publication, normalised_title
from bibcv.citecounts import Counts
from bibcv.fetch.http import Http
from bibcv.fetch.records import doi_of, normalise_doi, title_of
from bibcv.fetch.sources import openalex_works

DOIS_PER_REQUEST = 50
SELECT = "id,doi,title,publication_year,cited_by_count"


@dataclass
class Fetched:
    counts: Counts
    not_found: list[Publication] = field(default_factory=list)


def fetch_counts(entries: list[Publication], http: Http, today: datetime.date) -> Fetched:
    result = Fetched(Counts(today))
    by_doi: dict[str, list[Publication]] = {}
    for entry in entries:
        if doi := doi_of(entry):
            by_doi.setdefault(doi, []).append(entry)
    dois = list(by_doi)
    for start in range(0, len(dois), DOIS_PER_REQUEST):
        chunk = dois[start:start + DOIS_PER_REQUEST]
        for work in _works(http, {"filter": "doi:" + "|".join(chunk),
                                  "per-page": str(DOIS_PER_REQUEST)}):
            for entry in by_doi.get(doi_of_work(work), []):
                result.counts.counts[entry.key] = int(work.get("cited_by_count") or 0)
    for entry in entries:
        if entry.key in result.counts.counts:
            continue
        found = None if doi_of(entry) else _by_title(http, entry)
        if found is None:
            result.not_found.append(entry)
        else:
            result.counts.counts[entry.key] = int(found.get("cited_by_count") or 0)
    return result


def doi_of_work(work: dict) -> str:
    return normalise_doi(str(work.get("doi") or ""))


def _by_title(http: Http, entry: Publication) -> dict | None:
    title = title_of(entry)
    if not title:
        return None
    words = entry.text("title").replace(",", " ").replace("|", " ")
    for work in _works(http, {"filter": f"title.search:{' '.join(words.split())}",
                              "per-page": "5"}):
        same_year = (entry.year is None or not work.get("publication_year")
                     or abs(int(work["publication_year"]) - entry.year) <= 1)
        if normalised_title(str(work.get("title") or "")) == title and same_year:
            return work
    return None


def _works(http: Http, params: dict[str, str]) -> list[dict]:
    results = openalex_works(http, {**params, "select": SELECT}).get("results")
    return [work for work in results or [] if isinstance(work, dict)]
