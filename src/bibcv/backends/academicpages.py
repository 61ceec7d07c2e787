"""An academicpages export: one Jekyll page per publication a CV shows, and its BibTeX.

academicpages (the Jekyll template many academics' sites use) lists the pages
in its ``_publications`` collection by their front matter.  Each page is
``_publications/YYYY-MM-DD-slug.md``; each entry's clean BibTeX is
``files/<key>.bib``, which the page's ``bibtexurl`` points at.

The front matter is written by PyYAML, so it is valid YAML whatever a title
holds.  academicpages prints its values into HTML unescaped (and runs some
through Markdown), so text values are HTML-escaped, with Markdown's and
Liquid's characters as entities, as academicpages' own converter escapes
them; the citation is HTML, from the HTML backend's ``to_html`` (the owner in
bold, the venue in italics, links checked).  The body is the abstract (or the
citation) as escaped Markdown.
Nothing depends on the time of the run: exporting twice writes the same bytes.

What an export wrote is listed in ``.bibcv/academicpages-<cv>.json`` in the
site, with a digest of each file: the next export of that CV removes the pages
and .bib files of papers it no longer shows, but only files bibcv wrote and
nobody has changed since (those are kept, with a warning).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bibcv.atomic import write_text_atomically
from bibcv.backends.html import bib_file_name, shown_views, to_html
from bibcv.backends.markdown import paragraphs, to_markdown
from bibcv.bibliography import Publication
from bibcv.document import Document
from bibcv.errors import BibcvError, Origin
from bibcv.export import format_entry
from bibcv.incremental import STATE_DIR
from bibcv.richtext import MarkupError, as_rich, check_url
from bibcv.style import PublicationView, venue_of
from bibcv.texdecode import to_ascii

# academicpages' three publication categories (its _config.yml); other types are manuscripts.
CATEGORIES = {
    "article": "manuscripts",
    "inproceedings": "conferences", "conference": "conferences", "proceedings": "conferences",
    "book": "books", "inbook": "books", "incollection": "books", "collection": "books",
}
DEFAULT_CATEGORY = "manuscripts"
UNDATED = datetime.date(1900, 1, 1)
SLUG_LENGTH = 60
# Characters academicpages' templates would read as HTML, Markdown or Liquid in a front
# matter value, written as HTML entities so that they print as themselves.
_ENTITIES = frozenset("\\`*_[]{}|~$#<>&\"'")
# Where a value starts, what kramdown (markdownify) would read as the start of a block: a
# list item, a heading's underline, a definition, the end of a block, an ordered list's "1.".
_BLOCK_START = re.compile(r"[-+=:^]|\d{1,9}[.)]")


@dataclass
class ExportedSite:
    pages: list[Path] = field(default_factory=list)
    bibtex: list[Path] = field(default_factory=list)
    warnings: list[BibcvError] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # files of papers no longer shown


def export_academicpages(document: Document, out_dir: Path) -> ExportedSite:
    """Write a page and a .bib file for every publication the CV shows, in its order."""
    exported = ExportedSite(warnings=list(document.warnings))
    slugs: set[str] = set()
    views = shown_views(document)
    for publication in document.publications:
        bib_name = bib_file_name(publication.key)
        bib_path = out_dir / "files" / bib_name
        write_text_atomically(bib_path, format_entry(publication, strip_cv_fields=True) + "\n")
        exported.bibtex.append(bib_path)
        date = _date(publication)
        if publication.year is None:
            exported.warnings.append(BibcvError(
                f"entry {publication.key!r} has no year: its academicpages page is dated "
                f"{date.isoformat()}; add year = {{...}} to date it", publication.origin))
        name = _unique(f"{date.isoformat()}-{_slug(publication)}", slugs)
        page = out_dir / "_publications" / f"{name}.md"
        write_text_atomically(page, publication_page(views[publication.key], publication,
                                                     name, bib_name))
        exported.pages.append(page)
    _remove_files_no_longer_written(document, out_dir, exported)
    return exported


def _remove_files_no_longer_written(document: Document, out_dir: Path,
                                    exported: ExportedSite) -> None:
    """Remove what the last export of this CV wrote and this one did not; list what it wrote.

    Only a page or .bib file still as bibcv wrote it goes: one changed since is kept,
    and so is the .bib file a kept page links to (its bibtexurl), which it would lose.
    """
    listing = out_dir / STATE_DIR / f"academicpages-{document.stem}.json"
    written = {path.relative_to(out_dir).as_posix(): _digest(path)
               for path in [*exported.pages, *exported.bibtex]}
    gone = {relative: digest for relative, digest in _written_before(listing).items()
            if relative not in written and (out_dir / relative).is_file()}
    changed = {relative for relative, digest in gone.items()
               if _digest(out_dir / relative) != digest}
    links = {relative: _linked_bib(out_dir / relative) for relative in changed
             if relative.startswith("_publications/")}
    for relative in gone:
        path = out_dir / relative
        if relative in changed:
            also = f" (with {links[relative]}, which it links to)" if (
                links.get(relative) in gone) else ""
            exported.warnings.append(BibcvError(
                "this page's paper is no longer shown, but the file was changed after bibcv "
                f"wrote it, so it is kept{also}; delete {'them if they' if also else 'it if it'} "
                "should go", Origin(path)))
        elif relative not in links.values():
            path.unlink()
            exported.removed.append(path)
    write_text_atomically(listing, json.dumps(written, indent=1, sort_keys=True))


def _linked_bib(page: Path) -> str | None:
    """The .bib file (``files/<name>``) a page's front matter links to, if it names one."""
    try:
        front = yaml.safe_load(page.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    url = front.get("bibtexurl") if isinstance(front, dict) else None
    return url.removeprefix("/") if isinstance(url, str) and url.startswith("/files/") else None


def _written_before(listing: Path) -> dict[str, str]:
    """The files an earlier export listed; only names in _publications/ and files/ count."""
    try:
        data = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {relative: digest for relative, digest in data.items()
            if isinstance(relative, str) and isinstance(digest, str)
            and relative.count("/") == 1 and relative.split("/")[0] in ("_publications", "files")
            and relative.split("/")[1] not in ("", ".", "..")}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publication_page(view: PublicationView, publication: Publication, name: str,
                     bib_name: str) -> str:
    """One _publications page: academicpages' front matter, then the abstract."""
    front = {
        "title": _html(str(view.title) or _title(publication)),  # typographic quotes
        "collection": "publications",
        "category": CATEGORIES.get(publication.standard_type, DEFAULT_CATEGORY),
        "permalink": f"/publication/{name}",
    }
    abstract = " ".join(publication.text("abstract").split())
    if abstract:
        front["excerpt"] = _html(_first_sentence(abstract))
    front["date"] = _date(publication)
    front["venue"] = _html(venue_of(publication) or view.status)
    # The paper: its pdf, else its page (url), else its DOI or arXiv page. (A field that
    # is not a web address is skipped; style has warned about it.)
    papers = [publication.text(f) for f in ("pdf", "url") if _is_web_link(publication.text(f))]
    papers += [identifier.url for identifier in view.identifiers]
    if papers:
        front["paperurl"] = papers[0]
    if _is_web_link(publication.text("slides")):
        front["slidesurl"] = publication.text("slides")
    front["bibtexurl"] = f"/files/{bib_name}"
    front["citation"] = str(to_html(view.citation))
    # Jekyll renders the body with kramdown, not CommonMark (see backends.markdown).
    body = (paragraphs(as_rich(abstract), kramdown=True) if abstract
            else to_markdown(view.citation, kramdown=True))
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=2**31,
                            default_flow_style=False)
    return f"---\n{header}---\n{body}\n"


