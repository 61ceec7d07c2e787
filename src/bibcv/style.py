"""The citation style: each publication as format-neutral rich text, one template per type.

Like pybtex's styles, a template per entry type says what an entry shows and in
what order, built from small parts that vanish with their separators when a
field is missing; the result says "emphasis", "strong", "link" and "url", and
each backend (LaTeX today) decides how those look.  The fields shown follow
biblatex's standard style, less what a CV never shows (ISBN, urldate,
abstract).  Words ("In", "PhD thesis", "pp. {}") and date patterns come from
the CV's language (``locales``), which a theme's or a CV's ``terms`` override.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bibcv.bibliography import (
    EQUAL_CONTRIBUTION,
    VERBATIM_FIELDS,
    Publication,
    biblatex_season,
)
from bibcv.cjk import is_cjk
from bibcv.csl import (
    MARKUP_FIELDS,
    Bibliographies,
    CslStyle,
    ItemOptions,
    csl_item,
    linked,
    markup_to_rich,
)
from bibcv.errors import BibcvError
from bibcv.latexrich import formula_problems, latex_markup
from bibcv.locales import language_tag
from bibcv.model import Person
from bibcv.names import Name
from bibcv.richtext import (
    Link,
    MarkupError,
    Node,
    RichText,
    Styled,
    Text,
    as_rich,
    check_url,
    join,
    link,
    styled,
)
from bibcv.select import is_any_of, is_selected
from bibcv.texdecode import QUOTE_CLOSE, QUOTE_OPEN, Quotes, set_quotes
from bibcv.venues import VenueTable

EQUAL_CONTRIBUTION_MARK = "*"
VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "howpublished", "school", "institution",
                "publisher")
# biblatex's names for BibTeX's fields, read when the BibTeX name is absent.
BIBLATEX_NAMES = {"journal": "journaltitle", "address": "location"}
# Per-paper links, with al-folio's field names, in the order they are printed.
LINK_FIELDS = ("pdf", "slides", "code", "video", "poster", "website", "html", "supp", "blog")
BADGE_LENGTH = 12  # "USENIX ATC" fits a badge; "Long Venue Workshop" does not
# biblatex's thesis and report types, as BibTeX writes them in `type`.
_TYPE_WORDS = {"phdthesis": "phdthesis", "phd": "phdthesis", "mathesis": "mastersthesis",
               "mastersthesis": "mastersthesis", "masterthesis": "mastersthesis",
               "techreport": "techreport", "resreport": "resreport",
               **{key: key for key in ("patent", "patentde", "patenteu", "patentfr", "patentuk",
                                       "patentus", "patreq", "patreqde", "patreqeu", "patreqfr",
                                       "patrequk", "patrequs")}}
# The eprint types biblatex's standard style names and links (biblatex.def's eprint:jstor, …).
_EPRINTS = {"jstor": ("JSTOR", "https://www.jstor.org/stable/"),
            "hdl": ("HDL", "https://hdl.handle.net/"),
            "pubmed": ("PMID", "https://pubmed.ncbi.nlm.nih.gov/"),
            "googlebooks": ("Google Books", "https://books.google.com/books?id=")}
# biblatex's keys for the countries of a patent's `location`, printed as their codes.
_COUNTRY_CODES = {"countryde": "DE", "countryeu": "EU", "countryep": "EP", "countryfr": "FR",
                  "countryuk": "GB", "countryus": "US"}
_ARXIV_ID = re.compile(r"^(?:arxiv:)?\s*(\S+)$", re.IGNORECASE)
_SCHOLAR_ARXIV = re.compile(r"^arxiv(?: preprint)?\s*arxiv:\s*(\S+)$", re.IGNORECASE)
_DBLP_ARXIV_JOURNALS = {"corr", "arxiv", "arxiv preprint"}
_PAGE_RANGE = re.compile(r"^\s*(\S+?)\s*(?:-+|\u2013|\u2014)\s*(\S+)\s*$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_PLACE = re.compile(r"\{(\w*)\}")  # where a pattern term's value goes: {} or {name}
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)  # between the items of a list field
_ISO_DAY = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?[~?%]?")  # 1618~: approximate
# Fields a reader expects to see, which bibcv's own style shows or warns about: every field
# biblatex's standard style prints (less ISBN, ISSN, urldate and the like, which a CV
# leaves out), and the names of a translation.
CHECKED_FIELDS = (
    "editor", "translator", "bookauthor", "editora", "editorb", "editorc", "commentator",
    "annotator", "introduction", "foreword", "afterword", "holder", "subtitle", "titleaddon",
    "booktitle", "booksubtitle", "booktitleaddon", "maintitle", "mainsubtitle",
    "maintitleaddon", "journal", "journaltitle", "journalsubtitle", "issuetitle",
    "issuesubtitle", "eventtitle", "eventtitleaddon", "venue", "eventdate", "origtitle",
    "origlanguage", "origdate", "origlocation", "origpublisher", "reprinttitle", "series",
    "volume", "volumes", "part", "number", "issue", "pages", "eid", "chapter", "edition",
    "version", "type", "publisher", "organization", "institution", "school", "address",
    "location", "howpublished", "note", "addendum", "pubstate")
# editora, editorb and editorc by their editoratype: biblatex's roles and the words for them.
_ROLE_TERMS = {"editor": "edited_by", "compiler": "compiled_by", "founder": "founded_by",
               "continuator": "continued_by", "redactor": "redacted_by",
               "reviser": "revised_by", "collaborator": "in_collaboration_with",
               "organizer": "organized_by"}
# The others a work may name, "with an introduction by A", in biblatex's order.
_WITH_TERMS = (("commentator", "with_commentary_by"), ("annotator", "with_annotations_by"),
               ("introduction", "with_introduction_by"), ("foreword", "with_foreword_by"),
               ("afterword", "with_afterword_by"))
# What biblatex's standard style does not print for a type either (ACM's and Google
# Scholar's exports give an @article its publisher and address): no warning.
# The types whose `issue` biblatex prints ("Spring" before the date): a journal's.
_ISSUED = frozenset({"article", "periodical", "newspaper"})
UNPRINTED_FIELDS = {"article": frozenset({"publisher", "address", "location", "organization"})}


@dataclass(frozen=True)
class LabelledLink:
    """A link with its label: "DOI" / "10.1145/…", "arXiv" / "arXiv:2404.12457 [cs.DC]", "PDF"."""

    label: str
    text: str  # what the reader sees
    url: str

    @property
    def rich(self) -> RichText:
        """"DOI: 10.1145/…" (the label first unless the text starts with it), linked."""
        if self.text == self.label:
            return link(self.url, self.text)
        label = "" if self.text.startswith(self.label) else f"{self.label}: "
        return label + link(self.url, styled("url", self.text))


@dataclass(frozen=True)
class CitationStyle:
    """What shapes a citation besides the entry: whose CV, the words, the section's choices."""

    person: Person
    terms: Mapping[str, str]  # every word, in the CV's language (see locales)
    venues: VenueTable
    maxnames: int | None = None  # longer author lists are shortened to minnames (+ you)
    minnames: int = 1
    last_author: bool = False  # a shortened list keeps its last author: "A, B, …, Z"
    omit: frozenset[str] = frozenset()  # fields (and "in", "month") a theme leaves out
    badges: bool = False  # the theme shows venue badges: warn when a venue has no abbreviation
    cited_by: Mapping[str, int] | None = None  # citation counts by key: "Cited by N"
    csl: CslStyle | None = None  # a CSL style instead of bibcv's own
    bibliographies: Bibliographies | None = None  # where the CSL entries are rendered

    def term(self, name: str) -> str:
        return self.terms[name]

    @property
    def quotes(self) -> Quotes:
        """The language's quotation marks, outer then inner, from its quote terms ("“{}”")."""
        outer, inner = self.terms["quote"].split("{}"), self.terms["quote_inner"].split("{}")
        return (outer[0], outer[-1], inner[0], inner[-1])

    def pattern(self, name: str, *values: str, **named: str) -> str:
        """A pattern term with its values: "pp. {}" and "1–5" give "pp. 1–5"."""
        return self.terms[name].format(*values, **named)

    def rich_pattern(self, name: str, *values: RichText | str,
                     **named: RichText | str) -> RichText:
        """A pattern term around rich values: "In {}" and an emphasised title."""
        pieces: list[RichText | str] = []
        position = 0
        unnamed = iter(values)
        pattern = self.terms[name]
        for match in _PLACE.finditer(pattern):
            pieces.append(pattern[position:match.start()])
            pieces.append(named[match.group(1)] if match.group(1) else next(unnamed))
            position = match.end()
        pieces.append(pattern[position:])
        return join("", pieces)

    def csl_item(self, publication: Publication) -> dict[str, Any]:
        """The entry as CSL-JSON, with your names and this section's shortening."""
        return csl_item(publication, ItemOptions(
            person_names=tuple(self.person.names), maxnames=self.maxnames,
            minnames=self.minnames, last_author=self.last_author,
            terms=tuple(self.terms.items())))


