"""BibTeX files to Publication objects, read the way BibTeX reads them.

``bibtex_parser`` reads each file as BibTeX's own parser does (@string macros,
``#``, month macros); this module adds crossref inheritance, first-copy-wins
for duplicate keys and fields, and warnings for what BibTeX or biber would
complain about.  Fields stay as the raw (LaTeX) text and are
decoded to Unicode only when something asks for them; see ``texdecode``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from bibcv.atomic import write_text_atomically
from bibcv.bibencoding import decode_bib
from bibcv.bibtex_parser import ParsedFile, RawEntry, parse_bibtex
from bibcv.bibtex_values import MONTH_MACROS, MONTH_NAMES, month_number
from bibcv.cvfiles import file_problem
from bibcv.errors import BibcvError, BibcvErrors, Origin
from bibcv.incremental import bibcv_fingerprint
from bibcv.locales import available, load_locale
from bibcv.names import (
    Name,
    RawName,
    bibtex_differs,
    empty_names,
    parse_names,
    split_name,
    split_name_list,
)
from bibcv.richtext import MarkupError, check_characters, is_web_address
from bibcv.texdecode import ENGLISH_QUOTES, Quotes, decode_latex

EQUAL_CONTRIBUTION = "equal"
# Fields that are never LaTeX (biblatex's verbatim and URI fields, dates, BibDesk's links):
# their %, & and # are characters, and nothing in them is decoded.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "verba", "verbb", "verbc", "pdf",
                             "ids"})
_VERBATIM_PATTERN = re.compile(r"(?:\w*date|bdsk-(?:url|file)-\d+)")


def is_verbatim(field_name: str) -> bool:
    return field_name in VERBATIM_FIELDS or bool(_VERBATIM_PATTERN.fullmatch(field_name))

# What BibTeX's standard styles require of each entry type; a tuple is "one of".
REQUIRED_FIELDS: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "article": ("author", "title", ("journal", "journaltitle"), "year"),
    "book": (("author", "editor"), "title", "publisher", "year"),
    "booklet": ("title",),
    "inbook": (("author", "editor"), "title", ("chapter", "pages"), "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "conference": ("author", "title", "booktitle", "year"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "proceedings": ("title", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title"),
}
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
# biblatex's dates: 2024, 2024-03, 2024-03-23, and ranges (2024/2025, 2024-01/2024-03, 2024/);
# each may be approximate or uncertain (EDTF's 1937~, 1937?, 1937%), which biblatex's standard
# style does not say: "1937~" printed as written, "1937~".
_ISO_DATE = re.compile(r"\s*([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?[~?%]?"
                       r"(?:/(?:(?P<end>[0-9]{4})(?:-[0-9]{2}(?:-[0-9]{2})?)?[~?%]?)?)?\s*")
# A season written in month (BibTeX's styles print it as written; biber ignores it), in the
# words of any built-in language ("hiver", "冬季", "冬"), its year before or after it; and
# biblatex's season dates (EDTF: 2020-21 is spring 2020, -24 winter).  American English's
# "fall" is a season word of its own, which English keeps (the locales' season_fall).
SEASONS = ("spring", "summer", "autumn", "winter")
SEASON_NUMBERS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}  # CSL's
_SEASON_MONTH = re.compile(r"\s*(?:[0-9]{4}\s*[年년]?\s*)?([^\W\d_]+)\.?(?:\s+[0-9]{4})?\s*")
_SEASON_DATE = re.compile(r"\s*[0-9]{4}-(2[1-4])\s*")
# biblatex data annotations: "1=equal" (an item), "1:family=..." (a part), "=uncertain" (the field)
_ITEM_ANNOTATION = re.compile(r"\s*(\d*)(?::[\w-]+)?\s*=\s*(.+?)\s*")


# The types biblatex's standard style (standard.bbx) prints with another type's driver.
BIBLATEX_ALIASES = {
    "mvbook": "book", "bookinbook": "inbook", "suppbook": "inbook",
    "mvcollection": "collection", "suppcollection": "incollection",
    "mvproceedings": "proceedings", "reference": "collection", "mvreference": "collection",
    "inreference": "incollection", "suppperiodical": "article", "review": "article"}


@dataclass
class Publication:
    key: str
    entry_type: str
    raw_fields: dict[str, str]  # lower-case names; macros, '#', white space resolved; LaTeX kept
    origin: Origin
    position: int = 0  # order of appearance across all files read; the stable tie-breaker
    parent_key: str | None = None  # the crossref parent its missing fields came from
    inherited: set[str] = field(default_factory=set)  # the names of those fields

    def text(self, name: str, quotes: Quotes = ENGLISH_QUOTES) -> str:
        """The field as Unicode text, or '' when the entry does not have it; \\enquote{…}
        in the quotation marks given."""
        raw = self.raw_fields.get(name)
        if not raw:
            return ""
        return raw.strip(" ") if is_verbatim(name) else decode_latex(raw, quotes)

    @property
    def standard_type(self) -> str:
        """The type biblatex's standard style cites the entry as (its driver): @review as an
        article, @bookinbook as an inbook, @mvbook as a book, ... (BIBLATEX_ALIASES)."""
        return BIBLATEX_ALIASES.get(self.entry_type, self.entry_type)

    @property
    def link_target(self) -> str:
        """The url field if a reader's browser can open it; '' otherwise (see _check_url)."""
        url = self.text("url")
        return url if is_web_address(url) else ""

    def forget_cached(self) -> None:
        """Fields changed (a sync merged a published version in): what was worked out from
        them must be worked out again."""
        for name, value in vars(Publication).items():
            if isinstance(value, cached_property):
                self.__dict__.pop(name, None)

    def has(self, name: str) -> bool:
        return bool(self.raw_fields.get(name, "").strip())

    @cached_property
    def authors(self) -> list[Name]:
        return self.names("author")

    @property
    def editors(self) -> list[Name]:
        return self.names("editor")

    def names(self, name: str) -> list[Name]:
        """The names of a name field (author, editor, translator, bookauthor), split as
        BibTeX splits them."""
        raw = self.raw_fields.get(name, "")
        try:
            return parse_names(raw) if raw.strip() else []
        except ValueError as error:
            raise BibcvError(f"entry {self.key!r}: {error}", self.origin) from error

    @cached_property
    def keywords(self) -> frozenset[str]:
        return frozenset(
            word.strip().casefold() for word in self.text("keywords").split(",") if word.strip()
        )

    @cached_property
    def year_text(self) -> str:
        """The year as the CV prints it: a written year that is not a clean one ("in press",
        "2024a", "n.d.") is printed as written, as BibTeX does; a date's year, else the date."""
        written = self.text("year")
        if written:
            return written
        date = _ISO_DATE.fullmatch(self.raw_fields.get("date", ""))
        if date is None:
            return self.text("date")
        end = date.group("end")
        return f"{date.group(1)}–{end}" if end and end != date.group(1) else date.group(1)

    @property
    def has_clean_year(self) -> bool:
        return bool(re.fullmatch(r"[0-9]{4}", self.year_text))

    @cached_property
    def year(self) -> int | None:
        """The year to sort and group by: the first run of exactly four digits, if any."""
        match = re.search(r"(?<![0-9])[0-9]{4}(?![0-9])", self.year_text)
        return int(match.group()) if match else None

    @cached_property
    def month(self) -> int | None:
        date = re.match(r"\s*\d{4}-(\d{1,2})", self.raw_fields.get("date", ""))
        return month_number(date.group(1) if date else self.raw_fields.get("month", ""))

    @cached_property
    def season(self) -> str | None:
        """"winter" for month = {Winter} (or {Winter 2020}, {hiver}, {2020年冬季}) or
        date = {2020-24}; "fall" for month = {Fall}."""
        date = _SEASON_DATE.fullmatch(self.raw_fields.get("date", ""))
        if date:
            return biblatex_season(date.group(1))
        written = _SEASON_MONTH.fullmatch(self.text("month"))
        if written is None or self.month is not None:
            return None
        return _season_words().get(written.group(1).casefold())

    @cached_property
    def day(self) -> int | None:
        """From biblatex's ``date = {2024-03-23}``, else a ``day`` field."""
        date = re.match(r"\s*\d{4}-\d{1,2}-(\d{1,2})", self.raw_fields.get("date", ""))
        written = date.group(1) if date else self.raw_fields.get("day", "").strip()
        return int(written) if written.isdigit() and 1 <= int(written) <= 31 else None

    def author_annotations(self, index: int) -> frozenset[str]:
        """biblatex data annotations of the index-th author (0-based), e.g. {'equal'}."""
        return self._item_annotations.get(index, frozenset())

    @cached_property
    def _item_annotations(self) -> dict[int, frozenset[str]]:
        """A chunk that cannot be read is left out (load_bibliography reports it)."""
        annotations: dict[int, frozenset[str]] = {}
        for chunk in self.raw_fields.get("author+an", "").split(";"):
            match = _ITEM_ANNOTATION.fullmatch(chunk)
            if match and match.group(1):  # not an annotation of the whole field
                words = frozenset(w.strip().casefold() for w in match.group(2).split(","))
                annotations[int(match.group(1)) - 1] = words
        return annotations

    def unreadable_annotations(self) -> list[str]:
        """The chunks of 'author+an' that are no biblatex data annotation."""
        chunks = self.raw_fields.get("author+an", "").split(";")
        return [chunk.strip() for chunk in chunks
                if chunk.strip() and not _ITEM_ANNOTATION.fullmatch(chunk)]