def _html(text: str) -> str:
    """Text for a value academicpages prints as HTML (and sometimes through kramdown)."""
    text = " ".join(text.split())
    start = _BLOCK_START.match(text)
    marker = start.end() - 1 if start else -1
    return "".join(f"&#{ord(char)};" if index == marker or _means_markup(text, index) else char
                   for index, char in enumerate(text))


def _means_markup(text: str, index: int) -> bool:
    """Markup anywhere in a value; kramdown also makes ``--`` and ``---`` dashes."""
    char = text[index]
    return char in _ENTITIES or (
        char == "-" and "-" in text[index - 1 : index] + text[index + 1 : index + 2])


def _is_web_link(url: str) -> bool:
    try:
        return bool(url) and check_url(url) == url
    except MarkupError:
        return False


def _date(publication: Publication) -> datetime.date:
    if publication.year is None:
        return UNDATED
    month = publication.month or 1
    try:
        return datetime.date(publication.year, month, publication.day or 1)
    except ValueError:  # 2023-02-30: the month is still right
        return datetime.date(publication.year, month, 1)


def _title(publication: Publication) -> str:
    return publication.text("title") or publication.text("shorttitle") or publication.key


def _slug(publication: Publication) -> str:
    """The title in lower-case ASCII words joined by hyphens (the key when it has none)."""
    slug = re.sub(r"[^a-z0-9]+", "-", to_ascii(_title(publication)).casefold()).strip("-")
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    return slug or re.sub(r"[^a-z0-9]+", "-", publication.key.casefold()).strip("-") or "paper"


def _unique(name: str, taken: set[str]) -> str:
    """Two papers with one title on one date get numbered names, in the CV's order."""
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])\s+(?=[A-Z])", text)
    return match.group(1) if match else text