@dataclass(frozen=True)
class PublicationView:
    """What templates (and the HTML and Markdown backends) see of one publication."""

    key: str
    entry_type: str
    label: str  # "[1]", "[J3]", or "" when the section is not numbered
    citation: RichText  # the whole entry: authors. title, details. notes. identifiers. [links]
    authors: RichText
    title: RichText  # linked to url, else the DOI, else the arXiv page; may be empty
    details: RichText  # where and when: "In *Booktitle*, pp. 1–10, 2023"
    extras: RichText  # notes, award, identifiers and per-paper links, as sentences
    venue_line: RichText  # details and extras together, for themes that set them apart
    identifiers: tuple[LabelledLink, ...]  # DOI, arXiv (and the URL of an online entry)
    links: tuple[LabelledLink, ...]  # [PDF] [Slides] [Code] ...
    # Without identifiers and links, for pages that show those as buttons (HTML):
    reference: RichText  # authors. title, details. notes.
    details_notes: RichText  # details. notes.
    short: RichText  # the short title (a system's name), else the title
    venue: str  # as written in the entry
    venue_short: str  # from the venue table, else the venue
    badge: str  # the venue's abbreviation when one is known, else ""
    year: str
    year_short: str  # "23" for 2023
    date: str  # "Nov. 2023"
    status: str  # the theme's word for pubstate, e.g. "Under review"
    award: str
    selected: bool
    has_equal_contribution: bool


def view_publications(publications: list[Publication], style: CitationStyle,
                      labels: list[str] | None = None,
                      warnings: list[BibcvError] | None = None) -> list[PublicationView]:
    labels = labels or [""] * len(publications)
    sink = warnings if warnings is not None else []
    return [view_publication(publication, style, label, sink)
            for publication, label in zip(publications, labels, strict=True)]


def view_publication(publication: Publication, style: CitationStyle, label: str = "",
                     warnings: list[BibcvError] | None = None) -> PublicationView:
    sink = warnings if warnings is not None else []
    entry = _Entry(publication, style)
    title = _title(entry)
    identifiers = tuple(_identifiers(entry))
    links = tuple(_paper_links(entry, sink))
    facts = _facts(entry, title, label, sink)
    if style.csl is not None:
        return _csl_view(entry, identifiers, links, facts)
    details = _details(entry)
    notes = join(" ", _notes(entry))
    sink += _unshown_warnings(entry)
    extras = join(" ", [notes, _sentence(join(", ", [i.rich for i in identifiers])),
                        join(" ", [link(x.url, f"[{x.text}]") for x in links])])
    authors = format_authors(publication, style)
    sentences = [_sentence(authors), _sentence(join(", ", [title, details])), extras]
    return PublicationView(
        citation=RichText(join(" ", sentences).parts, publication.origin),
        authors=authors,
        title=title,
        details=details,
        extras=extras,
        venue_line=join(" ", [_sentence(details) if extras else details, extras]),
        identifiers=identifiers,
        links=links,
        reference=join(" ", [*sentences[:2], notes]),
        details_notes=join(" ", [_sentence(details) if notes else details, notes]),
        **facts,
    )


def _facts(entry: _Entry, title: RichText, label: str,
           warnings: list[BibcvError]) -> dict[str, Any]:
    """The view's fields that do not depend on how the entry is styled (bibcv's own or CSL)."""
    publication = entry.publication
    venue = venue_of(publication)
    year = publication.year_text
    return {
        "key": publication.key,
        "entry_type": publication.entry_type,
        "label": label,
        "short": as_rich(entry.text("shorttitle")) or as_rich(str(title)),
        "venue": venue,
        "venue_short": entry.style.venues.abbreviate(venue) if venue else "",
        "badge": _badge(publication, venue, entry.style, warnings),
        "year": year,
        "year_short": year[-2:] if publication.has_clean_year else year,
        "date": _date(entry),
        "status": _status(entry),
        "award": entry.text("award"),
        "selected": is_selected(publication),
        "has_equal_contribution": any(
            EQUAL_CONTRIBUTION in publication.author_annotations(index)
            for index in range(len(publication.authors))),
    }


