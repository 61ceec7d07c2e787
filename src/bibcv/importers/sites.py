"""Jekyll academic sites to bibcv CVs: al-folio (a .bib and _data) and academicpages
(a page per publication, talk and class, each with YAML front matter)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import yaml

from bibcv.bibliography import Publication, load_bibliography
from bibcv.errors import BibcvError
from bibcv.fetch.records import make_key, plain_to_bibtex, publication
from bibcv.importers.common import Imported, markdown, plain
from bibcv.importers.jsonresume import fill
from bibcv.names import parse_names

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)
_ITEM = re.compile(r"^\s*(?:\d+\.|[-+*])\s+", re.MULTILINE)
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")
_YEAR_MARK = re.compile(r"\s*\(\d{4}[a-z]?\)\.?\s*$")
_NAME_SEPARATOR = re.compile(r",?\s+(?:&|and)\s+|,\s+")
_INITIALS = re.compile(r"^(?:[A-Z]\.\s*-?\s*)+$")


def _yaml(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise BibcvError(f"{path}: cannot read it: {error}") from None


# --- al-folio ------------------------------------------------------------------------

def import_al_folio(folder: Path) -> Imported:
    config = _yaml(folder / "_config.yml")
    name = " ".join(str(config.get(k) or "") for k in ("first_name", "middle_name", "last_name"))
    imported = Imported(" ".join(name.split()), f"the al-folio site {folder.resolve().name}")
    if config.get("lang"):  # the site's language, the <html lang> of its every page
        imported.set_language(str(config["lang"]), "_config.yml lang")
    scholar = config.get("scholar") or {}
    lasts, firsts = scholar.get("last_name") or [], scholar.get("first_name") or []
    imported.aliases = [f"{first} {last}" for last in lasts for first in firsts
                        if f"{first} {last}" != imported.name]
    imported.add_contact("email", config.get("email"), "_config.yml email")
    for key, kind in (("github_username", "github"), ("linkedin_username", "linkedin"),
                      ("twitter_username", "twitter"), ("orcid_id", "orcid"),
                      ("gitlab_username", "gitlab")):
        imported.add_contact(kind, config.get(key), f"_config.yml {key}")
    if config.get("scholar_userid"):
        imported.add_contact("scholar", "https://scholar.google.com/citations?user="
                             f"{config['scholar_userid']}", "_config.yml scholar_userid")
    _al_folio_cv(folder, imported)
    bib = folder / "_bibliography" / "papers.bib"
    if bib.is_file():
        entries = list(load_bibliography([bib]))
        site = _site_address(config)
        imported.publications(imported.titles["publications"],
                              [_own(e, site) for e in entries], "publications")
    return imported


# al-folio's _layouts/bib.liquid links a file name in these fields (pdf = {paper.pdf})
# to the site's copy, prepend: '/assets/pdf/' | relative_url; a value with :// as written.
_SITE_FILES = {"pdf": "assets/pdf", "supp": "assets/pdf", "poster": "assets/pdf",
               "slides": "assets/pdf", "html": "assets/html"}


def _site_address(config: dict) -> str:
    """The site's address with its baseurl ('https://ada.github.io/site/'), or ''."""
    url = str(config.get("url") or "").strip().rstrip("/")
    if not re.match(r"https?://", url):
        return ""
    base = str(config.get("baseurl") or "").strip().strip("/")
    return f"{url}/{base}/" if base else f"{url}/"


def _own(entry: Publication, site: str) -> Publication:
    fields = dict(entry.raw_fields)
    for name, folder in _SITE_FILES.items():
        value = fields.get(name, "").strip()
        if site and value and "://" not in value:  # a file of the site: its address there
            fields[name] = site + folder + "/" + quote(value.lstrip("/"), safe="/")
    return Publication(entry.key, entry.entry_type, fields, entry.origin)


