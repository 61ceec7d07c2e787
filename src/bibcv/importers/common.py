"""What every importer produces, and how it is written: a CV YAML file and its .bib file."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bibcv.atomic import write_text_atomically
from bibcv.bibliography import Publication
from bibcv.errors import BibcvError
from bibcv.export import export_bibtex
from bibcv.locales import BASE_LANGUAGE, Locale, language_tag, load_locale, locale_code
from bibcv.richtext import MarkupError, is_web_address, parse_markdown
from bibcv.style import date_fields, date_text
from bibcv.texdecode import to_ascii

_MARKDOWN_SPECIAL = re.compile(r"([\\*^\[\]])")
_TAG = re.compile(r"<[^>]+>")


# A publication's venue as one line of text (RenderCV's `journal`, "the journal,
# conference, or venue"; JSON Resume's `publisher`): its words tell what it is.  Journals
# first, as some are "Proceedings of …" (PNAS, Proceedings of the IEEE, PACM) and some are
# cited by a short name with a year as conferences are (PNAS 2021, TPAMI 2022); then
# conferences, by their words or a short name with the edition's year (NeurIPS 2023,
# ICML'22); then a book's publisher.  An abbreviation's dot ends a word: "Proc." has no
# word boundary after it, so such words are matched by their start.
_PREPRINT = re.compile(r"\b(arxiv|biorxiv|medrxiv|chemrxiv|ssrn|preprint)\b", re.IGNORECASE)
_JOURNAL = re.compile(
    r"\b(journal|transactions|letters|reviews?|annals|annalen|annales|bulletin|magazine|"
    r"quarterly|acta|zeitschrift|revue|revista|rivista)\b|\b(j|trans|lett|rev|ann|bull|"
    r"commun|phys|nat)\.|^proc(eedings|\.) (of )?(the )?(national academy|natl\. acad|"
    r"royal society|r\. soc|vldb endow|acm on|ieee\s*($|[,(]|\d))|"
    r"^(pnas|jacs|jama|nejm|bmj|prl|plos|jmlr|tmlr|tacl|tpami|ijcv|cacm|tog|tkde|tnnls|"
    r"tip|tse|tosem|tvcg|tocs|tpds|pvldb|nature|science|cell|elife|lancet)\b", re.IGNORECASE)
_CONFERENCE = re.compile(r"\b(conference|proceedings|symposium|workshop|congress|"
                         r"colloquium|meeting)\b|\b(conf|proc|symp)\.", re.IGNORECASE)
_SHORT_NAME_AND_YEAR = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*\s*(?:'\d{2}|(?:19|20)\d{2})\b")
_PUBLISHER = re.compile(r"\b(press|publishers?|publishing|verlag|éditions|editorial|editora)\b",
                        re.IGNORECASE)


def venue_kind(venue: str) -> tuple[str, str] | None:
    """The BibTeX type a venue's words show and the field that holds the venue, or None
    when they show none (each importer has its own default: RenderCV's key is a
    journal's, JSON Resume's a publisher's)."""
    if _PREPRINT.search(venue):
        return "misc", "howpublished"
    if _JOURNAL.search(venue):
        return "article", "journal"
    if _CONFERENCE.search(venue) or _SHORT_NAME_AND_YEAR.match(venue):
        return "inproceedings", "booktitle"
    if _PUBLISHER.search(venue):
        return "book", "publisher"
    return None


@dataclass
class Imported:
    name: str
    source: str  # "RenderCV file cv.yaml", for the CV's first comment
    contact: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    sections: dict[str, dict] = field(default_factory=dict)
    entries: list[Publication] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)
    language: str = ""  # a BCP 47 code bibcv has words for; "" for English

    def set_language(self, written: str, where: str, tag: str = "") -> None:
        """The CV's language from the source's word for it (a BCP 47 tag, or a name such
        as spanish; ``tag`` when the source's names are its own), when bibcv has words for
        it; else it is listed as not carried over and the CV stays in English."""
        tag = tag or language_tag(written)
        known = locale_code(tag)
        if known is None:
            self.not_carried.append(f"{where}: language {written!r} (bibcv has no words for "
                                    "it; the CV is in English)")
        elif known != BASE_LANGUAGE:
            self.language = tag

    @property
    def locale(self) -> Locale:
        return load_locale(locale_code(self.language) or BASE_LANGUAGE)

    @property
    def titles(self) -> Mapping[str, str]:
        """The titles of the sections the locales know (education: Formation), in the CV's
        language: a French CV's education is "Formation", whichever format it came from."""
        return self.locale.sections

    def when(self, value: object) -> str:
        """2018-09 (or a date) in the CV's language, as its citations write a month: "Sept.
        2018", "sept. 2018", "2018年9月"; a year, and other text, as it is."""
        text = value.isoformat()[:10] if isinstance(value, datetime.date) else str(value or "")
        fields = date_fields(text.strip())
        if not fields:
            return text.strip()
        fields.pop("day", None)
        return date_text(fields, self.locale.terms)

    def date_range(self, start: object, end: object, date: object = None) -> str:
        """"Sept. 2018 – present" in the CV's language ("sept. 2018 – aujourd’hui"); an end
        written "present" (RenderCV's word) is the language's too; a range within one month
        is that month."""
        if date:
            return self.when(date)
        first, last = self.when(start), self.when(end)
        if first == last:
            return first
        if first and (not last or last.casefold() == "present"):
            last = self.locale.import_words["present"]
        return " – ".join(part for part in (first, last) if part)

    def section(self, title: str, layout: str, key: str = "", **content: object) -> None:
        """A section, its id from the source's key for it (else from its title): a
        RenderCV key `education` titled 教育背景 stays `education`."""
        ident = re.sub(r"[^a-z0-9]+", "_", to_ascii(key or title).lower()).strip("_")
        ident = ident or "section"
        while ident in self.sections:
            ident += "_"
        self.sections[ident] = {"title": markdown(title), "layout": layout, **content}

    def items(self, title: str, layout: str, items: list[dict], key: str = "") -> None:
        if items:
            self.section(title, layout, key, items=items)

    def add_contact(self, kind: str, value: object, where: str) -> None:
        text = str(value or "").strip()
        if not text:
            return
        if kind in ("homepage", "scholar") and not is_web_address(text):
            self.not_carried.append(f"{where}: {text!r} is not a web address")
        elif kind in self.contact:
            self.not_carried.append(f"{where}: {text!r} (the CV has a {kind} already)")
        else:
            self.contact[kind] = text

    def publications(self, title: str, entries: list[Publication], key: str = "") -> None:
        if not entries:
            return
        self.entries += entries
        self.section(title, "publications", key, query={"keys": [e.key for e in entries]})