def _csl_view(entry: _Entry, identifiers: tuple[LabelledLink, ...],
              links: tuple[LabelledLink, ...], facts: dict[str, Any]) -> PublicationView:
    """The view from a CSL style: the whole entry as citeproc-js writes it (your name
    in bold, equal contributions marked, addresses and the DOI linked), then what the
    style leaves out that a CV links (the DOI, the arXiv id), the award and "Cited by N",
    and the per-paper links.  The entry is one piece, so a theme that sets the title and
    authors apart (scholar) shows it whole in the venue line."""
    style, publication = entry.style, entry.publication
    assert style.csl is not None and style.bibliographies is not None
    html = style.bibliographies.entry(style.csl, style.csl_item(publication))
    rendered = linked(markup_to_rich(html, EQUAL_CONTRIBUTION_MARK), _doi(entry))
    reference = join(" ", [rendered, *(_sentence(note) for note in _cv_notes(entry))])
    reference = RichText(reference.parts, publication.origin)
    unsaid = [i for i in identifiers if i.url not in _link_targets(reference)
              and i.text.removeprefix("arXiv:").split(" ")[0] not in str(reference)]
    extras = join(" ", [_sentence(join(", ", [i.rich for i in unsaid])),
                        join(" ", [link(x.url, f"[{x.text}]") for x in links])])
    citation = join(" ", [reference, extras])
    return PublicationView(
        citation=RichText(citation.parts, publication.origin), authors=RichText(),
        title=RichText(), details=citation, extras=extras, venue_line=citation,
        identifiers=identifiers, links=links, reference=reference, details_notes=reference,
        **facts)


def _unshown_warnings(entry: _Entry) -> list[BibcvError]:
    """A field a reader expects that this entry type's template does not print is said, never
    dropped in silence (a theme's `omit` is a choice, not a loss)."""
    publication = entry.publication
    shown = (entry.shown | entry.style.omit | UNPRINTED_FIELDS.get(publication.standard_type, set())
             | ({"editor"} if not publication.authors else set()))
    return [BibcvError(
        f"entry {publication.key!r}: bibcv's own style does not show the field {name!r} "
        f"({publication.text(name)!r}) of an @{publication.entry_type}; move it to `note` "
        "(or `addendum`), or use a CSL style that shows it (`style:`, see README \"Citation "
        "styles (CSL)\")", publication.origin)
        for name in CHECKED_FIELDS if name not in shown and publication.has(name)]


def _link_targets(rich: RichText) -> set[str]:
    found: set[str] = set()

    def walk(nodes: tuple[Node, ...]) -> None:
        for node in nodes:
            if isinstance(node, Link):
                found.add(node.url)
            if not isinstance(node, Text):
                walk(node.children)

    walk(rich.parts)
    return found


def format_citation(publication: Publication, style: CitationStyle) -> RichText:
    return view_publication(publication, style).citation


# --- authors -------------------------------------------------------------------

def format_authors(publication: Publication, style: CitationStyle) -> RichText:
    """The author list, your name in bold; editors "(eds.)" when there are no authors."""
    names = list(publication.authors)
    if names:
        return _name_list(names, publication, style, annotated=True)
    editors = publication.editors
    if not editors:
        return RichText()
    names = _name_list(editors, publication, style, annotated=False)
    role = publication.text("editortype").strip() or "editor"
    term = _ROLE_TERMS.get(role.casefold())
    if term == "edited_by":
        return style.rich_pattern("editors" if len(editors) > 1 else "editor", names)
    if term is None:  # a role biblatex has no word for, as written: "A, B (coordinator)"
        return join(" ", [names, f"({role})"])
    return _capitalized_pattern(style.term(term), names)


def _capitalized_pattern(pattern: str, value: RichText) -> RichText:
    """"compiled by {}" as a sentence's start: "Compiled by A, B" (the editors of an entry
    with no authors, in a role other than editing: biblatex's editortype)."""
    if not pattern.startswith("{}"):
        pattern = pattern[:1].upper() + pattern[1:]
    before, _, after = pattern.partition("{}")
    return join("", [before, value, after])


def _name_list(names: list[Name], publication: Publication, style: CitationStyle,
               annotated: bool) -> RichText:
    """Shortened to maxnames when asked, always keeping the CV owner: "A, B, **You**, …, Z"."""
    cut_short = bool(names) and names[-1].is_others
    if cut_short:
        names = names[:-1]
    shown = _shown_indices(names, style)
    parts: list[RichText | str] = []
    previous = -1
    for index in shown:
        if index > previous + 1:
            parts.append("\u2026")
        parts.append(_one_name(names[index], index, publication, style, annotated))
        previous = index
    if cut_short or previous < len(names) - 1:
        parts.append(style.term("et_al"))
    return join(style.term("name_separator"), parts)


def _shown_indices(names: list[Name], style: CitationStyle) -> list[int]:
    if style.maxnames is None or len(names) <= style.maxnames:
        return list(range(len(names)))
    kept = set(range(min(style.minnames, len(names))))
    kept |= {i for i, name in enumerate(names) if is_any_of(name, style.person.names)}
    if style.last_author:
        kept.add(len(names) - 1)
    return sorted(kept)


def _one_name(name: Name, index: int, publication: Publication, style: CitationStyle,
              annotated: bool) -> RichText:
    text = as_rich(latex_quotes(name.display()))
    if annotated and EQUAL_CONTRIBUTION in publication.author_annotations(index):
        text = text + EQUAL_CONTRIBUTION_MARK
    if is_any_of(name, style.person.names):
        text = styled("strong", text)
    return text


def _editor_phrase(entry: _Entry) -> RichText:
    """"edited by A, B and C" -- for entries whose authors are not the editors -- then
    editora, editorb and editorc, each by its role (editortype, editoratype, …: "compiled
    by D", "organized by E"; a role biblatex has no word for, as written before the
    names), as biblatex's byeditor+others says them."""
    phrases = []
    for field_name in ("editor", "editora", "editorb", "editorc"):
        names = entry.names(field_name) \
            if field_name != "editor" or entry.publication.authors else []
        if names:
            role = entry.text(f"{field_name}type") or "editor"
            term = _ROLE_TERMS.get(role.casefold())
            named = _names_phrase(names, entry.style)
            phrases.append(entry.style.pattern(term, named) if term else f"{role} {named}")
    return as_rich(", ".join(phrases))


def _by_others(entry: _Entry) -> list[RichText | str]:
    """biblatex's byeditor+others: the editors and editora/b/c first, then the translators
    and the others a work names ("with a foreword by A"), as biblatex prints them after a
    book's title and after a chapter's "In *Booktitle*"."""
    return [_editor_phrase(entry), *_translation(entry)]


def _names_phrase(names: list[Name], style: CitationStyle) -> str:
    """"A, B and C", "A et al." (for "and others")."""
    shown = [latex_quotes(name.display()) for name in names if not name.is_others]
    return list_phrase(shown, style.terms) + (f" {style.term('et_al')}" if names[-1].is_others
                                         else "")