def _al_folio_cv(folder: Path, imported: Imported) -> None:
    """The CV page's data: the JSON Resume or _data/cv.yml, whichever is this person's."""
    resume_path = folder / "assets" / "json" / "resume.json"
    resume = json.loads(resume_path.read_text(encoding="utf-8")) if resume_path.is_file() else {}
    cv = _yaml(folder / "_data" / "cv.yml") if (folder / "_data" / "cv.yml").is_file() else []
    resume_name = str((resume.get("basics") or {}).get("name") or "")
    cv_name = next((str(c.get("value")) for s in cv if isinstance(s, dict)
                    for c in s.get("contents") or [] if isinstance(c, dict)
                    and c.get("name") == "Full Name"), "")
    if resume and _same_person(resume_name, imported.name):
        papers = resume.pop("publications", None)
        fill(resume, imported)
        if papers and (folder / "_bibliography" / "papers.bib").is_file():
            imported.not_carried.append(
                f"assets/json/resume.json: its {len(papers)} publications (the site's "
                "_bibliography/papers.bib is imported instead)")
        elif papers:
            fill({"publications": papers}, imported)
    elif resume:
        imported.not_carried.append(f"assets/json/resume.json: the CV of {resume_name}, not "
                                    f"of {imported.name} (al-folio's sample)")
    if cv and _same_person(cv_name, imported.name) and not _same_person(resume_name,
                                                                         imported.name):
        for section in cv:
            _cv_section(section, imported)
    elif cv:
        reason = (f"the CV of {cv_name}, not of {imported.name} (al-folio's sample)"
                  if not _same_person(cv_name, imported.name)
                  else "the same CV as assets/json/resume.json, which was used")
        imported.not_carried.append(f"_data/cv.yml: {reason}")


def _same_person(one: str, other: str) -> bool:
    return bool(one) and one.split()[-1:] == other.split()[-1:]


def _cv_section(section: dict, imported: Imported) -> None:
    title, kind, contents = section.get("title", ""), section.get("type"), section.get("contents")
    if kind == "time_table":
        items = []
        for entry in contents or []:
            item = {"title": plain(entry.get("title", ""))}
            if entry.get("institution"):
                item["subtitle"] = plain(entry["institution"])
            if entry.get("year"):
                item["date"] = plain(entry["year"])
            bullets = [plain(d) if isinstance(d, str) else plain(
                f"{d.get('title', '')}: {'; '.join(map(str, d.get('contents') or []))}")
                for d in entry.get("description") or []]
            if bullets:
                item["bullets"] = bullets
            items.append(item)
        imported.items(str(title), "entries", items)
        return
    if kind == "map":
        lines = [f"**{plain(c.get('name', ''))}:** {plain(c.get('value', ''))}"
                 for c in contents or []]
    elif kind == "list":
        lines = [plain(c) for c in contents or []]
    elif kind == "nested_list":
        lines = [f"**{plain(c.get('title', ''))}**: "
                 + plain(", ".join(map(str, c.get("items") or []))) for c in contents or []]
    else:
        imported.not_carried.append(f"_data/cv.yml section {title!r} of type {kind!r}")
        return
    imported.items(str(title), "bullets", [{"text": line} for line in lines])


# --- academicpages -------------------------------------------------------------------

CATEGORIES = {"manuscripts": ("article", "journal"), "conferences": ("inproceedings", "booktitle"),
              "books": ("book", "publisher")}


def import_academicpages(folder: Path) -> Imported:
    config = _yaml(folder / "_config.yml")
    author = config.get("author") or {}
    imported = Imported(str(author.get("name") or config.get("name") or ""),
                        f"the academicpages site {folder.resolve().name}")
    imported.add_contact("email", author.get("email"), "_config.yml author.email")
    imported.add_contact("location", author.get("location"), "_config.yml author.location")
    for key, kind in (("github", "github"), ("linkedin", "linkedin"), ("twitter", "twitter")):
        imported.add_contact(kind, author.get(key), f"_config.yml author.{key}")
    if orcid := _ORCID.search(str(author.get("orcid") or "")):
        imported.add_contact("orcid", orcid.group(1), "_config.yml author.orcid")
    imported.add_contact("scholar", author.get("googlescholar"), "_config.yml author.googlescholar")
    papers: list[Publication] = []
    taken: set[str] = set()
    for page in sorted((folder / "_publications").glob("*.md"), reverse=True):
        front, body = _page(page)
        if not front.get("date") and _ITEM.search(body):
            _list_page(page, front, body, imported)
            continue
        papers.append(_paper(page, front, taken, imported))
        if body.strip():
            imported.not_carried.append(f"_publications/{page.name}: the page's text "
                                        f"({len(body.strip())} characters)")
    if papers:
        imported.not_carried.append("excerpts and citation texts of publications: kept in the "
                                    ".bib (abstract, citation), not shown; the authors are "
                                    "read from an APA or MLA citation text")
    imported.publications("Publications", papers)
    for folder_name, title in (("_talks", "Talks"), ("_teaching", "Teaching")):
        items = []
        for page in sorted((folder / folder_name).glob("*.md"), reverse=True):
            front, body = _page(page)
            text = plain(", ".join(str(front[k]) for k in ("title", "type", "venue", "location")
                                   if front.get(k)))
            date = imported.when(front.get("date"))
            items.append({"text": text, "date": date} if date else {"text": text})
            if body.strip():
                imported.not_carried.append(f"{folder_name}/{page.name}: the page's text")
        imported.items(title, "dated_list", items)
    return imported


