"""A publication as rich text: the full citation, and its parts for themes.

This is the CV's citation style, format-neutral like pybtex's styles: it says
"bold", "emphasis" and "link"; the LaTeX backend decides how.
"""

from __future__ import annotations

from dataclasses import dataclass

from bibcv.bibliography import EQUAL_CONTRIBUTION, Publication
from bibcv.errors import BibcvError
from bibcv.model import Person
from bibcv.richtext import MarkupError, RichText, as_rich, join, link, styled
from bibcv.select import is_any_of
from bibcv.venues import VenueTable

EQUAL_CONTRIBUTION_MARK = "*"
VENUE_FIELDS = ("journal", "booktitle", "howpublished", "school", "institution", "publisher")


@dataclass(frozen=True)
class PublicationView:
    """What templates see of one publication: the whole citation, and each part of it."""

    key: str
    label: str  # "[1]", or "" when the section is not numbered
    citation: RichText  # Authors. Title, *Venue*, Year.
    authors: RichText
    title: RichText  # linked when the entry has a url; may be empty
    short: RichText  # the short title (a system's name), else the title
    venue: str  # as written in the entry
    venue_short: str  # from the venue table
    year: str
    year_short: str  # "23" for 2023
    status: str  # the theme's word for pubstate, e.g. "Under review"
    award: str
    has_equal_contribution: bool


def view_publications(publications: list[Publication], person: Person, terms: dict[str, str],
                      venues: VenueTable, numbered: bool = False) -> list[PublicationView]:
    return [_view(publication, person, terms, venues, f"[{number}]" if numbered else "")
            for number, publication in enumerate(publications, start=1)]


def _view(publication: Publication, person: Person, terms: dict[str, str],
          venues: VenueTable, label: str) -> PublicationView:
    title = _title(publication)
    venue = venue_of(publication)
    year = str(publication.year) if publication.year is not None else ""
    return PublicationView(
        key=publication.key,
        label=label,
        citation=RichText(format_citation(publication, person, terms).parts,
                          publication.origin),
        authors=format_authors(publication, person),
        title=title,
        short=as_rich(publication.text("shorttitle")) or as_rich(str(title)),
        venue=venue,
        venue_short=venues.abbreviate(venue) if venue else "",
        year=year,
        year_short=year[-2:],
        status=_status(publication, terms),
        award=publication.text("award"),
        has_equal_contribution=any(
            EQUAL_CONTRIBUTION in publication.author_annotations(index)
            for index in range(len(publication.authors))),
    )


def format_citation(publication: Publication, person: Person, terms: dict[str, str]) -> RichText:
    """``Authors. Title, *Venue*, Year.`` -- each part left out when the entry lacks it."""
    sentences = [format_authors(publication, person)]
    title = _title(publication)
    details = _details(publication, terms)
    if title and details:
        sentences.append(title + ", " + details)
    else:
        sentences.append(title or details)
    return join(" ", [_sentence(part) for part in sentences if part])


def format_authors(publication: Publication, person: Person) -> RichText:
    names = []
    for index, name in enumerate(publication.authors):
        if name.is_others:
            names.append(as_rich("et al."))
            continue
        text = as_rich(name.display())
        if EQUAL_CONTRIBUTION in publication.author_annotations(index):
            text = text + EQUAL_CONTRIBUTION_MARK
        if is_any_of(name, person.names):
            text = styled("strong", text)
        names.append(text)
    return join(", ", names)


def venue_of(publication: Publication) -> str:
    """Where it appeared: the first venue field, else arXiv or the report type."""
    venue = next((publication.text(f) for f in VENUE_FIELDS if publication.has(f)), "")
    if venue:
        return venue
    if publication.entry_type == "techreport":
        return publication.text("type") or "Technical Report"
    if publication.text("eprinttype").casefold() == "arxiv":
        return "arXiv"
    return ""


def _title(publication: Publication) -> RichText:
    title = publication.text("title")
    url = publication.text("url")
    if not title or not url:
        return as_rich(title)
    try:
        return link(url, title)
    except MarkupError as error:
        raise BibcvError(f"entry {publication.key!r}: {error}", publication.origin) from None


def _details(publication: Publication, terms: dict[str, str]) -> RichText:
    venue = venue_of(publication)
    status = _status(publication, terms)
    parts: list[RichText] = []
    if venue:
        parts.append(styled("emph", venue))
    if status:
        parts.append(as_rich(status) if venue else styled("emph", status))
    if publication.year is not None:
        parts.append(as_rich(str(publication.year)))
    return join(", ", parts)


def _status(publication: Publication, terms: dict[str, str]) -> str:
    """The theme's words for pubstate ("submitted" -> "Under review"); unknown states as written."""
    state = publication.text("pubstate")
    return terms.get(state.casefold(), state)


def _sentence(text: RichText) -> RichText:
    return text if str(text).rstrip().endswith((".", "?", "!")) else text + "."