def list_phrase(items: list[str], terms: Mapping[str, str]) -> str:
    """"A, B and C" in the CV's language."""
    if len(items) == 1:
        return items[0]
    return terms["list_separator"].join(items[:-1]) + f" {terms['and']} {items[-1]}"


def _languages(written: str, style: CitationStyle) -> str:
    """origlanguage, a list ("german and french", "ngerman", "de"), named in the CV's
    language ("German and French", "Deutsch und Französisch"); a language the locale does
    not name, as written."""
    names = [name.strip() for name in _AND.split(written) if name.strip()]
    return list_phrase([style.terms.get(
        f"language_{language_tag(name).split('-')[0].casefold()}", name) for name in names],
        style.terms)


def _translation(entry: _Entry) -> list[RichText | str]:
    """What a translation says of its original, as biblatex's standard style does and more:
    "translated by A", and the original's language, title, publisher, place and date."""
    translators = entry.names("translator")
    style = entry.style
    parts: list[RichText | str] = [
        style.pattern("translated_by", _names_phrase(translators, style)) if translators else "",
        *_with_others(entry),
        style.pattern("original_language", _languages(entry.text("origlanguage"), style))
        if entry.text("origlanguage") else ""]
    origtitle = entry.rich("origtitle")
    if origtitle:
        parts.append(style.rich_pattern("original_title", styled("emph", origtitle)))
    original = join(", ", [entry.text("origpublisher"), entry.text("origlocation"),
                           _iso_date(entry, "origdate")])
    if original:
        parts.append(style.rich_pattern("original_date", original))
    return parts


def _with_others(entry: _Entry) -> list[str]:
    """What biblatex's bytranslator+others adds: "with an introduction by A" and the like."""
    return [entry.style.pattern(term, _names_phrase(entry.names(field_name), entry.style))
            for field_name, term in _WITH_TERMS if entry.names(field_name)]


def _event(entry: _Entry) -> RichText:
    """biblatex's event: "Eventtitle. Eventtitleaddon (Venue, Jan. 5–7, 2020)"."""
    where_when = join(", ", [entry.text("venue"), _iso_date(entry, "eventdate")])
    title = _with_addon(entry.rich("eventtitle"), entry.rich("eventtitleaddon"))
    return join(" ", [title, "(" + where_when + ")" if where_when else ""])


def _iso_date(entry: _Entry, name: str) -> str:
    """A biblatex date field (origdate, eventdate) in the language's form: "1867",
    "Jan. 2020", "Jan. 5, 2020"; a range says once what its ends share ("Sept. 5–7, 2008",
    "Sept. 30–Oct. 2, 2008", "5.–7. Sept. 2008"), as CSL styles and biblatex do; as
    written when it is no date."""
    written = entry.text(name)
    if not written:
        return ""
    dates = [date_fields(part) for part in written.split("/")]
    if None in dates:
        return written
    shown = [date for date in dates if date]
    if len(shown) == 2 and shown[0].keys() == shown[1].keys():
        return _date_range(shown[0], shown[1], entry.style.terms)
    return "\u2013".join(dict.fromkeys(date_text(date, entry.style.terms) for date in shown))


def date_fields(written: str) -> dict[str, str] | None:
    """"2020-01-05" as its year, month and day, "2020-22" (biblatex's summer) as its year and
    season's number in month; {} for an open end; None when it is no date (`bibcv import`
    writes an imported CV's dates with it and date_text)."""
    match = _ISO_DAY.fullmatch(written.strip())
    if match is None:
        return {} if not written.strip() else None
    year, month, day = match.groups()
    if month and not (1 <= int(month) <= 12 or biblatex_season(month, day)):
        return None
    return {"year": year, **({"month": month} if month else {}),
            **({"day": str(int(day))} if day else {})}


def _date_pattern(date: Mapping[str, str], terms: Mapping[str, str]) -> str:
    if "month" not in date:
        return "{year}"
    return terms["date_day" if "day" in date else "date"]


def _date_values(date: Mapping[str, str], terms: Mapping[str, str]) -> dict[str, str]:
    """The month's word, or the season's where biblatex's month is 21-24."""
    month = date.get("month")
    if not month:
        return dict(date)
    season = biblatex_season(month)
    return {**date, "month": terms[f"season_{season}" if season else f"month_{int(month)}"]}


def date_text(date: Mapping[str, str], terms: Mapping[str, str]) -> str:
    """A date's fields (date_fields) in a language's words: "Sept. 2018", "2018年9月"."""
    return _date_pattern(date, terms).format(**_date_values(date, terms))


def _date_range(start: Mapping[str, str], end: Mapping[str, str],
                terms: Mapping[str, str]) -> str:
    """Two dates of one precision, what they share said once: in one year, the day (else
    the month and day) is said twice, the language's pattern keeping its order; the German
    ordinal's full stop stays on both ends.  Dates of two years are each said whole."""
    if start == end:
        return date_text(start, terms)
    if start["year"] != end["year"]:
        return f"{date_text(start, terms)}\u2013{date_text(end, terms)}"
    twice = {"day"} if start.get("month") == end.get("month") else {"month", "day"}
    pieces = _PLACE.split(_date_pattern(start, terms))  # literal, field, literal, field, …
    fields, literals = pieces[1::2], pieces[2::2]
    inside = [index for index, name in enumerate(fields) if name in twice]
    first, last = inside[0], inside[-1]
    values = [_date_values(start, terms), _date_values(end, terms)]

    def span(value: dict[str, str]) -> str:
        return "".join(value[fields[index]] + (literals[index] if index < last else "")
                       for index in range(first, last + 1))

    def shared(indices: range) -> str:
        return "".join(values[0][fields[index]] + literals[index] for index in indices)

    ordinal = "." if literals[last].startswith(".") else ""
    return (pieces[0] + shared(range(first)) + span(values[0]) + ordinal + "\u2013"
            + span(values[1]) + literals[last] + shared(range(last + 1, len(fields))))