@dataclass
class _Warnings:
    warnings: list[BibcvError] = field(default_factory=list)

    def warn(self, message: str, origin: Origin) -> None:
        self.warnings.append(BibcvError(message, origin))


@dataclass
class Bibliography(_Warnings):
    entries: dict[str, Publication] = field(default_factory=dict)
    preambles: list[str] = field(default_factory=list)
    # Entries lacking fields BibTeX's styles require: a CV can show them (a system's name
    # and venue are enough), so only `check` and `export-bib` mention them.
    incomplete: list[BibcvError] = field(default_factory=list)
    # BibTeX's errors inside an entry, which it (and bibcv) recovers from by skipping the
    # rest of that entry: errors for `check`, warnings for `build` and `export-bib`.
    errors: list[BibcvError] = field(default_factory=list)
    # Files that cannot be read at all (load_bibliography's keep_errors): a build stops.
    unread: list[BibcvError] = field(default_factory=list)

    def __iter__(self) -> Iterator[Publication]:
        return iter(self.entries.values())


@dataclass
class FileReading(_Warnings):
    """What one .bib file says before files are combined: every entry, duplicates included."""

    publications: list[Publication] = field(default_factory=list)
    preambles: list[str] = field(default_factory=list)
    errors: list[BibcvError] = field(default_factory=list)  # recovered from, as BibTeX does
    macros: dict[str, str] = field(default_factory=dict)  # the @string table after the file


