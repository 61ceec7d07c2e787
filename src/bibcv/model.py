"""The validated CV: the one data model every stage after ``load`` reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bibcv.citecounts import Counts
from bibcv.csl import CslStyle
from bibcv.errors import BibcvError, Origin
from bibcv.locales import Locale
from bibcv.names import Name
from bibcv.richtext import RichText
from bibcv.venues import VenueTable, load_venue_table


@dataclass(frozen=True)
class ContactItem:
    kind: str
    value: str
    origin: Origin


@dataclass
class Person:
    display_name: str
    names: list[Name]  # the name and its aliases, as parsed names
    contact: list[ContactItem] = field(default_factory=list)


@dataclass
class PublicationQuery:
    """Which bibliography entries a section shows, and in what order."""

    keys: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    author: str | None = None  # "self" for the CV owner, or a name
    exclude: list[str] = field(default_factory=list)
    selected: bool | None = None  # only entries with (true) or without (false) selected = {true}
    sort: list[str] = field(default_factory=list)  # empty: the order of keys, else newest first
    origin: Origin | None = None
    key_origins: list[Origin] = field(default_factory=list)  # the line of each of keys


@dataclass(frozen=True)
class PublicationOptions:
    """How a publications section numbers, shortens and groups its entries."""

    number_order: str = "ascending"  # or "descending": [12] ... [1]
    number_prefix: str = ""  # "J" gives [J1] [J2]
    continue_numbers: bool = False  # go on from the previous numbered section's numbers
    maxnames: int | None = None  # longer author lists are shortened (your name is kept)
    minnames: int = 1  # how many names a shortened list starts with
    last_author: bool = False  # a shortened list keeps its last author: "A, B, ..., Z"
    group_by: str | None = None  # sub-headings: "year" or "type"
    omit: tuple[str, ...] = ()  # fields this section leaves out, e.g. ("award", "note")
    cited_by: bool = False  # "Cited by N" after each entry (the CV's citations file)
    citation_summary: bool = False  # total citations and h-index under the heading
    style: CslStyle | None = None  # this section's CSL style; None: the CV's
    builtin_style: bool = False  # `style: bibcv` here, whatever the CV's style


@dataclass
class Section:
    id: str
    title: RichText
    layout: str
    origin: Origin
    text: RichText | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    query: PublicationQuery | None = None
    numbered: bool = True
    options: PublicationOptions = field(default_factory=PublicationOptions)


@dataclass(frozen=True)
class Margins:
    top: str
    bottom: str
    left: str
    right: str


@dataclass(frozen=True)
class PhotoChoice:
    path: Path  # where the CV says, resolved
    shape: str  # "round" or "square"
    origin: Origin  # the `photo` key's line: where a missing or unreadable file is blamed


@dataclass(frozen=True)
class Design:
    """The CV's look, every choice made: the theme's defaults with the CV's `design:` on top."""

    page_size: str = "a4"
    margins: Margins = Margins("0.35in", "0.35in", "0.5in", "0.5in")
    font: str = "Gentium Book Plus"
    font_size: str = "10pt"
    line_spacing: float = 1.0
    primary: str = "#000000"  # colours as #RRGGBB
    links: str | None = None  # None: links look like the text (PDF), the theme's (web)
    text: str = "#000000"
    section_title: str = "rule"  # rule, plain or filled
    header: str = "center"  # left, center or right
    date_position: str = "right"  # left or right
    photo: PhotoChoice | None = None
    last_page_footer: RichText | None = None
    # The theme's own font and size, for the web page, which follows only the CV's choices.
    theme_font: str = "Gentium Book Plus"
    theme_font_size: str = "10pt"


@dataclass
class CV:
    source: Path
    theme: str
    person: Person
    sections: list[Section]
    bibliography_files: list[Path]
    terms: dict[str, str]  # every word the CV prints, in its language (see locales)
    files: list[Path]  # the YAML chain, the CV first: everything the build depends on
    bibliography_encodings: dict[Path, str] = field(default_factory=dict)  # where the CV says
    # The .bib files named that do not exist, each with the line that says so (an error).
    bibliography_missing: dict[Path, Origin] = field(default_factory=dict)
    venue_table: Path | None = None  # the CV's own additions to the venue abbreviations
    venues: VenueTable = field(default_factory=load_venue_table)  # bibcv's, with those
    formats: tuple[str, ...] = ("pdf",)  # what `bibcv build` writes when not told
    warnings: list[BibcvError] = field(default_factory=list)  # e.g. a section left out of order
    # Problems that leave the rest readable (a file, style or photo not found, an unknown
    # language): the CV is built without what they name, so that one run reports them all.
    errors: list[BibcvError] = field(default_factory=list)
    last_updated: str | None = None  # printed as the theme's "Last updated" line
    citations: Path | None = None  # the counts `bibcv cite-counts` wrote; read, never fetched
    counts: Counts | None = None  # what that file holds
    language: str = "en"  # the BCP 47 tag the CV gives, for <html lang> and the CSL locale
    locale: Locale | None = None  # the built-in locale serving it (its fonts, CJK or not)
    design: Design = field(default_factory=lambda: Design())
    style: CslStyle | None = None  # a CSL citation style; None: bibcv's own
    csl_language: str | None = None  # `language:` when the CV gives it: the CSL locale