# --- the parts of an entry -------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    """Field access for the templates: typographic quotes, and the theme's omissions."""

    publication: Publication
    style: CitationStyle
    shown: set[str] = field(default_factory=set)  # the fields read, for _unshown_warnings

    def text(self, name: str) -> str:
        """The field (or its biblatex name: journaltitle, location) as the reader sees it."""
        if name in self.style.omit:
            return ""
        self.shown.update((name, BIBLATEX_NAMES.get(name, name)))
        quotes = self.style.quotes
        value = self.publication.text(name, quotes) or self.publication.text(
            BIBLATEX_NAMES.get(name, ""), quotes)
        return value if name in VERBATIM_FIELDS else latex_quotes(value)

    def emph(self, name: str) -> RichText:
        value = self.rich(name)
        return styled("emph", value) if value else RichText()

    def rich(self, name: str) -> RichText:
        """The field with the formatting its LaTeX gives it (emphasis, small capitals, H₂O)."""
        if name in self.style.omit:
            return RichText()
        self.shown.update((name, BIBLATEX_NAMES.get(name, name)))
        fields = self.publication.raw_fields
        raw = fields.get(name) or fields.get(BIBLATEX_NAMES.get(name, ""), "")
        if not raw.strip():
            return RichText()
        return _quoted(markup_to_rich(latex_markup(raw)), self.style.quotes)

    def names(self, name: str) -> list[Name]:
        if name in self.style.omit:
            return []
        self.shown.add(name)
        return self.publication.names(name)


def _quoted(rich: RichText, quotes: Quotes) -> RichText:
    """latex_quotes over every text of a rich value, and \\enquote's marks as the
    language's quotation marks (nested across emphasis: \\enquote{\\emph{\\enquote{…}}})."""
    depth = 0

    def convert(node: Node) -> Node:
        nonlocal depth
        if isinstance(node, Text):
            text = set_quotes(node.value, quotes, depth)
            depth += node.value.count(QUOTE_OPEN) - node.value.count(QUOTE_CLOSE)
            return Text(latex_quotes(text))
        if isinstance(node, Styled):
            return Styled(node.style, tuple(convert(child) for child in node.children))
        return node
    return RichText(tuple(convert(node) for node in rich.parts))


def latex_quotes(text: str) -> str:
    """Quotes as LaTeX prints them: `` and '' are “ ”, ` and ' are ‘ ’ ("O'Connor" -> O’Connor)."""
    if not any(char in text for char in "`'\""):
        return text
    text = text.replace("``", "\u201c").replace("''", "\u201d")
    text = text.replace("`", "\u2018").replace("'", "\u2019")
    return re.sub(r'(^|[\s(\[{\u2018])"', "\\1\u201c", text).replace('"', "\u201d")


def _title(entry: _Entry) -> RichText:
    """"Title: Subtitle. Titleaddon", as biblatex prints it; the title and subtitle linked."""
    title = join(": ", [entry.rich("title"), entry.rich("subtitle")])
    target = _title_target(entry)
    if title and target:
        title = link(target, title)
    return _with_addon(title, entry.rich("titleaddon"))


def _with_addon(title: RichText, addon: RichText) -> RichText:
    """"Title. Addon"; a title that ends a sentence itself gets no second full stop, as
    biblatex's punctuation tracker sees to: "U.S. Const. amend. XIV", not "Const.. amend."."""
    ends = str(title).rstrip().endswith((".", "?", "!"))
    return join(" " if ends else ". ", [title, addon])


def _main_title(entry: _Entry) -> RichText:
    """A multi-volume work's *Maintitle: Mainsubtitle. Maintitleaddon*."""
    title = join(": ", [entry.rich("maintitle"), entry.rich("mainsubtitle")])
    return _with_addon(styled("emph", title) if title else RichText(),
                       entry.rich("maintitleaddon"))


def _title_target(entry: _Entry) -> str:
    """The title links to the url, else the DOI, else the arXiv page."""
    url = entry.publication.link_target  # a url that is no web address: warned when read
    if url:
        return _checked(url, entry)
    doi = _doi(entry)
    if doi:
        return doi_url(doi)
    arxiv = arxiv_id(entry.publication)
    return arxiv_url(arxiv[0]) if arxiv else ""


def _details(entry: _Entry) -> RichText:
    """Where and when, by entry type; the state of unpublished work; the date last."""
    template = _TEMPLATES.get(entry.publication.standard_type, _misc)
    parts = [part for part in template(entry) if part]
    status = _status(entry)
    if status:
        parts.append(as_rich(status) if parts else styled("emph", status))
    issue = _issue_word(entry) if entry.publication.standard_type in _ISSUED else ""
    parts.append(as_rich(" ".join(filter(None, [issue, _date(entry)]))))
    return join(", ", [part for part in parts if part])


def _issue_number(entry: _Entry) -> str:
    """The number, else an `issue` that is a number (issue = {3}, as JabRef writes it)."""
    issue = entry.text("issue") if entry.publication.standard_type in _ISSUED else ""
    return entry.text("number") or (issue if issue.isdigit() else "")


def _issue_word(entry: _Entry) -> str:
    """biblatex's `issue` of a journal, before its date: "Spring 1998", "Morgen-Ausg. 1939"
    (biblatex's "(issue date)"); an issue that is a number is printed as the number."""
    issue = entry.text("issue")
    return "" if issue.isdigit() and not entry.text("number") else issue


def _in(entry: _Entry, booktitle: RichText) -> RichText:
    """"In *Booktitle*", "In Bookauthor, *Booktitle*" (a book by others than the authors)."""
    bookauthors = entry.names("bookauthor") if booktitle else []
    if bookauthors and bookauthors != entry.publication.authors:
        booktitle = join(", ", [_names_phrase(bookauthors, entry.style), booktitle])
    if not booktitle or not entry.style.term("in") or "in" in entry.style.omit:
        return booktitle
    return entry.style.rich_pattern("in", booktitle)


def _pages(entry: _Entry) -> str:
    pages = _dashed(entry.text("pages"))
    if not pages:
        return ""
    return entry.style.pattern("pages" if re.search("[\u2013,]", pages) else "page", pages)


def _dashed(pages: str) -> str:
    match = _PAGE_RANGE.match(pages)
    return f"{match.group(1)}\u2013{match.group(2)}" if match else pages


def _series(entry: _Entry) -> RichText:
    """"vol. 12 of *Series*", "*Series* 34" (a number in a series), or either alone; a
    volume of a multi-volume work is one of its *Maintitle* ("vol. 2 of *Opera*"), its
    series then said apart, as biblatex prints the volume with the maintitle."""
    main, series, volume = _main_title(entry), entry.emph("series"), entry.text("volume")
    number = entry.text("number") if series else ""
    numbered = series + f" {number}" if number else series
    whole = main or series
    if not volume:
        return join(", ", [main, numbered])
    phrase = entry.style.pattern("volume", volume)
    of = entry.style.rich_pattern("volume_of_series", volume=phrase, series=whole) \
        if whole else as_rich(phrase)
    return join(", ", [of, numbered if main else RichText()])


def _edition(entry: _Entry) -> str:
    """2 -> "2nd edition" ("第2版"); a Chinese, Japanese or Korean edition is a whole phrase
    as written (刻本, 修订版, 第2版): zh's "第{}版" made it "第刻本版"."""
    edition = entry.text("edition")
    if not edition or re.search(r"\bed(ition|\.)", edition, re.IGNORECASE) \
            or any(is_cjk(char) for char in edition):
        return edition
    if edition.isdigit():
        edition = _ordinal(int(edition), entry.style)
    return entry.style.pattern("edition", edition)


