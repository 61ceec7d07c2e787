"""A person's publication list from DBLP, ORCID or OpenAlex, as entries to sync.

DBLP: the person's .bib (every record, with DBLP's keys, disambiguation numbers
and CoRR preprints) checked against the person's .xml (the same records, and
the person's name), so an answer cut short is noticed.  ORCID: the works list;
each work is fetched by its DOI or arXiv id, else ORCID's full record is read.
OpenAlex: the works of an author, page by page, converted from their JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

from bibcv.bibliography import Publication
from bibcv.errors import BibcvError
from bibcv.fetch.add import fetch_arxiv, fetch_doi
from bibcv.fetch.http import FetchError, Http, service_url
from bibcv.fetch.records import (
    bare_doi,
    from_bibtex,
    plain_to_bibtex,
    publication,
    year_and_month,
)

_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_OPENALEX_AUTHOR = re.compile(r"^(?:https?://openalex\.org/)?(A\d+)$", re.IGNORECASE)
_DBLP_PID = re.compile(r"^(?:https?://dblp\.org/pid/)?([\w\-]+/[\w\-]+?)(?:\.html|\.bib|\.xml)?$")
_ARXIV_LANDING = re.compile(r"arxiv\.org/abs/([^\s?#v]+(?:v\d+)?)", re.IGNORECASE)


@dataclass
class Listing:
    """What a service lists for a person."""

    person: str  # the name the service gives, for the summary
    entries: list[Publication]


def dblp(http: Http, pid_text: str) -> Listing:
    match = _DBLP_PID.match(pid_text.strip())
    if not match:
        raise BibcvError(f"{pid_text!r} is not a DBLP person id; it is the part of the "
                         "person's address after /pid/, e.g. 34/4680")
    pid = match.group(1)
    base = f"{service_url('dblp')}/pid/{pid}"
    bib = http.get(f"{base}.bib", "application/x-bibtex")
    xml = http.get(f"{base}.xml", "application/xml")
    assert bib is not None and xml is not None
    try:
        person = ElementTree.fromstring(xml.content)
    except ElementTree.ParseError as error:
        raise FetchError(f"DBLP's list for {pid} cannot be read ({error}); try again") from None
    listed = {record.get("key") for r in person.findall("r") for record in r}
    entries = from_bibtex(bib.text, "DBLP") if bib.text.strip() else []
    found = {entry.key.removeprefix("DBLP:") for entry in entries}
    if found != listed:
        raise FetchError(f"DBLP's BibTeX for {pid} holds {len(found)} records and its list "
                         f"{len(listed)}; the answer was cut short, try again")
    return Listing(person.get("name", pid), entries)


def orcid(http: Http, id_text: str) -> Listing:
    match = _ORCID.match(id_text.strip())
    if not match:
        raise BibcvError(f"{id_text!r} is not an ORCID iD (0000-0002-1825-0097)")
    base = f"{service_url('orcid')}/{match.group(1)}"
    works = http.json(f"{base}/works")
    entries = []
    for group in _dict(works).get("group") or []:
        summary = (_dict(group).get("work-summary") or [{}])[0]
        ids = _external_ids(summary)
        if "doi" in ids:
            entries.append(fetch_doi(http, ids["doi"]))
        elif "arxiv" in ids:
            entries.append(fetch_arxiv(http, ids["arxiv"].removeprefix("arXiv:")))
        else:
            full = http.json(f"{base}/work/{summary.get('put-code')}")
            entries.append(_orcid_work(_dict(full)))
    return Listing(match.group(1), entries)


def _external_ids(work: dict) -> dict[str, str]:
    ids = (_dict(work.get("external-ids")).get("external-id")) or []
    return {str(i.get("external-id-type", "")).lower(): str(i.get("external-id-value", ""))
            for i in ids if i.get("external-id-relationship", "self") == "self"}


ORCID_TYPES = {"journal-article": ("article", "journal"),
               "conference-paper": ("inproceedings", "booktitle"),
               "book-chapter": ("incollection", "booktitle"), "book": ("book", ""),
               "dissertation-thesis": ("phdthesis", "school"), "preprint": ("misc", "")}


def _orcid_work(work: dict) -> Publication:
    """A work ORCID knows no identifier for: its own BibTeX citation, else its fields."""
    citation = _dict(work.get("citation"))
    if str(citation.get("citation-type", "")).lower() == "bibtex" and citation.get(
            "citation-value"):
        return from_bibtex(str(citation["citation-value"]), "ORCID")[0]
    entry_type, venue = ORCID_TYPES.get(str(work.get("type")), ("misc", "howpublished"))
    date = _dict(work.get("publication-date"))
    contributors = _dict(work.get("contributors")).get("contributor") or []
    fields = {
        "author": " and ".join(
            plain_to_bibtex(str(_dict(c.get("credit-name")).get("value", "")))
            for c in contributors if _dict(c.get("credit-name")).get("value")),
        "title": plain_to_bibtex(str(_dict(_dict(work.get("title")).get("title"))
                                     .get("value", ""))),
        venue or "howpublished": plain_to_bibtex(str(_dict(work.get("journal-title"))
                                                     .get("value", ""))),
        "year": str(_dict(date.get("year")).get("value", "")),
        "month": str(_dict(date.get("month")).get("value", "")).lstrip("0"),
        "url": str(_dict(work.get("url")).get("value", "")),
    }
    return publication(entry_type, fields)


def openalex(http: Http, id_text: str) -> Listing:
    match = _OPENALEX_AUTHOR.match(id_text.strip())
    if not match:
        raise BibcvError(f"{id_text!r} is not an OpenAlex author id (A5023888391)")
    author = match.group(1).upper()
    entries, cursor, name = [], "*", author
    while cursor:
        page = openalex_works(http, {"filter": f"author.id:{author}", "per-page": "200",
                                     "cursor": cursor})
        for work in page.get("results") or []:
            entries.append(from_openalex(work))
            name = _author_name(work, author) or name
        cursor = _dict(page.get("meta")).get("next_cursor")
    return Listing(name, entries)


def openalex_works(http: Http, params: dict[str, str]) -> dict:
    """One page of OpenAlex's /works (``results``, ``meta``), asked with the user's address
    when there is one, as OpenAlex asks."""
    mailto = {"mailto": http.mailto} if http.mailto else {}
    return _dict(http.json(f"{service_url('openalex')}/works", params={**params, **mailto}))


OPENALEX_TYPES = {"journal": ("article", "journal"), "conference": ("inproceedings", "booktitle"),
                  "book series": ("incollection", "booktitle"), "ebook platform": ("book", "")}


def from_openalex(work: dict) -> Publication:
    location = _dict(work.get("primary_location"))
    source = _dict(location.get("source"))
    entry_type, venue = OPENALEX_TYPES.get(str(source.get("type")), ("misc", "howpublished"))
    if work.get("type") == "book-chapter":
        entry_type, venue = "incollection", "booktitle"
    elif work.get("type") == "dissertation":
        entry_type, venue = "phdthesis", "school"
    biblio = _dict(work.get("biblio"))
    pages = "--".join(str(p) for p in (biblio.get("first_page"), biblio.get("last_page")) if p)
    date = str(work.get("publication_date") or "")
    arxiv = next((m.group(1) for loc in work.get("locations") or []
                  if (m := _ARXIV_LANDING.search(str(_dict(loc).get("landing_page_url"))))),
                 "")
    is_arxiv_only = arxiv and str(source.get("display_name", "")).lower().startswith("arxiv")
    fields = {
        "author": " and ".join(
            plain_to_bibtex(str(_dict(a.get("author")).get("display_name", "")))
            for a in work.get("authorships") or []),
        "title": plain_to_bibtex(str(work.get("title") or work.get("display_name") or "")),
        venue or "howpublished": "" if is_arxiv_only else plain_to_bibtex(
            str(source.get("display_name") or "")),
        "volume": str(biblio.get("volume") or ""),
        "number": str(biblio.get("issue") or ""),
        "pages": pages,
        "publisher": plain_to_bibtex(str(source.get("host_organization_name") or ""))
        if entry_type in ("book", "incollection") else "",
        "year": str(work.get("publication_year") or ""),
        "month": year_and_month(date)["month"],
        "doi": "" if is_arxiv_only else bare_doi(str(work.get("doi") or "")),
        "eprint": re.sub(r"v\d+$", "", arxiv),
        "eprinttype": "arxiv" if arxiv else "",
    }
    return publication(entry_type, fields)


def _author_name(work: dict, author: str) -> str:
    for authorship in work.get("authorships") or []:
        found = _dict(authorship.get("author"))
        if str(found.get("id", "")).upper().endswith(author):
            return str(found.get("display_name", ""))
    return ""


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


SOURCES = {"dblp": dblp, "orcid": orcid, "openalex": openalex}
