"""RenderCV's YAML (cv: name, contact, sections of typed entries) to a bibcv CV.

RenderCV tells its entry types apart by their keys, and so does this: text,
education, experience, normal, publication, one-line, bullet and numbered
entries.  Its `design` and `settings` are its look, which a bibcv theme
replaces: they are listed as not carried over.  Of its `locale`, the language
becomes the CV's `language:` (bibcv has its own words for it), and the sections
it knows (education, experience, …) are titled in it; RenderCV 1.x's
`locale_catalog` names no language.

A publication's venue is RenderCV's one `journal` key, which its schema calls
"the journal, conference, or venue": its words tell a conference paper
("Proceedings of …", "NeurIPS 2023"), a preprint ("arXiv preprint") and a book
(a publisher) from a journal article ("PNAS 2021"), by importers.common's rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from bibcv.bibliography import Publication
from bibcv.errors import BibcvError
from bibcv.fetch.records import (
    DEFAULT_KEY_PATTERN,
    make_key,
    plain_to_bibtex,
    publication,
    year_and_month,
)
from bibcv.importers.common import Imported, linked, markdown, venue_kind
from bibcv.locales import BASE_LANGUAGE

KNOWN = {"institution", "area", "degree", "company", "position", "name", "title", "authors",
         "date", "start_date", "end_date", "location", "summary", "highlights", "doi", "url",
         "journal", "label", "details", "bullet", "number", "reversed_number"}
SCHOLAR = "https://scholar.google.com/citations?user={}"
# RenderCV 2.4 and later name a locale (its schema/models/locale/other_locales/*.yaml),
# as locales.LANGUAGE_CODES does but for its "portuguese", which is not babel's European
# Portuguese; 2.0 to 2.3 took an ISO 639-1 code, which is already a BCP 47 code.
RENDERCV_PORTUGUESE = "pt"


def import_rendercv(path: Path) -> Imported:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise BibcvError(f"cannot read this RenderCV file: {error}") from None
    cv = data.get("cv") or {}
    imported = Imported(str(cv.get("name") or ""), f"the RenderCV file {path.name}")
    for key, value in data.items():
        if key == "locale" and isinstance(value, dict):
            _locale(value, imported)
        elif key != "cv" and value:
            imported.not_carried.append(f"{key}: RenderCV's {key} (a bibcv theme "
                                        "sets the look)")
    _contact(cv, imported)
    for key, entries in (cv.get("sections") or {}).items():
        _section(str(key), _title(str(key), imported.titles), entries or [], imported)
    return imported


def _locale(locale: dict, imported: Imported) -> None:
    """The language, as a code bibcv has words for; RenderCV's own words are not kept."""
    name = str(locale.get("language") or BASE_LANGUAGE)
    portuguese = name.casefold() == "portuguese"
    imported.set_language(name, "locale", RENDERCV_PORTUGUESE if portuguese else "")
    words = sorted(key for key, value in locale.items() if key != "language" and value)
    if words:
        imported.not_carried.append(f"locale: RenderCV's {', '.join(words)} (bibcv prints "
                                    "its own words and dates for the CV's language)")


def _contact(cv: dict, imported: Imported) -> None:
    imported.add_contact("email", cv.get("email"), "email")
    imported.add_contact("phone", str(cv.get("phone") or "").removeprefix("tel:"), "phone")
    imported.add_contact("location", cv.get("location"), "location")
    imported.add_contact("homepage", cv.get("website"), "website")
    for social in cv.get("social_networks") or []:
        network = str(social.get("network", "")).casefold()
        kind = {"github": "github", "gitlab": "gitlab", "linkedin": "linkedin",
                "twitter": "twitter", "x": "twitter", "orcid": "orcid",
                "google scholar": "scholar"}.get(network)
        username = str(social.get("username", ""))
        if kind is None:
            imported.not_carried.append(f"social network {social.get('network')}: {username} "
                                        "(the classic theme has no such contact kind)")
            continue
        imported.add_contact(kind, SCHOLAR.format(username) if kind == "scholar" else username,
                             f"social network {social.get('network')}")
    for key in ("headline", "label", "photo", "custom_connections"):
        if cv.get(key):
            imported.not_carried.append(f"{key}: {cv[key]!r} (the classic theme has no {key})")
    for key in sorted(set(cv) - {"name", "email", "phone", "location", "website",
                                 "social_networks", "sections", "headline", "label", "photo",
                                 "custom_connections"}):
        if cv[key]:
            imported.not_carried.append(f"{key}: {cv[key]!r}")