def _ordinal(number: int, style: CitationStyle) -> str:
    """2 -> "2nd" (English), "2." (German), "2e" (French): ordinal_N for a last digit N
    outside the teens, else ordinal."""
    last = number % 10
    name = f"ordinal_{last}" if last in (1, 2, 3) and not 10 <= number % 100 <= 20 else "ordinal"
    return style.pattern(name, number)


def _version(entry: _Entry) -> str:
    version = entry.text("version")
    return entry.style.pattern("version", version) if version else ""


def _type_word(entry: _Entry, default: str) -> str:
    """A thesis's or report's kind: the `type` field (biblatex's keys are translated)."""
    written = entry.text("type")
    key = type_key(written)
    return entry.style.term(key) if key else (written or entry.style.term(default))


def type_key(written: str) -> str:
    """The term of a thesis's, report's or patent's `type` written as biblatex's key or
    as BibTeX's users write it ("PhD", "masters thesis", "patentus"); '' for other words."""
    return _TYPE_WORDS.get(written.casefold().replace(" ", ""), "")


def _date(entry: _Entry) -> str:
    """"Nov. 2024", "Winter 2024" (a season, in month or a biblatex date), a range of months,
    days or seasons as biblatex prints it ("Mar.–May 2012", "Spring–Summer 2012"); a year
    that is not a clean one ("in press", "2024a") as written."""
    publication = entry.publication
    if "month" not in entry.style.omit and _is_range_of_months(entry.text("date")):
        return _iso_date(entry, "date")
    year = publication.year_text
    month = (f"month_{publication.month}" if publication.month
             else f"season_{publication.season}" if publication.season else "")
    if not month or "month" in entry.style.omit or not publication.has_clean_year:
        return year
    return entry.style.pattern("date", month=entry.style.term(month), year=year)


def _is_range_of_months(written: str) -> bool:
    """A date range whose two ends both have a month (or a season), which _iso_date says
    whole; the year and the first month alone would leave out the rest."""
    ends = [date_fields(end) for end in written.split("/")] if "/" in written else []
    return len(ends) == 2 and all(end and "month" in end for end in ends)


def _status(entry: _Entry) -> str:
    """The theme's words for pubstate ("submitted" -> "Under review"); unknown states as written."""
    state = entry.text("pubstate")
    return entry.style.terms.get(state.casefold(), state)


def _place(entry: _Entry, *names: str) -> list[RichText | str]:
    """Publisher (or organization, institution), then address: "ACM, New York"."""
    return [entry.text(name) for name in names] + [entry.text("address")]


def _howpublished(entry: _Entry) -> RichText:
    """howpublished as text, or as a link when it is an address (\\url{…} in BibTeX)."""
    value = entry.text("howpublished")
    if not _WEB_ADDRESS.match(value):
        return as_rich(value)
    url = value if value.lower().startswith("http") else f"https://{value}"
    try:
        return link(check_url(url), styled("url", value))
    except MarkupError:
        return styled("url", value)


# --- one template per entry type: the parts between the title and the date ---------

def _article(entry: _Entry) -> list[RichText | str]:
    """biblatex's article: the translators and the version (an arXiv paper's, "version 3")
    before the journal, the editors after it."""
    return [*_translation(entry), _version(entry), *_journal(entry)]


def _journal(entry: _Entry) -> list[RichText | str]:
    """*Journal*, its volume(number):pages or number, its *Issuetitle*, its editors."""
    if arxiv_journal(entry.publication):
        entry.shown.update(("journal", "journaltitle", "volume"))  # shown as the arXiv id
        return [styled("emph", entry.style.term("arxiv_preprint"))]
    volume, number = entry.text("volume"), _issue_number(entry)
    pages = _dashed(entry.text("pages") or entry.text("eid"))  # eid: an article number
    issuetitle = join(": ", [entry.rich("issuetitle"), entry.rich("issuesubtitle")])
    issuetitle = styled("emph", issuetitle) if issuetitle else RichText()
    if volume:
        issue = volume + (f"({number})" if number else "") + (f":{pages}" if pages else "")
        return [entry.emph("journal"), issue, issuetitle, _editor_phrase(entry)]
    issue = entry.style.pattern("number", number) if number else ""
    return [entry.emph("journal"), issue, issuetitle, _editor_phrase(entry), _pages(entry)]


def _booktitle(entry: _Entry) -> RichText:
    """*Booktitle: Booksubtitle*. Booktitleaddon, as biblatex prints them (the addon, a
    proceedings' "Proceedings of the Seventh Symposium", upright)."""
    title = join(": ", [entry.rich("booktitle"), entry.rich("booksubtitle")])
    return _with_addon(styled("emph", title) if title else RichText(),
                       entry.rich("booktitleaddon"))


def _inproceedings(entry: _Entry) -> list[RichText | str]:
    return [_in(entry, _booktitle(entry)), _event(entry), *_by_others(entry), _series(entry),
            _pages(entry), *_place(entry, "organization", "publisher")]


def _incollection(entry: _Entry) -> list[RichText | str]:
    return [_in(entry, _booktitle(entry)), *_by_others(entry), _edition(entry),
            _series(entry), *_place(entry, "publisher"), _chapter(entry), _pages(entry)]


def _chapter(entry: _Entry) -> str:
    chapter = entry.text("chapter")
    return entry.style.pattern("chapter", chapter) if chapter else ""


def _inbook(entry: _Entry) -> list[RichText | str]:
    """BibTeX's @inbook names the book in `title`; biblatex's in `booktitle`."""
    if entry.text("booktitle"):
        return _incollection(entry)
    return [*_book(entry), _chapter(entry), _pages(entry)]


def _book(entry: _Entry) -> list[RichText | str]:
    return [*_by_others(entry), _edition(entry), _series(entry), *_place(entry, "publisher")]


def _proceedings(entry: _Entry) -> list[RichText | str]:
    return [_event(entry), *_by_others(entry), _series(entry),
            *_place(entry, "organization", "publisher")]


def _booklet(entry: _Entry) -> list[RichText | str]:
    return [*_by_others(entry), _howpublished(entry), entry.text("address")]


def _manual(entry: _Entry) -> list[RichText | str]:
    return [*_translation(entry), _editor_phrase(entry), _edition(entry), _version(entry),
            *_place(entry, "organization", "publisher")]


def _thesis(entry: _Entry) -> list[RichText | str]:
    default = {"mastersthesis": "mastersthesis"}.get(entry.publication.entry_type, "phdthesis")
    return [*_translation(entry), _type_word(entry, default),
            *_place(entry, "school", "institution")]