def plain(value: object) -> str:
    """Text from a format without markup, as bibcv's Markdown subset prints it as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(_TAG.sub("", str(value)).split()))


def markdown(value: object) -> str:
    """Text in Markdown (RenderCV, academicpages): kept when bibcv's subset reads it."""
    text = " ".join(_TAG.sub(" ", str(value)).split())
    try:
        parse_markdown(text)
    except MarkupError:
        return plain(text)
    return text


def linked(text: str, url: object) -> str:
    address = str(url or "").strip()
    return f"[{text}]({address})" if address and is_web_address(address) else text


def write(imported: Imported, cv_path: Path, bib_path: Path) -> list[Path]:
    """The CV (its first lines list what was not carried over) and the .bib file."""
    if not imported.name.strip():
        raise BibcvError("the source gives no name; nothing was written")
    for path in (cv_path, bib_path if imported.entries else None):
        if path is not None and path.exists():
            raise BibcvError(f"{path} exists already; import into another name (-o), or "
                             "move that file away; nothing was written")
    person: dict[str, object] = {"name": imported.name}
    if imported.aliases:
        person["aliases"] = imported.aliases
    if imported.contact:
        person["contact"] = imported.contact
    data: dict[str, object] = {"theme": "classic", "formats": ["pdf", "html"]}
    if imported.language:
        data["language"] = imported.language
    written = [cv_path]
    if imported.entries:
        data["bibliography"] = [Path(_relative(bib_path, cv_path.parent)).as_posix()]
    data["person"] = person
    data["sections"] = imported.sections
    lines = [f"# Imported by `bibcv import` from {imported.source}."]
    if imported.not_carried:
        lines.append("# Not carried over:")
        lines += [f"#   - {' '.join(item.split())}" for item in imported.not_carried]
    else:
        lines.append("# Everything was carried over.")
    text = "\n".join(lines) + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                                    width=100)
    if imported.entries:
        write_text_atomically(bib_path, export_bibtex(imported.entries))
        written.append(bib_path)
    write_text_atomically(cv_path, text)
    return written


def _relative(target: Path, start: Path) -> str:
    import os

    return os.path.relpath(target.resolve(), start.resolve())