def load_bibliography(paths: Iterable[Path], cache_dir: Path | None = None,
                      encodings: dict[Path, str] | None = None,
                      keep_errors: bool = False) -> Bibliography:
    """Read every file in order, as BibTeX does: @string macros defined in one file serve the
    files after it; then resolve crossrefs and look for what BibTeX would flag.

    With a cache_dir, each file's reading is kept there under a digest of its
    content, so an unchanged file is not parsed again.  ``encodings`` gives a
    file's encoding where the CV names it (see ``bibencoding``).  A file that cannot be
    read stops here; with ``keep_errors`` it is an error in ``unread``, and the other
    files are read, so that their problems are reported in the same run.
    """
    bibliography = Bibliography()
    folded_keys: dict[str, Publication] = {}
    macros: dict[str, str] = dict(MONTH_MACROS)
    for path in paths:
        encoding = (encodings or {}).get(path)
        try:
            read = (_read_file_cached(path, cache_dir, encoding, macros) if cache_dir
                    else _read_file(path, encoding=encoding, macros=macros))
        except BibcvError as error:
            if not keep_errors:
                raise
            bibliography.unread.append(error)
            continue
        macros = read.macros
        bibliography.preambles += read.preambles
        bibliography.warnings += read.warnings
        bibliography.errors += read.errors
        for publication in read.publications:
            first = folded_keys.get(publication.key.casefold())
            if first is not None:
                bibliography.warn(
                    f"duplicate key {publication.key!r}; the copy at {first.origin} is used",
                    publication.origin)
                continue
            publication.position = len(bibliography.entries)
            bibliography.entries[publication.key] = publication
            folded_keys[publication.key.casefold()] = publication
    _resolve_crossrefs(bibliography, folded_keys)
    for publication in bibliography:
        _check_required_fields(publication, bibliography)
        _check_url(publication, bibliography)
        _check_month(publication, bibliography)
        _check_date(publication, bibliography)
        _check_annotations(publication, bibliography)
    _check_same_paper(bibliography)
    return bibliography