def _report(entry: _Entry) -> list[RichText | str]:
    kind = _type_word(entry, "techreport")
    number = entry.text("number")
    return [*_translation(entry), f"{kind} {number}" if number else kind, _version(entry),
            *_place(entry, "institution", "organization", "publisher")]


def _patent(entry: _Entry) -> list[RichText | str]:
    """"U.S. Patent 5668842, Holder"; biblatex's keys for the kind (type = {patentus}) in
    the CV's language, and its countries' (location = {countryfr and countryuk}) as
    codes after the number: "European Patent EP-1700367 (FR, GB)", as biblatex prints them."""
    kind = _type_word(entry, "patent")
    number = entry.text("number")
    countries = [_COUNTRY_CODES.get(place.strip().casefold(), place.strip())
                 for place in _AND.split(entry.text("address")) if place.strip()]
    where = f" ({', '.join(countries)})" if countries else ""
    return [*_translation(entry), (f"{kind} {number}" if number else kind) + where,
            entry.text("holder")]


def _periodical(entry: _Entry) -> list[RichText | str]:
    """A journal (or a newspaper) as a whole: the title is its name; the volume and issue,
    and the issue's *Issuetitle*, as biblatex prints them."""
    volume, number = entry.text("volume"), _issue_number(entry)
    issue = entry.style.pattern("number", number) if number else ""
    numbered = volume + (f"({number})" if number else "") if volume else issue
    issuetitle = join(": ", [entry.rich("issuetitle"), entry.rich("issuesubtitle")])
    return [*_translation(entry), numbered, styled("emph", issuetitle) if issuetitle else "",
            *_place(entry, "publisher")]


def _newspaper(entry: _Entry) -> list[RichText | str]:
    """biblatex-gb7714's @newspaper: the paper in `journal`, as for an article; its
    number, when it has no pages, is the page of the paper (its 版次, as csl.py gives it
    to CSL styles): "北京青年报, 第14版", "p. 14", not an issue's 第14期."""
    number, volume = entry.text("number"), entry.text("volume")
    if entry.text("pages") or not number:
        return _article(entry)
    return [*_translation(entry), entry.emph("journal"),
            entry.style.pattern("volume", volume) if volume else "",
            entry.style.pattern("newspaper_page", number)]


def _standard(entry: _Entry) -> list[RichText | str]:
    return [*_translation(entry), entry.text("type"), entry.text("number"),
            *_place(entry, "organization", "institution", "publisher")]


def _misc(entry: _Entry) -> list[RichText | str]:
    """misc, unpublished, online, software, dataset and any type not listed."""
    venue: RichText = _howpublished(entry)
    if not venue and _is_arxiv(entry.publication):
        venue = styled("emph", entry.style.term("arxiv_preprint"))
    return [*_by_others(entry), venue, _event(entry), entry.text("type"), _version(entry),
            *_place(entry, "organization", "institution", "publisher")]


_Template = Callable[[_Entry], list[RichText | str]]
_TEMPLATES: dict[str, _Template] = {
    "article": _article,
    "inproceedings": _inproceedings,
    "conference": _inproceedings,
    "incollection": _incollection,
    "inbook": _inbook,
    "book": _book,
    "collection": _book,  # biblatex's: an edited book (its aliases: Publication.standard_type)
    "proceedings": _proceedings,
    "booklet": _booklet,
    "manual": _manual,
    "phdthesis": _thesis,
    "mastersthesis": _thesis,
    "thesis": _thesis,
    "techreport": _report,
    "report": _report,
    "patent": _patent,
    "periodical": _periodical,
    "newspaper": _newspaper,  # biblatex-gb7714's
    "standard": _standard,
}


# --- after the details: notes, award, identifiers, per-paper links -------------------

def _notes(entry: _Entry) -> list[RichText]:
    """Sentences every type may carry: howpublished (where its template has no place for
    it), note, and the award in bold."""
    notes: list[RichText] = []
    uses_howpublished = _TEMPLATES.get(entry.publication.standard_type, _misc) in (_misc, _booklet)
    if not uses_howpublished and entry.text("howpublished"):
        notes.append(_howpublished(entry))
    notes += [as_rich(entry.text(name)) for name in ("note", "addendum") if entry.text(name)]
    eprint = entry.text("eprint")
    if eprint and not arxiv_id(entry.publication):
        notes.append(_eprint(entry, eprint))
    return [_sentence(note) for note in [*notes, *_cv_notes(entry)]]


def _eprint(entry: _Entry, eprint: str) -> RichText:
    """"JSTOR: 1234", linked, for the eprint types biblatex names and links (its keys,
    eprinttype = {jstor}, printed as words: "googlebooks: …" was the key); any other as
    written, not linked ("HAL: hal-0123")."""
    kind = entry.text("eprinttype") or entry.text("archiveprefix") or "eprint"
    known = eprint_link(kind, eprint)
    if known is None:
        return kind + ": " + styled("url", eprint)
    name, address = known
    return name + ": " + link(address, styled("url", eprint))


def eprint_link(kind: str, eprint: str) -> tuple[str, str] | None:
    """The name and address of an eprint of a type biblatex names and links (eprinttype =
    {jstor}: "JSTOR", https://www.jstor.org/stable/…); None for any other."""
    known = _EPRINTS.get(kind.casefold())
    if known is None or not eprint.strip():
        return None
    return known[0], known[1] + quote(eprint.strip(), safe="/:._-")


def _cv_notes(entry: _Entry) -> list[RichText]:
    """What a CV adds after any citation, in any style: the award in bold, "Cited by N"."""
    notes: list[RichText] = []
    if entry.text("award"):
        notes.append(styled("strong", entry.text("award")))
    cited = entry.style.cited_by
    if cited is not None and entry.publication.key in cited:
        notes.append(as_rich(entry.style.pattern("cited_by", str(cited[entry.publication.key]))))
    return notes


def _identifiers(entry: _Entry) -> list[LabelledLink]:
    found = []
    doi = _doi(entry)
    if doi:
        found.append(LabelledLink(entry.style.term("doi"), doi, doi_url(doi)))
    arxiv = arxiv_id(entry.publication)
    if arxiv and "eprint" not in entry.style.omit:
        number, category = arxiv
        text = f"arXiv:{number}" + (f" [{category}]" if category else "")
        found.append(LabelledLink("arXiv", text, arxiv_url(number)))
    url = entry.publication.link_target
    if url and (entry.publication.entry_type == "online" or not entry.text("title")):
        found.append(LabelledLink("URL", url, _checked(url, entry)))
    return found


