"""JSON Resume (basics, work, education, publications, skills, …) to a bibcv CV.

Its schema names no language; `meta.language` is the one JSON Resume's own themes read
(jsonresume-theme-class), so it becomes the CV's `language:`, and the sections are
titled in it (work → "Expérience professionnelle" in French).
"""

from __future__ import annotations

import json
from pathlib import Path

from bibcv.bibliography import Publication
from bibcv.errors import BibcvError
from bibcv.fetch.records import make_key, plain_to_bibtex, publication, year_and_month
from bibcv.importers.common import Imported, linked, plain, venue_kind

NETWORKS = {"github": "github", "gitlab": "gitlab", "linkedin": "linkedin", "twitter": "twitter",
            "x": "twitter", "orcid": "orcid", "google scholar": "scholar"}


def import_jsonresume(path: Path) -> Imported:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BibcvError(f"cannot read this JSON Resume: {error}") from None
    imported = Imported(str((data.get("basics") or {}).get("name") or ""),
                        f"the JSON Resume {path.name}")
    language = (data.get("meta") or {}).get("language")
    if language:
        imported.set_language(str(language), "meta.language")
    fill(data, imported)
    return imported


def fill(data: dict, imported: Imported) -> None:
    """Everything of a JSON Resume but the name and language, into ``imported`` (al-folio
    uses it too); each section titled by the locales' key for it, in the CV's language."""
    _basics(data.get("basics") or {}, imported)
    readers = {
        "work": ("experience", lambda e: _entry(e, "name", "position", imported)),
        "volunteer": ("volunteering", lambda e: _entry(e, "organization", "position", imported)),
        "education": ("education", lambda e: _education(e, imported)),
        "projects": ("projects", lambda e: _entry(e, "name", "description", imported)),
    }
    for key, value in data.items():
        if key in readers and value:
            section, read = readers[key]
            items = [read(entry) for entry in value]
            imported.items(imported.titles[section], "entries", items, section)
        elif key in LISTS and value:
            section, layout, line = LISTS[key]
            items = [line(entry, imported) for entry in value]
            imported.items(imported.titles[section], layout, items, section)
        elif key == "publications" and value:
            imported.publications(imported.titles["publications"], _publications(value),
                                  "publications")
        elif key not in ("basics", "$schema", "meta") and value:
            imported.not_carried.append(f"{key}: {json.dumps(value)[:80]}")
        elif key == "meta" and set(value or {}) - {"language"}:
            imported.not_carried.append("meta: the resume's own metadata")


def _basics(basics: dict, imported: Imported) -> None:
    imported.add_contact("email", basics.get("email"), "basics.email")
    imported.add_contact("phone", basics.get("phone"), "basics.phone")
    imported.add_contact("homepage", basics.get("url"), "basics.url")
    location = basics.get("location") or {}
    imported.add_contact("location", ", ".join(
        str(location[k]) for k in ("city", "region", "countryCode") if location.get(k)),
        "basics.location")
    for key in ("address", "postalCode"):
        if location.get(key):
            imported.not_carried.append(f"basics.location.{key}: {location[key]!r}")
    for profile in basics.get("profiles") or []:
        network = str(profile.get("network", ""))
        kind = NETWORKS.get(network.casefold())
        value = profile.get("url") if kind == "scholar" else profile.get("username")
        if kind is None or not value:
            imported.not_carried.append(f"basics.profiles: {network} {profile.get('url') or ''}")
            continue
        imported.add_contact(kind, value, f"basics.profiles {network}")
    if basics.get("summary"):
        imported.section(imported.titles["summary"], "paragraph", "summary",
                         text=plain(basics["summary"]))
    for key in ("label", "image"):
        if basics.get(key):
            imported.not_carried.append(f"basics.{key}: {basics[key]!r} (the classic theme "
                                        "has no place for it)")