def _read_file_cached(path: Path, cache_dir: Path, encoding: str | None,
                      macros: dict[str, str]) -> FileReading:
    content = _read_bytes(path)
    before = "" if macros == MONTH_MACROS else json.dumps(macros, sort_keys=True)
    key = f"{bibcv_fingerprint(cache_dir)}\0{path}\0{encoding}\0{before}\0"
    digest = hashlib.sha256(key.encode() + content).hexdigest()
    cached = cache_dir / f"bib-{digest}.json"
    try:
        return _from_json(json.loads(cached.read_text(encoding="utf-8")), path)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass  # none yet, or damaged (a crash, a full disk, a hand edit): read the file again
    read = _read_file(path, content, encoding, macros)
    write_text_atomically(cached, json.dumps(_to_json(read)))
    return read


def _to_json(read: FileReading) -> dict[str, Any]:
    return {
        "entries": [[p.key, p.entry_type, p.raw_fields, p.origin.line] for p in read.publications],
        "preambles": read.preambles,
        "warnings": [[w.message, w.origin.line if w.origin else 0] for w in read.warnings],
        "errors": [[e.message, e.origin.line if e.origin else 0] for e in read.errors],
        "macros": read.macros,
    }


def _from_json(data: dict[str, Any], path: Path) -> FileReading:
    """The reading kept in the cache; a value of the wrong shape raises, as a damaged
    cache must not be trusted (the caller then reads the file again)."""
    entries = [(str(key), str(entry_type), fields, int(line))
               for key, entry_type, fields, line in data["entries"]]
    if not all(isinstance(fields, dict) and all(isinstance(name, str) and isinstance(value, str)
                                                for name, value in fields.items())
               for _, _, fields, _ in entries):
        raise TypeError("a cached entry's fields are not text")
    macros = data["macros"]
    if not all(isinstance(name, str) and isinstance(value, str)
               for name, value in macros.items()):
        raise TypeError("a cached macro is not text")
    return FileReading(
        publications=[Publication(key, entry_type, fields, Origin(path, line))
                      for key, entry_type, fields, line in entries],
        preambles=[str(preamble) for preamble in data["preambles"]],
        warnings=[BibcvError(str(message), Origin(path, int(line)))
                  for message, line in data["warnings"]],
        errors=[BibcvError(str(message), Origin(path, int(line)))
                for message, line in data["errors"]],
        macros=macros,
    )


def _read_bytes(path: Path) -> bytes:
    problem = file_problem(path)
    if problem:
        raise BibcvError(f"bibliography file {problem}", Origin(path))
    try:
        return path.read_bytes()
    except OSError as error:
        raise BibcvError(f"cannot read bibliography file: {error}", Origin(path)) from None


