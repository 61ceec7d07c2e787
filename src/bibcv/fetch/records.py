"""What the services send, as BibTeX entries in bibcv's export form.

Each service describes a paper its own way (BibTeX from DOI content
negotiation, CSL-JSON, arXiv's Atom, ORCID's and OpenAlex's JSON); each becomes
a ``Publication`` with BibTeX field values, written by bibcv's export writer.
Plain text from JSON and XML is escaped here, so that a title with ``_`` or
``$`` prints as written.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from xml.etree import ElementTree

from bibcv.bibliography import Publication, normalised_title
from bibcv.bibtex_parser import parse_bibtex
from bibcv.errors import BibcvError, Origin
from bibcv.names import Name
from bibcv.style import arxiv_id, bare_doi
from bibcv.texdecode import to_ascii

# LaTeX's special characters in plain text, as LaTeX writes them (%, & and # as well:
# export escapes only bare ones, and an escaped one stays as it is).
_LATEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "_": r"\_",
                   "^": r"\^{}", "~": r"\~{}", "%": r"\%", "&": r"\&", "#": r"\#"}
_SPECIAL = re.compile(r"[\\{}$_^~%&#]")
_TAG = re.compile(r"<[^>]+>")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:v\d+)?(?:\.pdf)?$", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$")
_DBLP_REC = re.compile(r"dblp\.org/rec/(.+?)(?:\.bib|\.html|\.xml)?$")
# DOI content negotiation's BibTeX says these; bibcv keeps the DOI itself instead.
_NEGOTIATION_NOISE = ("collection", "copyright", "keywords", "timestamp", "bibsource")
SOURCE = Origin(Path("<fetched>"))


def plain_to_bibtex(text: str) -> str:
    """Plain text (from JSON or XML) as a BibTeX value that prints exactly that text."""
    collapsed = " ".join(html.unescape(_TAG.sub("", text)).split())
    return _SPECIAL.sub(lambda match: _LATEX_SPECIALS[match.group()], collapsed)


def normalise_doi(doi: str) -> str:
    """For comparing: DOIs are case-insensitive."""
    return bare_doi(doi).lower()


def year_and_month(date: str) -> dict[str, str]:
    """The year and month fields of an ISO date ("2024-03-23": 2024 and 3); either is empty
    where the date does not give it."""
    return {"year": date[:4] if date[:4].isdigit() else "",
            "month": date[5:7].lstrip("0") if len(date) >= 7 else ""}


def publication(entry_type: str, fields: dict[str, str], key: str = "") -> Publication:
    kept = {name: value for name, value in fields.items() if value and value.strip()}
    return Publication(key, entry_type, kept, SOURCE)


# --- BibTeX (DOI content negotiation, DBLP, ORCID's citations) ------------------------

def from_bibtex(text: str, where: str) -> list[Publication]:
    """Every entry of a BibTeX answer; the services' own keys are kept in ``key``."""
    parsed = parse_bibtex(text)
    if parsed.errors or not parsed.entries:
        problem = parsed.errors[0].message if parsed.errors else "no entry in it"
        raise BibcvError(f"{where} sent BibTeX that cannot be read: {problem}")
    found = []
    for entry in parsed.entries:
        fields = {f.name: f.value for f in entry.fields if f.name not in _NEGOTIATION_NOISE}
        if fields.get("doi"):
            fields["doi"] = bare_doi(fields["doi"])
            if fields.get("url") and normalise_doi(fields["url"]) == normalise_doi(fields["doi"]):
                del fields["url"]  # https://doi.org/DOI: the DOI links there already
        if fields.get("url", "").startswith("http://dx.doi.org/"):
            del fields["url"]
        found.append(publication(entry.entry_type, fields, entry.key))
    return found


# --- CSL-JSON (DOI content negotiation, Crossref and DataCite) -------------------------

CSL_TYPES = {"article-journal": "article", "paper-conference": "inproceedings",
             "chapter": "incollection", "book": "book", "thesis": "phdthesis",
             "report": "techreport", "dataset": "misc", "posted-content": "misc",
             "article": "misc", "software": "misc"}


def from_csl(data: dict[str, object]) -> Publication:
    entry_type = CSL_TYPES.get(str(data.get("type", "")), "misc")
    container = _csl_text(data.get("container-title"))
    venue_field = {"article": "journal", "inproceedings": "booktitle",
                   "incollection": "booktitle"}.get(entry_type, "howpublished")
    issued = data.get("issued") or data.get("published-print") or data.get("published-online")
    date_parts = (issued or {}).get("date-parts", [[]]) if isinstance(issued, dict) else [[]]
    parts = date_parts[0] if date_parts and date_parts[0] else []
    fields = {
        "author": " and ".join(_csl_name(name) for name in data.get("author") or []),
        "editor": " and ".join(_csl_name(name) for name in data.get("editor") or []),
        "title": plain_to_bibtex(_csl_text(data.get("title"))),
        venue_field: plain_to_bibtex(container),
        "volume": plain_to_bibtex(str(data.get("volume", ""))),
        "number": plain_to_bibtex(str(data.get("issue", ""))),
        "pages": plain_to_bibtex(str(data.get("page", ""))).replace("-", "--"),
        "publisher": plain_to_bibtex(str(data.get("publisher", ""))),
        "year": str(parts[0]) if parts else "",
        "month": str(parts[1]) if len(parts) > 1 else "",
        "doi": bare_doi(str(data.get("DOI", ""))),
    }
    return publication(entry_type, fields)