def _page(path: Path) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        return {}, path.read_text(encoding="utf-8")
    try:
        return yaml.safe_load(match.group(1)) or {}, match.group(2)
    except yaml.YAMLError as error:
        raise BibcvError(f"{path}: cannot read its front matter: {error}") from None


def _paper(page: Path, front: dict, taken: set[str], imported: Imported) -> Publication:
    entry_type, venue = CATEGORIES.get(str(front.get("category")), ("misc", "howpublished"))
    date = front.get("date")
    title = str(front.get("title") or page.stem)
    authors = authors_from_citation(str(front.get("citation") or ""), title)
    fields = {
        "author": " and ".join(plain_to_bibtex(name) for name in authors),
        "title": plain_to_bibtex(title),
        venue: plain_to_bibtex(str(front.get("venue") or "")),
        "date": date.isoformat() if hasattr(date, "isoformat") else str(date or ""),
        "url": str(front.get("paperurl") or ""),
        "slides": str(front.get("slidesurl") or ""),
        "abstract": plain_to_bibtex(str(front.get("excerpt") or "")),
        "citation": plain_to_bibtex(str(front.get("citation") or "")),
    }
    known = {"title", "venue", "date", "paperurl", "slidesurl", "excerpt", "citation",
             "collection", "permalink", "category"}
    for key in sorted(set(front) - known):
        if front[key]:
            imported.not_carried.append(f"_publications/{page.name}: {key} {front[key]!r}")
    paper = publication(entry_type, fields)
    paper.key = make_key(paper, "{title}{year}", taken)
    return paper


def authors_from_citation(citation: str, title: str) -> list[str]:
    """The authors a citation text starts with, before the title (APA: "Ducellier, A., &
    Creager, K. C. (2022)."; MLA: "Batra, Priya, V. R. Krithika, and T. S. Mahesh."), or
    none when the text is not one of those shapes: no author is better than a wrong one."""
    at = citation.casefold().find(title.casefold()[:40])
    if at <= 0:
        return []
    head = _YEAR_MARK.sub("", citation[:at].rstrip(" \"“'")).strip().rstrip(",")
    tokens = [token.strip() for token in _NAME_SEPARATOR.split(head) if token.strip()]
    names, index = [], 0
    while index < len(tokens):
        token, following = tokens[index], tokens[index + 1] if index + 1 < len(tokens) else ""
        if following and (_INITIALS.match(following)
                          or (index == 0 and " " not in token and " " not in following)):
            names.append(f"{token}, {following}")
            index += 2
        else:
            names.append(token)
            index += 1
    names = [name[:-1] if name.endswith(".") and len(name.split()[-1]) > 3 else name
             for name in names]
    if not names or any(len(name.replace(",", " ").split()) < 2 for name in names):
        return []
    try:
        parse_names(" and ".join(names))
    except ValueError:
        return []
    return names


def _list_page(page: Path, front: dict, body: str, imported: Imported) -> None:
    """A page that lists papers in its text (no date): each list item becomes a line."""
    items = [" ".join(chunk.split()) for chunk in _ITEM.split(body) if chunk.strip()]
    lines = [{"text": markdown(item)} for item in items]
    imported.items(str(front.get("title") or page.stem), "bullets", lines)