def _read_file(path: Path, content: bytes | None = None, encoding: str | None = None,
               macros: dict[str, str] = MONTH_MACROS) -> FileReading:
    content = _read_bytes(path) if content is None else content
    decoded = decode_bib(content, encoding)
    source = decoded.text
    parsed = parse_bibtex(source, macros)
    lost = next((problem for problem in parsed.errors if problem.rest_lost), None)
    if lost is not None:
        raise BibcvError(f"BibTeX cannot read this: {lost.message}; nothing after it can be "
                         "read, so the file is not used until it is fixed",
                         Origin(path, lost.line))
    reading = FileReading(macros=parsed.macros)
    if decoded.warning:
        reading.warn(decoded.warning, Origin(path, decoded.line))
    for problem in parsed.errors:
        reading.errors.append(BibcvError(
            f"{problem.message}; bibcv skips the rest of the entry (or command) and reads on"
            if problem.over_limit else
            f"BibTeX cannot read this: {problem.message}; BibTeX skips the rest of the entry "
            "(or command) and reads on, and so does bibcv", Origin(path, problem.line)))
    for problem in parsed.warnings:
        reading.warn(problem.message, Origin(path, problem.line))
    # Values with a control character, all of them (None: the file has none, no checks).
    control: list[BibcvError] | None = [] if _has_control_character(source) else None
    for preamble in parsed.preambles:
        if control is not None:
            _check_characters(preamble, "@preamble", Origin(path), control)
        reading.preambles.append(preamble)
    for entry in parsed.entries:
        if not entry.key:
            reading.warn(f"this @{entry.entry_type} has no key: BibTeX reads it under the "
                         "empty key (biber refuses the whole file); bibcv reads it as BibTeX "
                         "does, and export-bib leaves it out. Give it a key",
                         Origin(path, entry.line))
        publication = _publication(entry, path, parsed, reading, control)
        reading.publications.append(publication)
        _check_names_as_bibtex(publication, reading)
    if control:
        raise BibcvErrors(control)
    return reading


NAME_FIELDS = ("author", "editor", "translator", "bookauthor", "editora", "editorb", "editorc",
               "holder", "commentator", "annotator", "introduction", "foreword", "afterword")
# Only names with one of these can be read differently from BibTeX (see names.py).
_MAY_DIFFER = re.compile(r"\\[~-]|-|[^\x00-\x7f]")


def _check_names_as_bibtex(publication: Publication, reading: FileReading) -> None:
    """Warn where bibcv splits a name as biber does and BibTeX would split it otherwise."""
    for name_field in NAME_FIELDS:
        value = publication.raw_fields.get(name_field, "")
        if "," in value and (empty := empty_names(value)):
            reading.warn(f"entry {publication.key!r}: the {name_field} list {value!r} has "
                         f"{empty} name(s) of nothing but commas, which BibTeX reports as an "
                         "error; bibcv leaves them out. Delete them", publication.origin)
        if not value or not _MAY_DIFFER.search(value):
            continue
        for written in split_name_list(value):
            ours, bibtex = split_name(written), bibtex_differs(written)
            if bibtex is None or ours.as_written:  # DBLP numbers, extended names: see README
                continue
            reading.warn(
                f"entry {publication.key!r}: the {name_field} {written!r} is read as biber reads "
                f"it ({_parts(ours)}); BibTeX's styles would read {_parts(bibtex)}. Braces "
                "make both agree: {\\~a}, {\\'E}mile, {Jean-paul}", publication.origin)


def _publication(entry: RawEntry, path: Path, parsed: ParsedFile, reading: FileReading,
                 control: list[BibcvError] | None) -> Publication:
    fields: dict[str, str] = {}
    for raw in entry.fields:
        if raw.name in fields:
            reading.warn(f"entry {entry.key!r} has the field {raw.name!r} twice; "
                         "the first is used, as BibTeX does",
                         Origin(path, parsed.line(raw.position)))
            continue
        if control is not None:
            _check_characters(raw.value, f"field {raw.name!r} of entry {entry.key!r}",
                              Origin(path, parsed.line(raw.position)), control)
        fields[raw.name] = raw.value
    return Publication(entry.key, entry.entry_type, fields, Origin(path, entry.line))


def _parts(name: RawName) -> str:
    parts = zip(("First", "von", "Last", "Jr"), (name.first, name.von, name.last, name.jr),
                strict=True)
    return ", ".join(f"{label} {text!r}" for label, text in parts if text)


