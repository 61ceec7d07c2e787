"""The HTML backend: a Document to one self-contained web page, through the theme's templates.

Escaping happens in two places that cannot disagree: Jinja2's autoescape turns
every plain value into text, and ``to_html`` is the one function that turns
rich text into markup (emphasis, strong, superscript, and links whose targets
``richtext.check_url`` allows).  Nothing from a CV or a BibTeX file reaches the
page any other way.  JSON-LD goes through ``json_ld``, which escapes ``<`` so
no value can close its ``<script>``.

Beside the page, each publication the CV shows gets its clean BibTeX export,
``<stem>/bib/<key>.bib``, for the page's [BibTeX] buttons.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from bibcv.atomic import write_text_atomically
from bibcv.bibliography import Publication
from bibcv.document import Document
from bibcv.errors import BibcvError, Origin
from bibcv.export import export_bibtex
from bibcv.richtext import (
    Link,
    MarkupError,
    Math,
    Node,
    RichText,
    Styled,
    Text,
    as_rich,
    check_url,
    link_label,
    plain,
    split_paragraphs,
)
from bibcv.style import PublicationView
from bibcv.theme import Theme, theme_loader

SHARED_TEMPLATES = Path(__file__).parent / "html_templates"  # what every theme's page extends
BIB_FOLDER = "bib"  # <stem>/bib/<key>.bib beside the page
# Each rich-text style and its element; "url" (an address or identifier) may break anywhere.
_TAGS = {"emph": ("em", ""), "strong": ("strong", ""), "sup": ("sup", ""), "sub": ("sub", ""),
         "smallcaps": ("span", ' style="font-variant:small-caps"'),
         "url": ("span", ' class="url"')}
_DESCRIPTION_LENGTH = 200
# design.page_size for CSS's @page (executive has no CSS keyword).
CSS_PAGE_SIZES = {"a4": "A4", "a5": "A5", "b5": "B5", "letter": "letter", "legal": "legal",
                  "us-executive": "7.25in 10.5in"}


def to_html(rich: RichText) -> Markup:
    """The single place rich text becomes markup; every text node is escaped."""
    return Markup("".join(_node_to_html(node) for node in rich.parts))


def _node_to_html(node: Node, in_link: bool = False) -> str:
    """A link inside a link keeps only its text: HTML has no nested links."""
    if isinstance(node, Text):
        return str(escape(node.value))
    children = link_label(node) if isinstance(node, Link) and not in_link else node.children
    inner = "".join(_node_to_html(child, in_link or isinstance(node, Link)) for child in children)
    if isinstance(node, Math):
        return inner  # its Unicode rendering: a web page has no TeX
    if isinstance(node, Styled):
        tag, attributes = _TAGS[node.style]
        return f"<{tag}{attributes}>{inner}</{tag}>"
    if isinstance(node, Link):
        return inner if in_link else f'<a href="{escape(check_url(node.url))}">{inner}</a>'
    raise TypeError(f"unknown rich-text node {node!r}")


def finalize(value: Any) -> Any:
    """What ``{{ value }}`` prints: rich text as markup, None as nothing, the rest escaped."""
    if isinstance(value, RichText):
        return to_html(value)
    if value is None:
        return ""
    return value  # autoescape escapes it


def paragraphs(value: RichText | str | None) -> list[RichText]:
    """A text split at blank lines, as LaTeX reads it; each piece becomes one <p>."""
    if value is None:
        return []
    return [rich for rich in split_paragraphs(as_rich(value)) if plain(rich).strip()]


def anchor(value: Any) -> str:
    """A value usable as an element id or class: no white space (HTML forbids it there)."""
    return re.sub(r"\s+", "-", str(value).strip()) or "section"


def json_ld(data: Any) -> Markup:
    """JSON for a <script> element: ``<``, ``>`` and ``&`` as escapes, so no "</script>"."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def html_environment(theme: Theme) -> jinja2.Environment:
    """Jinja2 set up for HTML: autoescape on, no silent blanks, shared pieces under ``bibcv/``.

    A theme's page extends ``bibcv/base.html.j2`` (or its parent theme's page); its
    sections may use the shared macros in ``bibcv/sections.html.j2``.
    """
    environment = jinja2.Environment(
        loader=theme_loader(theme, SHARED_TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, finalize=finalize, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)
    environment.filters["paragraphs"] = paragraphs
    environment.filters["anchor"] = anchor
    return environment


@dataclass(frozen=True)
class Button:
    """One link under a publication: [PDF], [DOI], [BibTeX], ..."""

    label: str
    href: str


def bib_file_name(key: str) -> str:
    """A file name for a citation key: the key when it is safe, else a tidy name plus a hash.

    Keys may hold ``/`` or ``:`` (``DBLP:conf/...``); two keys must never share a file.
    """
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", key):
        return f"{key}.bib"
    tidy = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip(".-") or "entry"
    return f"{tidy}-{hashlib.sha256(key.encode()).hexdigest()[:8]}.bib"


def bib_href(document: Document, key: str) -> str:
    """The [BibTeX] link, relative to the page."""
    return "/".join(quote(part) for part in (document.stem, BIB_FOLDER, bib_file_name(key)))


def publication_buttons(document: Document, paper: PublicationView) -> list[Button]:
    """[PDF] [Slides] [Code] ... (the entry's per-paper links), [DOI] [arXiv], then [BibTeX].

    The style has already checked every target (http, https or mailto only).
    """
    return [*(Button(link.label, link.url) for link in paper.links),
            *(Button(link.label, link.url) for link in paper.identifiers),
            Button(document.terms["link_bibtex"], bib_href(document, paper.key))]


def shown_views(document: Document) -> dict[str, PublicationView]:
    """Each publication the page shows, styled: from publications sections and from
    items' queries (research topics), the first time it appears."""
    views: dict[str, PublicationView] = {}

    def collect(value: Any) -> None:
        if isinstance(value, PublicationView):
            views.setdefault(value.key, value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, SimpleNamespace):
            collect(list(vars(value).values()))

    for section in document.sections:
        collect(section.publications)
        collect(section.items)
    return views


def linked_data(document: Document) -> dict[str, Any]:
    """schema.org JSON-LD: the person, and a ScholarlyArticle for each publication shown."""
    views = shown_views(document)
    articles = []
    for publication in document.publications:
        view = views.get(publication.key)
        article: dict[str, Any] = {"@type": "ScholarlyArticle"}
        title = publication.text("title") or publication.text("shorttitle")
        if title:
            article["name"] = article["headline"] = title
        authors = [{"@type": "Person", "name": name.display(tied=False)}
                   for name in publication.authors if not name.is_others]
        if authors:
            article["author"] = authors
        if publication.year is not None:
            article["datePublished"] = _iso_date(publication)
        identifiers = {link.label: link.url for link in view.identifiers} if view else {}
        if "DOI" in identifiers:
            article["sameAs"] = identifiers["DOI"]
        url = _web_address(publication.text("url"))
        if url:
            article["url"] = url
        articles.append(article)
    person = {"@type": "Person", "name": document.name}
    for item in document.cv.person.contact:
        if item.kind == "email":
            person["email"] = item.value
        elif item.kind == "homepage":
            person["url"] = item.value
    return {"@context": "https://schema.org", "@graph": [person, *articles]}


def _iso_date(publication: Publication) -> str:
    """The date as ISO 8601, as far as the entry gives it (2024, 2024-06, 2024-06-05): it was
    the year alone, though search engines read the month and day too."""
    parts = [str(publication.year)]
    if publication.has_clean_year and publication.month:
        parts += [f"{publication.month:02d}", *([f"{publication.day:02d}"] if publication.day
                                                else [])]
    return "-".join(parts)


def _web_address(url: str) -> str:
    try:
        return check_url(url) if url else ""
    except MarkupError:
        return ""


def description(document: Document) -> str:
    """For search engines: the CV's first paragraph, else who the page is about."""
    for section in document.sections:
        for paragraph in paragraphs(section.text):
            text = " ".join(plain(paragraph).split())
            if len(text) > _DESCRIPTION_LENGTH:
                text = text[:_DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + " …"
            return text
    return document.terms["page_description"].format(document.name)


_FAMILY = re.compile(r"[A-Za-z0-9 ]+")


def cjk_font_stacks(document: Document) -> dict[str, Markup] | None:
    """CSS font lists for a CV in Chinese, Japanese or Korean, from its locale's data;
    each family name quoted (only letters, digits and spaces may reach the style sheet)."""
    locale = document.cv.locale
    if locale is None or not locale.cjk:
        return None

    def stack(families: tuple[str, ...], generic: str) -> Markup:
        names = [family if family in ("serif", "sans-serif") else f'"{family}"'
                 for family in families if _FAMILY.fullmatch(family) or family == "sans-serif"]
        return Markup(", ".join(names or [generic]))

    return {"serif": stack(locale.web_serif, "serif"), "sans": stack(locale.web_sans,
                                                                      "sans-serif")}


def render_html(document: Document) -> str:
    """The CV as one web page."""
    theme = document.theme
    if theme.html_document is None:
        raise BibcvError(f"theme {theme.name!r} has no HTML page; add `html_document:` and its "
                         "template to its theme.yaml (see the built-in themes)",
                         Origin(theme.folder / "theme.yaml"))
    context = {
        "person": {"name": document.name, "contact": document.contact},
        "sections": document.sections,
        "terms": document.terms,
        "language": document.cv.language,
        "cjk_fonts": cjk_font_stacks(document),
        "description": description(document),
        "linked_data": json_ld(linked_data(document)),
        "buttons": lambda paper: publication_buttons(document, paper),
        "design": document.cv.design,
        "page_sizes": CSS_PAGE_SIZES,
        "photo": document.photo,
        "last_updated": document.cv.last_updated,
    }
    try:
        return html_environment(theme).get_template(theme.html_document).render(context)
    except jinja2.TemplateSyntaxError as error:
        file = theme.template_file(error.name or theme.html_document)
        raise BibcvError(f"template error: {error.message}", Origin(file, error.lineno)) from None
    except jinja2.TemplateError as error:
        raise BibcvError(f"template error: {error}",
                         Origin(theme.template_file(theme.html_document))) from None
    except (TypeError, AttributeError, ValueError, KeyError, IndexError) as error:
        raise BibcvError(f"the theme's templates failed: {type(error).__name__}: {error}",
                         Origin(theme.template_file(theme.html_document))) from None


def write_html(document: Document, out_dir: Path) -> list[Path]:
    """Write ``<stem>.html`` and each shown publication's ``<stem>/bib/<key>.bib``.

    Returns the files written, the page first.  Stale .bib files of entries the
    CV no longer shows are removed, so every [BibTeX] link and no other file remains.
    """
    page = render_html(document)
    bib_dir = out_dir / document.stem / BIB_FOLDER
    written = []
    for publication in document.publications:
        target = bib_dir / bib_file_name(publication.key)
        write_text_atomically(target, export_bibtex([publication], strip_cv_fields=True))
        written.append(target)
    if bib_dir.is_dir():
        for stale in set(bib_dir.glob("*.bib")) - set(written):
            stale.unlink()
    html_path = out_dir / f"{document.stem}.html"
    write_text_atomically(html_path, page)
    return [html_path, *written]
