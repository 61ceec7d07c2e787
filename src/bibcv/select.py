"""Which publications a section shows, in what order, with what numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from bibcv.bibliography import Bibliography, Publication
from bibcv.errors import BibcvError
from bibcv.model import CV, Person, PublicationQuery
from bibcv.names import Name, parse_name, same_person

NEWEST_FIRST = ["-year"]


def select_publications(
    bibliography: Bibliography, query: PublicationQuery, person: Person
) -> list[Publication]:
    """Apply a section's query; an explicit key list keeps its order unless a sort is given."""
    if query.keys:
        candidates = [_by_key(bibliography, key, query) for key in query.keys]
    else:
        candidates = list(bibliography)
    matches = [p for p in candidates if _matches(p, query, person)]
    sort = query.sort or ([] if query.keys else NEWEST_FIRST)
    return sort_publications(matches, sort)


def all_queries(cv: CV) -> Iterator[PublicationQuery]:
    """Every publication query of the CV, in reading order: sections' and items' alike."""
    def walk(value: Any) -> Iterator[PublicationQuery]:
        if isinstance(value, PublicationQuery):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)

    for section in cv.sections:
        yield from walk(section.query)
        yield from walk(section.items)


def sort_publications(publications: list[Publication], sort: list[str]) -> list[Publication]:
    """Stable multi-key sort; entries without a year count as newest (submitted, in press)."""
    result = sorted(publications, key=lambda p: p.position) if sort else list(publications)
    for spec in reversed(sort):
        descending = spec.startswith("-")
        result.sort(key=_SORT_KEYS[spec.lstrip("-")], reverse=descending)
    return result


_SORT_KEYS: dict[str, Callable[[Publication], Any]] = {
    "year": lambda p: (p.year is None, p.year or 0),
    "title": lambda p: p.text("title").casefold(),
    "key": lambda p: p.key,
    "file": lambda p: p.position,
}


def _by_key(bibliography: Bibliography, key: str, query: PublicationQuery) -> Publication:
    """Keys compare without regard to case, as BibTeX compares them."""
    found = bibliography.entries.get(key) or next(
        (p for p in bibliography if p.key.casefold() == key.casefold()), None)
    if found is None:
        raise BibcvError(
            f"the query names the key {key!r}, which no bibliography file has", query.origin)
    return found


def _matches(publication: Publication, query: PublicationQuery, person: Person) -> bool:
    if publication.key.casefold() in {key.casefold() for key in query.exclude}:
        return False
    if query.types and publication.entry_type not in query.types:
        return False
    if query.keywords and not publication.keywords.intersection(query.keywords):
        return False
    if query.author:
        wanted = person.names if query.author == "self" else [_query_name(query)]
        return any(is_any_of(author, wanted) for author in publication.authors)
    return True


def _query_name(query: PublicationQuery) -> Name:
    try:
        return parse_name(query.author or "")
    except ValueError as error:
        raise BibcvError(str(error), query.origin) from None


def is_any_of(name: Name, names: list[Name]) -> bool:
    return any(same_person(name, known) for known in names)