def _has_control_character(text: str) -> bool:
    try:
        check_characters(text)
    except MarkupError:
        return True
    return False


def _check_characters(value: str, where: str, origin: Origin,
                      found: list[BibcvError]) -> None:
    try:
        check_characters(value)
    except MarkupError as error:
        found.append(BibcvError(f"{where}: {error}", origin))


def _resolve_crossrefs(bibliography: Bibliography, by_folded_key: dict[str, Publication]) -> None:
    """Copy each parent's fields that the child lacks, then drop 'crossref'.

    BibTeX copies every missing field; biber does too, with its exceptions,
    which bibcv follows: aliases and keys (``ids``, ``crossref``...) are never
    inherited, a date is inherited whole and only when the child has none of
    its parts, and a parent's title becomes the child's ``booktitle``,
    ``maintitle`` or ``journaltitle`` by the entry types (biber's defaults),
    unless the parent has that field itself: then, as in BibTeX, the child
    gets the parent's own ``booktitle``.
    """
    def resolve(publication: Publication, chain: tuple[str, ...]) -> None:
        parent_key = publication.raw_fields.get("crossref")
        if parent_key is None:
            return
        parent = by_folded_key.get(parent_key.strip().casefold())
        if parent is None:
            bibliography.warn(f"entry {publication.key!r} has crossref {parent_key!r}, "
                              "which no bibliography file defines", publication.origin)
            return
        if parent.key in chain:
            bibliography.warn(f"crossref goes round in a circle: {' -> '.join(chain)}",
                              publication.origin)
            return
        resolve(parent, (*chain, parent.key))
        del publication.raw_fields["crossref"]
        publication.parent_key = parent.key
        for name, value in _inherited_fields(parent, publication).items():
            if name not in publication.raw_fields:
                publication.raw_fields[name] = value
                publication.inherited.add(name)
        if "booktitle" in publication.inherited and "booktitle" not in parent.raw_fields:
            bibliography.warn(
                f"entry {publication.key!r} takes its booktitle from the title of its crossref "
                f"{parent.key!r}, as biber does; BibTeX's styles would print no booktitle. Give "
                f"{parent.key!r} a booktitle to make both agree", publication.origin)

    for publication in bibliography:
        resolve(publication, (publication.key,))
    _resolve_xdata(bibliography, by_folded_key)


def _resolve_xdata(bibliography: Bibliography, by_folded_key: dict[str, Publication]) -> None:
    """biber's @xdata: an entry takes each field it lacks from the @xdata entries its
    ``xdata`` names (``xdata = {physics, northholland}``, the first one's first), an @xdata
    from those it names itself; then ``xdata`` is dropped, as ``crossref`` is.  bibcv
    printed an article whose journal came from its @xdata without a journal."""
    def resolve(publication: Publication, chain: tuple[str, ...]) -> None:
        written = publication.raw_fields.pop("xdata", None)
        for key in filter(None, (part.strip() for part in (written or "").split(","))):
            source = by_folded_key.get(key.casefold())
            if source is None or source.key in chain:
                problem = "goes round in a circle" if source else "names no entry"
                bibliography.warn(f"entry {publication.key!r}: its xdata {key!r} {problem}; "
                                  "its fields are not used", publication.origin)
                continue
            resolve(source, (*chain, source.key))
            for name, value in source.raw_fields.items():
                if name not in publication.raw_fields and name not in NEVER_INHERITED:
                    publication.raw_fields[name] = value
                    publication.inherited.add(name)

    for publication in bibliography:
        resolve(publication, (publication.key,))


def _inherited_fields(parent: Publication, child: Publication) -> dict[str, str]:
    fields = dict(parent.raw_fields)
    renamed = _TITLE_INHERITANCE.get((parent.entry_type, child.entry_type))
    if renamed:
        for source, target in zip(("title", "subtitle", "titleaddon"), renamed, strict=False):
            if source in fields:  # a parent's own booktitle wins, as in BibTeX (xampl.bib)
                fields.setdefault(target, fields.pop(source))
    if (parent.entry_type, child.entry_type) in _AUTHOR_TO_BOOKAUTHOR and "author" in fields:
        fields.setdefault("bookauthor", fields["author"])
    for group in _DATE_GROUPS:
        if any(name in child.raw_fields for name in group):
            for name in group:
                fields.pop(name, None)
    return {name: value for name, value in fields.items() if name not in NEVER_INHERITED}


