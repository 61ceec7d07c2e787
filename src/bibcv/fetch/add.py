"""`bibcv add`: one paper by DOI, arXiv id or their URLs, as a clean entry in a .bib file.

A DOI is asked of doi.org by content negotiation (BibTeX, which Crossref and
DataCite both answer; CSL-JSON when BibTeX is refused); an arXiv id of arXiv's
API, and when arXiv knows the published DOI, the published version is fetched
and the arXiv id added to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from bibcv.bibliography import Publication
from bibcv.errors import BibcvError
from bibcv.fetch.bibfile import BibFile, Index
from bibcv.fetch.http import FetchError, Http, service_url
from bibcv.fetch.records import (
    add_arxiv_id,
    from_arxiv_atom,
    from_bibtex,
    from_csl,
    make_key,
)

_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV = re.compile(r"^(?:arxiv:\s*|https?://arxiv\.org/(?:abs|pdf)/)?"
                    r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?$",
                    re.IGNORECASE)
BIBTEX = "application/x-bibtex"
CSL_JSON = "application/vnd.citationstyles.csl+json"


@dataclass
class Added:
    entries: list[Publication] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one message per duplicate


def identify(text: str) -> tuple[str, str]:
    """('doi', '10.…') or ('arxiv', '2101.00001') for what a user typed or pasted."""
    text = text.strip()
    if match := _DOI.match(text):
        return "doi", match.group(1)  # as typed: doi.org reads any case
    if match := _ARXIV.match(text):
        return "arxiv", match.group(1)
    raise BibcvError(f"{text!r} is neither a DOI (10.1145/3600006.3613155, or its "
                     "https://doi.org/ address) nor an arXiv id (2310.01234, or its "
                     "https://arxiv.org/abs/ address)")


def fetch_doi(http: Http, doi: str) -> Publication:
    url = f"{service_url('doi')}/{quote(doi, safe='/:;()._-')}"
    response = http.get(url, f"{BIBTEX}, {CSL_JSON};q=0.5", missing_ok=True)
    if response is None:
        raise FetchError(f"doi.org knows no DOI {doi}; check it (a DOI starts with 10.)")
    if "json" in response.headers.get("content-type", ""):
        return from_csl(response.json())
    entry = from_bibtex(response.text, f"the DOI service for {doi}")[0]
    entry.raw_fields.setdefault("doi", doi)
    return entry


def fetch_arxiv(http: Http, number: str) -> Publication:
    response = http.get(f"{service_url('arxiv')}/query", "application/atom+xml",
                        params={"id_list": number, "max_results": "1"})
    assert response is not None
    found = from_arxiv_atom(response.text, "arXiv")
    if not found:
        raise FetchError(f"arXiv knows no paper {number}; check the id")
    preprint, doi = found[0]
    if not doi:
        return preprint
    published = fetch_doi(http, doi)
    add_arxiv_id(published, preprint)
    return published


def add_papers(identifiers: list[str], bib: BibFile, http: Http, key_pattern: str,
               others: list[BibFile]) -> Added:
    """Fetch every paper first; then keep those that no .bib file has yet."""
    wanted = [identify(text) for text in identifiers]
    fetched = [fetch_doi(http, value) if kind == "doi" else fetch_arxiv(http, value)
               for kind, value in wanted]
    index = Index()
    for existing in [*bib.entries, *(e for other in others for e in other.entries)]:
        index.add(existing)
    result = Added()
    taken = bib.keys | {e.key for other in others for e in other.entries}
    for text, entry in zip(identifiers, fetched, strict=True):
        same = index.matches(entry)
        if same:
            shared, other = same[0]
            where = other.origin if other.origin.line else "this run"
            result.refused.append(f"{text}: already there as {other.key!r} ({where}, same "
                                  f"{shared}); not added")
            continue
        entry.key = make_key(entry, key_pattern, taken)
        index.add(entry)
        bib.added.append(entry)
        result.entries.append(entry)
    return result
