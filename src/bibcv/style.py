"""A publication as rich text: authors, title, venue, status, year.

This is the CV's citation style, format-neutral like pybtex's styles: it says
"bold", "emphasis" and "link"; the LaTeX backend decides how.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bibcv.bibliography import EQUAL_CONTRIBUTION, Publication
from bibcv.errors import BibcvError
from bibcv.model import Person
from bibcv.richtext import MarkupError, RichText, as_rich, join, link, styled
from bibcv.select import is_any_of

EQUAL_CONTRIBUTION_MARK = "*"
VENUE_FIELDS = ("journal", "booktitle", "howpublished", "school", "institution", "publisher")


@dataclass(frozen=True)
class FormattedPublication:
    key: str
    label: str
    citation: RichText
    has_equal_contribution: bool


def format_publications(
    publications: list[Publication], person: Person, terms: dict[str, str], numbered: bool
) -> list[FormattedPublication]:
    return [
        FormattedPublication(
            key=publication.key,
            label=f"[{number}]" if numbered else "",
            citation=replace(format_citation(publication, person, terms),
                             origin=publication.origin),
            has_equal_contribution=_has_equal_contribution(publication),
        )
        for number, publication in enumerate(publications, start=1)
    ]


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


def _title(publication: Publication) -> RichText:
    title = publication.text("title")
    if not title:
        return RichText()
    url = publication.text("url")
    if not url:
        return as_rich(title)
    try:
        return link(url, title)
    except MarkupError as error:
        raise BibcvError(f"entry {publication.key!r}: {error}", publication.origin) from None


def _details(publication: Publication, terms: dict[str, str]) -> RichText:
    venue = next((publication.text(f) for f in VENUE_FIELDS if publication.has(f)), "")
    state = publication.text("pubstate")
    status = terms.get(state.casefold(), state) if state else ""
    parts: list[RichText] = []
    if venue:
        parts.append(styled("emph", venue))
    if status:
        parts.append(as_rich(status) if venue else styled("emph", status))
    if publication.year is not None:
        parts.append(as_rich(str(publication.year)))
    return join(", ", parts)


def _sentence(text: RichText) -> RichText:
    return text if str(text).rstrip().endswith((".", "?", "!")) else text + "."


def _has_equal_contribution(publication: Publication) -> bool:
    return any(
        EQUAL_CONTRIBUTION in publication.author_annotations(index)
        for index in range(len(publication.authors))
    )