NEVER_INHERITED = frozenset({
    "ids", "crossref", "xref", "entryset", "entrysubtype", "execute", "label", "options",
    "presort", "related", "relatedoptions", "relatedstring", "relatedtype", "shorthand",
    "shorthandintro", "sortkey"})
_DATE_GROUPS = (("date", "year", "month", "day"), ("urldate",), ("eventdate",), ("origdate",))
_BOOK_TITLES = ("booktitle", "booksubtitle", "booktitleaddon")
_MAIN_TITLES = ("maintitle", "mainsubtitle", "maintitleaddon")
_TITLE_INHERITANCE: dict[tuple[str, str], tuple[str, ...]] = {
    **{(parent, child): _MAIN_TITLES for parent, children in (
        ("mvbook", ("book", "inbook", "bookinbook", "suppbook")),
        ("mvcollection", ("collection", "incollection", "suppcollection")),
        ("mvproceedings", ("proceedings", "inproceedings", "conference")),
        ("mvreference", ("reference", "inreference"))) for child in children},
    **{(parent, child): _BOOK_TITLES for parent, children in (
        ("book", ("inbook", "bookinbook", "suppbook")),
        ("collection", ("incollection", "suppcollection")),
        ("proceedings", ("inproceedings", "conference")),
        ("reference", ("inreference",))) for child in children},
    **{("periodical", child): ("journaltitle", "journalsubtitle")
       for child in ("article", "suppperiodical")},
}
_AUTHOR_TO_BOOKAUTHOR = frozenset(
    (parent, child) for parent in ("mvbook", "book") for child in ("inbook", "bookinbook",
                                                                   "suppbook"))


def _check_required_fields(publication: Publication, bibliography: Bibliography) -> None:
    required = REQUIRED_FIELDS.get(publication.entry_type, ())
    missing = []
    for need in required:
        options = need if isinstance(need, tuple) else (need,)
        if need == "year" and publication.has("date"):
            continue
        if need == "year" and publication.has("pubstate"):
            continue  # not published yet: a year is not expected
        if not any(publication.has(name) for name in options):
            missing.append(" or ".join(options))
    if missing:
        bibliography.incomplete.append(BibcvError(
            f"entry {publication.key!r} (@{publication.entry_type}) has no "
            f"{', '.join(missing)}, which BibTeX's standard styles require",
            publication.origin))


def _check_url(publication: Publication, bibliography: Bibliography) -> None:
    url = publication.text("url")
    if url and not is_web_address(url):
        bibliography.warn(
            f"entry {publication.key!r}: the url {url!r} is not a web address (http:// or "
            "https://, without spaces), so the CV shows the title without a link; the export "
            "keeps it", publication.origin)


@cache
def _season_words() -> dict[str, str]:
    """Each built-in language's season words (casefolded) and the season each names: read
    only for a month that is no month, so a CV whose months are months reads no locale."""
    words: dict[str, str] = {}
    for code in available():
        terms = load_locale(code).terms
        for season in SEASON_NUMBERS:
            words.setdefault(terms[f"season_{season}"].casefold(), season)
    return words


def _check_date(publication: Publication, bibliography: Bibliography) -> None:
    """A date the CV cannot read, or one no calendar has, would be shown wrong: say so."""
    written = publication.raw_fields.get("date", "").strip()
    problem = ""
    if written:
        date = _ISO_DATE.fullmatch(written)
        if date is None:
            problem = (f"cannot read the date {written!r}, so the CV shows it as written; "
                       "write it as 2024, 2024-03 or 2024-03-23")
        elif date.group(2) and not publication.season and not _is_date(
                date.group(1), date.group(2), date.group(3)) and not biblatex_season(
                date.group(2), date.group(3)):
            problem = (f"the date {written!r} is not on the calendar, so the CV leaves out "
                       "what is wrong in it; write it as 2024-03-23 (year-month-day)")
    day = publication.raw_fields.get("day", "").strip()
    if day and not problem and not _is_date(str(publication.year or 2000),
                                            str(publication.month or 1), day):
        problem = (f"the day {day!r} is not a day of {_month_and_year(publication)}; the CV "
                   "does not show it. Write the day of the month as a number")
    if problem:
        bibliography.warn(f"entry {publication.key!r}: {problem}", publication.origin)