def _entry(entry: dict, name_key: str, subtitle_key: str, imported: Imported) -> dict:
    item = {"title": linked(plain(entry.get(name_key) or ""), entry.get("url"))}
    if entry.get(subtitle_key):
        item["subtitle"] = plain(entry[subtitle_key])
    if dates := imported.date_range(entry.get("startDate"), entry.get("endDate")):
        item["date"] = dates
    if entry.get("location"):
        item["location"] = plain(entry["location"])
    bullets = [plain(entry["summary"])] if entry.get("summary") else []
    bullets += [plain(h) for h in entry.get("highlights") or []]
    for key in ("roles", "keywords", "entity", "type"):
        if entry.get(key):
            value = entry[key]
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            bullets.append(plain(f"{key.capitalize()}: {text}"))
    if bullets:
        item["bullets"] = bullets
    return item


def _education(entry: dict, imported: Imported) -> dict:
    item = _entry(entry, "institution", "area", imported)
    if entry.get("studyType"):
        item["subtitle"] = plain(" in ".join(str(entry[k]) for k in ("studyType", "area")
                                             if entry.get(k)))
    extra = [plain(f"Score: {entry['score']}")] if entry.get("score") else []
    if entry.get("courses"):
        extra.append(plain("Courses: " + ", ".join(map(str, entry["courses"]))))
    if extra:
        item["bullets"] = item.get("bullets", []) + extra
    return item


def _dated(text: str, date: object, imported: Imported) -> dict:
    item = {"text": text}
    if imported.when(date):
        item["date"] = imported.when(date)
    return item


def _keywords(entry: dict, label: str) -> str:
    words = ", ".join(map(str, entry.get("keywords") or []))
    return f"**{plain(entry.get(label, ''))}**" + (f": {plain(words)}" if words else "")


# JSON Resume's lists: the locales' key for the section's title, its layout, an item
# (its date in the CV's language).
LISTS = {
    "awards": ("awards", "dated_list", lambda e, imported: _dated(
        plain(", ".join(str(e[k]) for k in ("title", "awarder") if e.get(k)))
        + (f". {plain(e['summary'])}" if e.get("summary") else ""), e.get("date"), imported)),
    "certificates": ("certifications", "dated_list", lambda e, imported: _dated(
        linked(plain(", ".join(str(e[k]) for k in ("name", "issuer") if e.get(k))), e.get("url")),
        e.get("date"), imported)),
    "skills": ("skills", "bullets", lambda e, _: {"text": _keywords(e, "name") + (
        f" ({plain(e['level'])})" if e.get("level") else "")}),
    "languages": ("languages", "bullets", lambda e, _: {"text": plain(
        ": ".join(str(e[k]) for k in ("language", "fluency") if e.get(k)))}),
    "interests": ("interests", "bullets", lambda e, _: {"text": _keywords(e, "name")}),
    "references": ("references", "bullets", lambda e, _: {"text": plain(
        f"“{e.get('reference', '')}” — {e.get('name', '')}")}),
}


def _publications(entries: list[dict]) -> list[Publication]:
    """JSON Resume lists no authors: the entries have none (a CV shows them by key).  Its
    `publisher` is often the journal or conference: its words choose the type, as a
    RenderCV venue's do; one that shows nothing (a company's name) is how it was
    published, in a @misc."""
    found: list[Publication] = []
    taken: set[str] = set()
    for entry in entries:
        date = str(entry.get("releaseDate") or "")
        venue = str(entry.get("publisher") or "").strip()
        entry_type, venue_field = venue_kind(venue) or ("misc", "howpublished")
        fields = {
            "title": plain_to_bibtex(str(entry.get("name", ""))),
            venue_field: plain_to_bibtex(venue),
            **year_and_month(date),
            "url": str(entry.get("url") or ""),
            "note": plain_to_bibtex(str(entry.get("summary") or "")),
        }
        paper = publication(entry_type, fields)
        paper.key = make_key(paper, "{title}{year}", taken)
        found.append(paper)
    return found