def _title(key: str, titles: Mapping[str, str]) -> str:
    """A section's title: a key the locales know (education, experience, publications,
    …) in the CV's language, so that a French CV's `education:` is "Formation"; any
    other key as written, its snake_case words in Title Case."""
    known = titles.get(key.casefold().replace(" ", "_"))
    if known:
        return known
    if "_" in key or key.islower():
        return " ".join(word[:1].upper() + word[1:] for word in key.replace("_", " ").split())
    return key


def _section(key: str, title: str, entries: list, imported: Imported) -> None:
    if all(isinstance(entry, str) for entry in entries):
        imported.section(title, "paragraph", key, text="\n\n".join(markdown(e) for e in entries))
        return
    first = entries[0]
    if "authors" in first and "title" in first:
        imported.publications(title, _publications(entries, imported), key)
    elif {"label", "details"} <= set(first) or {"bullet"} & set(first) or {
            "number", "reversed_number"} & set(first):
        items = [{"text": markdown(_one_line(entry))} for entry in entries]
        imported.items(title, "bullets", items, key)
    else:
        items = [_entry(entry, imported) for entry in entries]
        imported.items(title, "entries", items, key)


def _one_line(entry: dict) -> str:
    if "label" in entry:
        return f"**{entry['label']}:** {entry.get('details', '')}"
    return str(entry.get("bullet") or entry.get("number") or entry.get("reversed_number") or "")


def _entry(entry: dict, imported: Imported) -> dict:
    if "institution" in entry:
        title = str(entry["institution"])
        degree, area = entry.get("degree"), entry.get("area")
        subtitle = " in ".join(str(part) for part in (degree, area) if part)
    elif "company" in entry:
        title, subtitle = str(entry["company"]), str(entry.get("position") or "")
    else:
        title, subtitle = str(entry.get("name") or entry.get("title") or ""), ""
    bullets = [markdown(entry["summary"])] if entry.get("summary") else []
    bullets += [markdown(h) for h in entry.get("highlights") or []]
    bullets += [markdown(f"{key.replace('_', ' ').capitalize()}: {value}")
                for key, value in entry.items() if key not in KNOWN and value]
    item = {"title": markdown(linked(title, entry.get("url")))}
    if subtitle:
        item["subtitle"] = markdown(subtitle)
    if dates := imported.date_range(entry.get("start_date"), entry.get("end_date"),
                                    entry.get("date")):
        item["date"] = dates
    if entry.get("location"):
        item["location"] = markdown(entry["location"])
    if bullets:
        item["bullets"] = bullets
    return item


def _publications(entries: list[dict], imported: Imported) -> list[Publication]:
    found: list[Publication] = []
    taken: set[str] = set()
    for entry in entries:
        authors = [str(a).replace("*", "").strip() for a in entry.get("authors") or []]
        date = str(entry.get("date") or "")
        venue = str(entry.get("journal") or "").strip()
        entry_type, venue_field = _venue_kind(venue)
        fields = {
            "author": " and ".join(plain_to_bibtex(a) for a in authors),
            "title": plain_to_bibtex(str(entry.get("title", ""))),
            venue_field: plain_to_bibtex(venue),
            **year_and_month(date),
            "doi": str(entry.get("doi") or ""),
            "url": str(entry.get("url") or ""),
            "note": plain_to_bibtex(str(entry.get("summary") or "")),
        }
        paper = publication(entry_type, fields)
        paper.key = make_key(paper, DEFAULT_KEY_PATTERN, taken)
        found.append(paper)
        for key in sorted(set(entry) - KNOWN):
            if entry[key]:
                imported.not_carried.append(f"publication {entry.get('title')!r}: {key}")
    return found


def _venue_kind(venue: str) -> tuple[str, str]:
    """The BibTeX type a venue's words show, and the field that holds the venue: RenderCV's
    key is a journal's, so a venue whose words show nothing is a journal."""
    if not venue:
        return "misc", "howpublished"
    return venue_kind(venue) or ("article", "journal")
