"""RenderCV's YAML (cv: name, contact, sections of typed entries) to a bibcv CV.

RenderCV tells its entry types apart by their keys, and so does this: text,
education, experience, normal, publication, one-line, bullet and numbered
entries.  Its `design`, `locale` and `settings` are its look, which a bibcv
theme replaces: they are listed as not carried over.
"""

from __future__ import annotations

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
from bibcv.importers.common import Imported, date_range, linked, markdown

KNOWN = {"institution", "area", "degree", "company", "position", "name", "title", "authors",
         "date", "start_date", "end_date", "location", "summary", "highlights", "doi", "url",
         "journal", "label", "details", "bullet", "number", "reversed_number"}
SCHOLAR = "https://scholar.google.com/citations?user={}"


def import_rendercv(path: Path) -> Imported:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise BibcvError(f"cannot read this RenderCV file: {error}") from None
    cv = data.get("cv") or {}
    imported = Imported(str(cv.get("name") or ""), f"the RenderCV file {path.name}")
    for key, value in data.items():
        if key != "cv" and value:
            imported.not_carried.append(f"{key}: RenderCV's {key} (a bibcv theme "
                                        "sets the look)")
    _contact(cv, imported)
    for title, entries in (cv.get("sections") or {}).items():
        _section(_title(str(title)), entries or [], imported)
    return imported


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


def _title(key: str) -> str:
    """RenderCV's section titles: snake_case keys become Title Case words."""
    if "_" in key or key.islower():
        return " ".join(word[:1].upper() + word[1:] for word in key.replace("_", " ").split())
    return key


def _section(title: str, entries: list, imported: Imported) -> None:
    if all(isinstance(entry, str) for entry in entries):
        imported.section(title, "paragraph", text="\n\n".join(markdown(e) for e in entries))
        return
    first = entries[0]
    if "authors" in first and "title" in first:
        imported.publications(title, _publications(entries, imported))
    elif {"label", "details"} <= set(first) or {"bullet"} & set(first) or {
            "number", "reversed_number"} & set(first):
        items = [{"text": markdown(_one_line(entry))} for entry in entries]
        imported.items(title, "bullets", items)
    else:
        items = [_entry(entry, imported) for entry in entries]
        imported.items(title, "entries", items)


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
    if dates := date_range(entry.get("start_date"), entry.get("end_date"), entry.get("date")):
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
        fields = {
            "author": " and ".join(plain_to_bibtex(a) for a in authors),
            "title": plain_to_bibtex(str(entry.get("title", ""))),
            "howpublished": plain_to_bibtex(str(entry.get("journal") or "")),
            **year_and_month(date),
            "doi": str(entry.get("doi") or ""),
            "url": str(entry.get("url") or ""),
            "note": plain_to_bibtex(str(entry.get("summary") or "")),
        }
        paper = publication("misc", fields)
        paper.key = make_key(paper, DEFAULT_KEY_PATTERN, taken)
        found.append(paper)
        for key in sorted(set(entry) - KNOWN):
            if entry[key]:
                imported.not_carried.append(f"publication {entry.get('title')!r}: {key}")
    return found
