"""Publications to clean BibTeX that any tool accepts and that round-trips.

The output is normalised so that exporting it again gives the same bytes:
macros and crossrefs are already resolved by the reader; fields come in a
fixed order, one per line, each value in braces with white space collapsed;
names are written ``von Last, Jr, First`` joined by `` and ``; months become
the month macros (a season stays as written, with its biblatex date beside it),
and a date given only in biblatex's ``date`` gets the year and month bibtex reads;
a bare ``&``, ``%`` or ``#`` is escaped so LaTeX prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bibcv.bibliography import SEASON_NUMBERS, Publication, is_verbatim
from bibcv.bibtex_values import BARE_SPECIAL, MONTH_NAMES, month_number
from bibcv.names import split_name, split_name_list
from bibcv.style import LINK_FIELDS

NAME_FIELDS = ("author", "editor", "translator", "bookauthor")
FIELD_ORDER = (
    "author", "author+an", "editor", "title", "shorttitle", "subtitle", "booktitle", "journal",
    "series", "volume", "number", "pages", "chapter", "edition", "publisher", "school",
    "institution", "organization", "address", "howpublished", "type", "month", "year", "date",
    "pubstate", "doi", "eprint", "eprinttype", "eprintclass", "archiveprefix", "primaryclass",
    "url", "urldate", "isbn", "issn", "note", "keywords", "abstract",
)
# Private notes, and what reference managers keep about the user's own copy: a path on
# their disk (Zotero and JabRef's file, BibDesk's bdsk-file-N), JabRef's owner and timestamp.
PRIVATE_FIELDS = frozenset({"annote", "comment", "file", "owner", "timestamp"})
_PRIVATE_PATTERN = re.compile(r"bdsk-file-\d+")
# al-folio's per-paper links and short-list flag: the CV prints them, a reference list does not.
CV_LINK_FIELDS = frozenset({*LINK_FIELDS, "selected"})
# biblatex's date: its start (year, month) and its end's year and month, if any.
_DATE = re.compile(r"\s*(?P<year>[0-9]{4})(?P<month>-[0-9]{2})?(?:-[0-9]{2})?"
                   r"(?:/(?P<end>[0-9]{4}(?:-[0-9]{2})?)?(?:-[0-9]{2})?)?\s*")
# Verbatim arguments inside a LaTeX field: \url{...}, \href{...}, \path|...|, \verb+...+.
_URL_ARGUMENT = re.compile(r"(\\(?:url|href|path|nolinkurl)\s*\{[^{}]*\}"
                           r"|\\(?:url|path|verb)\*?([^\sa-zA-Z{]).*?\2)")


def is_cv_only(field: str) -> bool:
    """Fields that serve the CV rather than a reader: data annotations, private notes, and
    per-paper links."""
    return (field.endswith("+an") or field in PRIVATE_FIELDS or field in CV_LINK_FIELDS
            or bool(_PRIVATE_PATTERN.fullmatch(field)))


# The export is UTF-8 whatever the files read were, and says so as JabRef does: bibcv, JabRef
# and biber's users read this line; BibTeX and biber skip it as text outside entries.
ENCODING_LINE = "% Encoding: UTF-8"


def export_bibtex(publications: Iterable[Publication], preambles: Iterable[str] = (),
                  strip_cv_fields: bool = False) -> str:
    blocks = [f"@preamble{{{{{p}}}}}" for p in dict.fromkeys(preambles)]
    blocks += [format_entry(p, strip_cv_fields) for p in publications]
    return f"{ENCODING_LINE}\n\n" + "\n\n".join(blocks) + "\n" if blocks else ""


def format_entry(publication: Publication, strip_cv_fields: bool = False) -> str:
    lines = [f"@{publication.entry_type}{{{publication.key},"]
    fields = _with_both_dates(publication)
    for name in _ordered(fields):
        if strip_cv_fields and is_cv_only(name):
            continue
        lines.append(f"  {name} = {format_value(name, fields[name])},")
    lines.append("}")
    return "\n".join(lines)


def _with_both_dates(publication: Publication) -> dict[str, str]:
    """The fields, with the date in the fields bibtex reads and in the one biber reads.

    A season written in month (month = {Winter}) gets biblatex's season date beside it
    (date = {2007-24}): bibtex prints the month as written and ignores the date ("Winter
    2007"), while biber reads a month as a number alone (it made the season 2007-00) and
    takes the date.  A date in `date` alone gets the year and month it says: bibtex
    printed no date at all for date = {2020-24} (plain.bst: "empty year"); biber takes
    the date and leaves year and month aside."""
    fields = publication.raw_fields
    if "date" in fields:
        return {**_bibtex_date(publication), **fields}
    season = publication.season
    if not season or not publication.has_clean_year:
        return fields
    return {**fields, "date": f"{publication.year_text}-{SEASON_NUMBERS[season] + 20}"}


def _bibtex_date(publication: Publication) -> dict[str, str]:
    """The year and month bibtex reads for biblatex's date: 2020-24 is year = {2020},
    month = {Winter}; 2020-05-12 and a range within May 2020 are 2020 and may; a range
    of years is year = {2019--2020}; a range of months or an open one, the year alone.
    No month when the entry's own year is another one."""
    written = publication.raw_fields["date"]
    date = _DATE.fullmatch(written)
    if date is None:
        return {}
    start, month, end = date.group("year"), date.group("month") or "", date.group("end")
    if end is not None and end[:4] != start:
        return {"year": f"{start}--{end[:4]}"}
    season = publication.season
    named = season.capitalize() if season else str(publication.month or "")
    one_month = month and ("/" not in written or end == start + month)
    if not (one_month and named) or publication.raw_fields.get("year", start).strip() != start:
        return {"year": start}
    return {"year": start, "month": named}


def format_value(field: str, raw: str) -> str:
    text = raw
    if field == "month" and (number := month_number(text)) is not None:
        return MONTH_NAMES[number - 1][:3].lower()
    if field in NAME_FIELDS:
        text = format_names(text)
    elif not is_verbatim(field):
        text = _escape_specials(text)
    return f"{{{text}}}"


def format_names(raw: str) -> str:
    """Each name as ``von Last, Jr, First``: the one form BibTeX never misreads.

    Names that form would change are written as the file wrote them: biblatex's
    extended names, DBLP's numbered names, and a given name ending in a
    backslash (``R.\\ Q.\\ Fugate``), which would end the field in ``\\}``.
    """
    return " and ".join(_format_name(name) for name in split_name_list(raw))


def _format_name(raw: str) -> str:
    parts = split_name(raw)
    if raw == "others" or parts.as_written:
        return parts.written
    family = " ".join(filter(None, (parts.von, parts.last)))
    if parts.jr:
        return f"{family}, {parts.jr}, {parts.first}"
    if parts.first.endswith("\\"):
        return " ".join(filter(None, (parts.first, family)))
    return f"{family}, {parts.first}" if parts.first else family


def _escape_specials(text: str) -> str:
    pieces, position = [], 0
    for verbatim in _URL_ARGUMENT.finditer(text):
        pieces += [BARE_SPECIAL.sub(r"\\\1", text[position : verbatim.start()]), verbatim.group()]
        position = verbatim.end()
    return "".join(pieces) + BARE_SPECIAL.sub(r"\\\1", text[position:])


def _ordered(fields: dict[str, str]) -> list[str]:
    rank = {name: index for index, name in enumerate(FIELD_ORDER)}
    return sorted(fields, key=lambda name: (rank.get(name, len(rank)), name))

