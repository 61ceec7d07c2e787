"""Which publications a section shows, in what order, with what numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from bibcv.bibliography import Bibliography, Publication
from bibcv.errors import BibcvError
from bibcv.model import CV, Person, PublicationQuery
from bibcv.names import Name, parse_name, same_person

NEWEST_FIRST = ["-date"]
# biblatex's entries that are no publication of their own: an @xdata holds fields for
# others, a @set groups entries that are listed themselves.  biblatex never prints the
# one and prints the other as its members; a query gave each an empty item.
NOT_PUBLICATIONS = frozenset({"set", "xdata"})


def select_publications(
    bibliography: Bibliography, query: PublicationQuery, person: Person
) -> list[Publication]:
    """Apply a section's query; an explicit key list keeps its order unless a sort is given.
    A key no entry has is left out: load.query_problems reports it.  A @set or @xdata is
    listed only by its key."""
    if query.keys:
        found = (_by_key(bibliography, key) for key in query.keys)
        candidates = [publication for publication in found if publication is not None]
    else:
        candidates = [publication for publication in bibliography
                      if publication.entry_type not in NOT_PUBLICATIONS]
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


def date_key(publication: Publication) -> tuple[bool, int, int, int]:
    """(no year, year, month, day): undated entries (submitted, in press) sort as newest;
    within a year, entries without a month or day come before those with one."""
    return (publication.year is None, publication.year or 0, publication.month or 0,
            publication.day or 0)


_SORT_KEYS: dict[str, Callable[[Publication], Any]] = {
    "date": date_key,
    "year": lambda p: (p.year is None, p.year or 0),
    "title": lambda p: p.text("title").casefold(),
    "key": lambda p: p.key,
    "file": lambda p: p.position,
}


def _by_key(bibliography: Bibliography, key: str) -> Publication | None:
    """Keys compare without regard to case, as BibTeX compares them."""
    return bibliography.entries.get(key) or next(
        (p for p in bibliography if p.key.casefold() == key.casefold()), None)


def _matches(publication: Publication, query: PublicationQuery, person: Person) -> bool:
    if publication.key.casefold() in {key.casefold() for key in query.exclude}:
        return False
    if query.types and publication.entry_type not in query.types:
        return False
    if query.selected is not None and is_selected(publication) != query.selected:
        return False
    if query.keywords and not publication.keywords.intersection(query.keywords):
        return False
    if query.author:
        wanted = person.names if query.author == "self" else [_query_name(query)]
        people = publication.authors or publication.editors  # an edited volume's editors
        return any(is_any_of(name, wanted) for name in people)
    return True


def _query_name(query: PublicationQuery) -> Name:
    try:
        return parse_name(query.author or "")
    except ValueError as error:
        raise BibcvError(str(error), query.origin) from None


def is_selected(publication: Publication) -> bool:
    """al-folio's ``selected = {true}``: the papers a CV shows in its short list."""
    return publication.text("selected").casefold() in ("true", "yes", "1")


def unknown_excludes(bibliography: Bibliography, query: PublicationQuery) -> list[str]:
    """Keys in a query's exclude that no entry has: a typo would otherwise go unnoticed."""
    known = {publication.key.casefold() for publication in bibliography}
    return [key for key in query.exclude if key.casefold() not in known]


def number_labels(count: int, first: int, descending: bool, prefix: str) -> list[str]:
    """"[1]" … "[count]" from first on, or counting down to first: "[J12]" … "[J1]"."""
    numbers = range(first + count - 1, first - 1, -1) if descending else range(
        first, first + count)
    return [f"[{prefix}{number}]" for number in numbers]


def is_any_of(name: Name, names: list[Name]) -> bool:
    return any(same_person(name, known) for known in names)