def _checked(url: str, entry: _Entry) -> str:
    try:
        return check_url(url)
    except MarkupError as error:
        raise BibcvError(f"entry {entry.publication.key!r}: {error}",
                         entry.publication.origin) from None


def _paper_links(entry: _Entry, warnings: list[BibcvError]) -> list[LabelledLink]:
    links = []
    for name in LINK_FIELDS:
        value = entry.publication.text(name)
        if not value:
            continue
        try:
            url = check_url(value)
        except MarkupError:
            warnings.append(BibcvError(
                f"entry {entry.publication.key!r}: field {name!r} is {value!r}, not a web "
                "address, so no link is shown; give the full https://… address",
                entry.publication.origin))
            continue
        label = entry.style.term(f"link_{name}")
        links.append(LabelledLink(label, label, url))
    return links


def formula_warnings(publication: Publication) -> list[BibcvError]:
    """A warning for each formula in the entry's shown fields that the PDF prints as text
    rather than math (a command bibcv does not know, a # or %, ...): said once per entry,
    whatever the style."""
    return [BibcvError(
        f"entry {publication.key!r}: the formula {written} in its {name} is printed as "
        f"text, not typeset as math: {reason}. README \"Citation styles (CSL)\" lists what "
        "is typeset", publication.origin)
        for name in MARKUP_FIELDS
        for written, reason in formula_problems(publication.raw_fields.get(name, ""))]


def _doi(entry: _Entry) -> str:
    return "" if "doi" in entry.style.omit else bare_doi(entry.publication.text("doi"))


def bare_doi(doi: str) -> str:
    """The DOI itself, without the https://doi.org/ or doi: that some write before it."""
    return _DOI_PREFIX.sub("", doi.strip()).strip()


def doi_url(doi: str) -> str:
    """The DOI's address: https://doi.org/10.1145/…, the prefix removed if written."""
    return "https://doi.org/" + quote(bare_doi(doi), safe="/:;()._-")


def arxiv_url(number: str) -> str:
    return f"https://arxiv.org/abs/{number}"


def arxiv_id(publication: Publication) -> tuple[str, str] | None:
    """(id, class) of an arXiv eprint: eprint with archivePrefix or eprinttype = arXiv,
    DBLP's ``journal = {CoRR}, volume = {abs/ID}``, or Google Scholar's journal
    "arXiv preprint arXiv:ID"."""
    category = publication.text("eprintclass") or publication.text("primaryclass")
    eprint = publication.text("eprint")
    if eprint and _is_arxiv(publication):
        match = _ARXIV_ID.match(eprint)
        return (match.group(1), category) if match else None
    journal = arxiv_journal(publication)
    return (journal, category) if journal else None


def arxiv_journal(publication: Publication) -> str:
    """The arXiv id an @article's journal and volume give (DBLP, Google Scholar), or that
    of an eprint whose journal is NASA ADS's "arXiv e-prints"; or ''."""
    journal = publication.text("journal").strip()
    volume = publication.text("volume").strip()
    if journal.casefold() in _DBLP_ARXIV_JOURNALS and volume.startswith("abs/"):
        return volume.removeprefix("abs/")
    if journal.casefold() == "arxiv e-prints":
        eprint = _ARXIV_ID.match(publication.text("eprint") or publication.text("eid"))
        return eprint.group(1) if eprint else ""
    scholar = _SCHOLAR_ARXIV.match(journal)
    return scholar.group(1) if scholar else ""


def _is_arxiv(publication: Publication) -> bool:
    prefix = publication.text("archiveprefix") or publication.text("eprinttype")
    return prefix.casefold() == "arxiv" or bool(arxiv_journal(publication))


# --- venue and badge -----------------------------------------------------------------

def venue_of(publication: Publication) -> str:
    """Where it appeared: the first venue field that is not a web address (DBLP's CoRR is
    arXiv), else the report type, else arXiv for an eprint."""
    if arxiv_journal(publication):
        return "arXiv"
    for name in VENUE_FIELDS:
        value = publication.text(name)
        if value and not _WEB_ADDRESS.match(value):
            return value
    if publication.entry_type in ("techreport", "report"):
        return publication.text("type") or "Technical Report"
    return "arXiv" if _is_arxiv(publication) else ""


def _badge(publication: Publication, venue: str, style: CitationStyle,
           warnings: list[BibcvError]) -> str:
    """A badge shows a short name only: a known abbreviation, or the venue itself when it is
    short; never a long name, never an address."""
    badge = style.venues.lookup(venue, BADGE_LENGTH) if venue else None
    if not badge and len(venue) <= BADGE_LENGTH:
        badge = venue  # already short ("HotOS", "Nature"): its own badge
    if badge and len(badge) <= BADGE_LENGTH and not _WEB_ADDRESS.match(badge) and (
            "/" not in badge):
        return badge
    if venue and style.badges:
        written = style.venues.lookup(venue)
        problem = (f"its abbreviation {written!r} is too long for a badge" if written
                   else "it has no abbreviation")
        warnings.append(BibcvError(
            f"entry {publication.key!r}: the venue {venue!r} gets no badge, as {problem}; add "
            f"a line '{venue}: ABBR' (at most {BADGE_LENGTH} characters) to a venue table (the "
            "CV's `venues:` file)", publication.origin))
    return ""


def _sentence(text: RichText) -> RichText:
    if not text:
        return RichText()
    return text if str(text).rstrip().endswith((".", "?", "!")) else text + "."


# Publications grouped under sub-headings by type: the group of each entry type.
TYPE_GROUPS = {
    "article": "group_article", "inproceedings": "group_inproceedings",
    "conference": "group_inproceedings", "incollection": "group_incollection",
    "inbook": "group_incollection", "book": "group_book", "collection": "group_book",
    "proceedings": "group_book",
    "phdthesis": "group_thesis", "mastersthesis": "group_thesis", "thesis": "group_thesis",
    "techreport": "group_report", "report": "group_report", "unpublished": "group_preprint",
    "patent": "group_patent", "software": "group_software", "dataset": "group_software",
}
GROUP_ORDER = ("group_article", "group_inproceedings", "group_incollection", "group_book",
               "group_thesis", "group_report", "group_preprint", "group_patent",
               "group_software", "group_other")


def type_group(publication: Publication) -> str:
    """The term naming an entry's group; arXiv @misc and DBLP's CoRR @article are preprints."""
    if arxiv_journal(publication) or (publication.entry_type == "misc" and _is_arxiv(publication)):
        return "group_preprint"
    return TYPE_GROUPS.get(publication.standard_type, "group_other")


@dataclass
class PublicationGroup:
    """A sub-heading ("2024", "Journal Articles") and its publications; heading "" for none."""

    heading: str
    publications: list[PublicationView] = field(default_factory=list)