def biblatex_season(month: str, day: str | None = None) -> str | None:
    """The season a biblatex date's month names, 21 (spring) to 24 (winter), as in
    2020-24 or a range's end (2012-21/2012-22); None for a month, or with a day."""
    number = int(month)
    return SEASONS[number - 21] if 21 <= number <= 24 and not day else None


def _is_date(year: str, month: str, day: str | None) -> bool:
    try:
        datetime.date(int(year), int(month), int(day) if day else 1)
    except ValueError:
        return False
    return True


def _month_and_year(publication: Publication) -> str:
    month = MONTH_NAMES[publication.month - 1] if publication.month else "the month"
    return f"{month} {publication.year}" if publication.year else month


def _check_month(publication: Publication, bibliography: Bibliography) -> None:
    """A month the CV cannot read would vanish from the citation: say so."""
    written = publication.text("month")
    if written and publication.season:
        if _SEASON_DATE.fullmatch(publication.raw_fields.get("date", "")):
            return  # the season for biber beside the one for bibtex, as export-bib writes it
        number = SEASON_NUMBERS[publication.season] + 20
        year_in_month = re.search(r"(?<![0-9])[0-9]{4}(?![0-9])", written)
        year = publication.year or (year_in_month.group() if year_in_month else "YYYY")
        bibliography.warn(
            f"entry {publication.key!r}: the month {written!r} is a season, which the CV "
            "prints with the year, as BibTeX's styles do; biblatex (biber) ignores a season "
            f"in month, so for biblatex write date = {{{year}-{number}}} "
            "beside it (-21 spring, -22 summer, -23 autumn, -24 winter)", publication.origin)
    elif written and publication.month is None:
        bibliography.warn(
            f"entry {publication.key!r}: cannot read the month {written!r}, so the CV shows "
            "the year alone; write month = feb (or 2), and a day as day = {1} or "
            "date = {2020-02-01}", publication.origin)


def _check_annotations(publication: Publication, bibliography: Bibliography) -> None:
    """An error that BibTeX reads past (it knows no annotations) and biber warns of."""
    for chunk in publication.unreadable_annotations():
        bibliography.errors.append(BibcvError(
            f"entry {publication.key!r}: cannot read the annotation {chunk!r} in 'author+an'; "
            "write it as '1=equal; 2=equal' (the CV leaves it out)", publication.origin))


def _check_same_paper(bibliography: Bibliography) -> None:
    """The same paper under two keys: same DOI, or the same title once normalised."""
    seen: dict[tuple[str, str], Publication] = {}
    for publication in bibliography:
        own = {name: value for name, value in publication.raw_fields.items()
               if name not in publication.inherited}  # a crossref child is not its parent
        signatures = []
        doi = own.get("doi", "").strip().lower()
        doi = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", doi)
        if doi:
            signatures.append(("DOI", doi))
        title = normalised_title(own.get("title", ""))
        if len(title) >= 8:
            signatures.append(("title", title))
        for signature in signatures:
            first = seen.setdefault(signature, publication)
            if first is not publication:
                bibliography.warn(
                    f"entry {publication.key!r} looks like the same paper as {first.key!r} "
                    f"at {first.origin} (same {signature[0]})", publication.origin)
                break


def normalised_title(raw: str) -> str:
    """Letters and digits only, without accents or LaTeX commands: cheap, no decoding."""
    text = re.sub(r"\\[a-zA-Z]+|\\.", "", raw)
    return _NOT_ALPHANUMERIC.sub("", unicodedata.normalize("NFKD", text).casefold())