def _csl_text(value: object) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def _csl_name(name: dict[str, str]) -> str:
    if "family" in name:
        given = f", {plain_to_bibtex(name['given'])}" if name.get("given") else ""
        return plain_to_bibtex(name["family"]) + given
    return "{" + plain_to_bibtex(name.get("literal", name.get("name", ""))) + "}"


# --- arXiv's Atom API ---------------------------------------------------------------

ATOM = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def from_arxiv_atom(text: str, where: str) -> list[tuple[Publication, str]]:
    """Each entry of an arXiv API feed, with the DOI arXiv knows for it ('' if none)."""
    try:
        feed = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise BibcvError(f"{where} sent an Atom feed that cannot be read: {error}") from None
    found = []
    for entry in feed.findall("atom:entry", ATOM):
        identifier = entry.findtext("atom:id", "", ATOM)
        match = _ARXIV_URL.search(identifier)
        title = entry.findtext("atom:title", "", ATOM)
        if not match or not title.strip() or title.strip() == "Error":
            continue
        published = entry.findtext("atom:published", "", ATOM)
        category = entry.find("arxiv:primary_category", ATOM)
        fields = {
            "author": " and ".join(
                plain_to_bibtex(author.findtext("atom:name", "", ATOM))
                for author in entry.findall("atom:author", ATOM)),
            "title": plain_to_bibtex(title),
            **year_and_month(published),
            "eprint": _ARXIV_VERSION.sub("", match.group(1)),
            "eprinttype": "arxiv",
            "eprintclass": category.get("term", "") if category is not None else "",
        }
        doi = bare_doi(entry.findtext("arxiv:doi", "", ATOM))
        found.append((publication("misc", fields), doi))
    return found


def add_arxiv_id(target: Publication, preprint: Publication) -> bool:
    """Give the published version its preprint's arXiv id; True when that changed it."""
    found = arxiv_id(preprint)
    if found is None or arxiv_id(target) is not None:
        return False
    number, category = found
    target.raw_fields.update({"eprint": number, "eprinttype": "arxiv"})
    if category:
        target.raw_fields["eprintclass"] = category
    return True


# --- identity: what makes two entries the same paper ----------------------------------

def doi_of(entry: Publication) -> str:
    return normalise_doi(entry.text("doi"))


def arxiv_of(entry: Publication) -> str:
    found = arxiv_id(entry)
    if found:
        return _ARXIV_VERSION.sub("", found[0]).lower()
    match = _ARXIV_URL.search(entry.text("url"))
    return _ARXIV_VERSION.sub("", match.group(1)).lower() if match else ""


def dblp_key_of(entry: Publication) -> str:
    if entry.key.startswith("DBLP:"):
        return entry.key.removeprefix("DBLP:")
    match = _DBLP_REC.search(entry.text("biburl"))
    return match.group(1) if match else ""


def title_of(entry: Publication) -> str:
    title = normalised_title(entry.raw_fields.get("title", ""))
    return title if len(title) >= 8 else ""


def is_preprint(entry: Publication) -> bool:
    """Only on arXiv: an arXiv id, no DOI but arXiv's own, and no venue but arXiv."""
    doi = doi_of(entry)
    if not arxiv_of(entry) or (doi and not doi.startswith("10.48550/")) or entry.text("booktitle"):
        return False
    journal = entry.text("journal").casefold()
    return not journal or journal == "corr" or "arxiv" in journal


# --- keys ---------------------------------------------------------------------------

DEFAULT_KEY_PATTERN = "{first_author}{initials}{yy}"
KEY_PATTERN_HELP = ("{first_author} (family name), {initials} (first letters of up to three "
                    "co-authors' family names), {year}, {yy}, {title} (the title's first "
                    "word that is not a short one)")
_SHORT_WORDS = frozenset({"a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "at",
                          "by", "from", "towards", "toward", "is", "are", "via"})


def make_key(entry: Publication, pattern: str, taken: set[str]) -> str:
    """A key from the pattern (DBLP's style by default: ZuoSY21), unique among ``taken``."""
    families = [_ascii_letters("".join(name.last or name.first)) for name in _names(entry)
                if not name.is_others]
    words = [_ascii_letters(word) for word in entry.text("title").split()]
    title_word = next((w for w in words if w and w.lower() not in _SHORT_WORDS), "")
    year = str(entry.year or "")
    try:
        base = pattern.format(
            first_author=families[0] if families else "Anonymous",
            initials="".join(family[:1] for family in families[1:4]),
            year=year, yy=year[-2:], title=title_word)
    except (KeyError, IndexError, ValueError) as error:
        raise BibcvError(f"the key pattern {pattern!r} cannot be used ({error}); it may "
                         f"use {KEY_PATTERN_HELP}") from None
    base = re.sub(r"[^A-Za-z0-9:_\-]", "", base) or "entry"
    key, suffix = base, 0
    folded = {t.casefold() for t in taken}
    while key.casefold() in folded:
        key = base + "abcdefghijklmnopqrstuvwxyz"[suffix % 26] * (suffix // 26 + 1)
        suffix += 1
    taken.add(key)
    return key


def _names(entry: Publication) -> list[Name]:
    try:
        return entry.authors or []
    except BibcvError:
        return []


def _ascii_letters(text: str) -> str:
    letters = re.sub(r"[^A-Za-z0-9]", "", to_ascii(text))
    return letters[:1].upper() + letters[1:]
