"""The whole CV, format-neutral: what every backend renders and every command asks.

``build_document`` runs the stages after ``load`` once: it reads the
bibliography, selects each query's publications, numbers and styles them, and
resolves the contact line.  The result is rich text and plain data, nothing
LaTeX- or HTML-specific; the LaTeX, HTML and Markdown backends render the same
``Document``.  It is also the one place that knows what a CV reads (``inputs``,
for incremental builds) and what it shows (``publications``, for export).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bibcv.bibliography import Bibliography, Publication, load_bibliography
from bibcv.errors import BibcvError
from bibcv.incremental import Inputs
from bibcv.load import load_cv
from bibcv.model import CV, PublicationQuery, Section
from bibcv.richtext import RichText, as_rich, link
from bibcv.select import select_publications
from bibcv.style import PublicationView, view_publications
from bibcv.theme import Theme
from bibcv.venues import VenueTable, load_venue_table


@dataclass(frozen=True)
class ContactLine:
    """One item of the contact line, as the theme describes its kind."""

    kind: str
    text: RichText  # linked when the theme gives the kind a link pattern
    icon: str | None = None
    label: str | None = None


@dataclass
class DocumentSection:
    """One section with its content resolved: what a section template sees."""

    id: str
    title: RichText
    layout: str
    text: RichText | None = None
    items: list[SimpleNamespace] = field(default_factory=list)  # fields as attributes
    publications: list[PublicationView] = field(default_factory=list)

    @property
    def has_equal_contribution(self) -> bool:
        return any(p.has_equal_contribution for p in self.publications)


@dataclass
class Document:
    """A CV ready for any backend."""

    cv: CV
    theme: Theme
    name: str
    contact: list[ContactLine]
    sections: list[DocumentSection]
    terms: dict[str, str]
    bibliography: Bibliography
    publications: list[Publication]  # each one the CV shows, once, in reading order
    inputs: Inputs
    inputs_digest: str  # taken as the inputs were read: an edit during a build rebuilds later
    warnings: list[BibcvError] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.cv.source.stem


def load_document(path: Path, cache_dir: Path | None = None) -> Document:
    """Read a CV file and everything it names, and resolve it into a Document."""
    cv, theme = load_cv(path)
    inputs = cv_inputs(cv, theme)
    digest = inputs.digest()
    bibliography = load_bibliography(cv.bibliography_files, cache_dir)
    return build_document(cv, theme, bibliography, inputs, digest)


def cv_inputs(cv: CV, theme: Theme) -> Inputs:
    """Every file a build of this CV reads, besides bibcv itself."""
    files = [*cv.files, *cv.bibliography_files]
    if cv.venue_table is not None:
        files.append(cv.venue_table)
    return Inputs(tuple(files), theme.folder)


def build_document(cv: CV, theme: Theme, bibliography: Bibliography, inputs: Inputs,
                   inputs_digest: str) -> Document:
    warnings = list(bibliography.warnings)
    resolver = _QueryResolver(cv, bibliography, load_venue_table(cv.venue_table), warnings)
    sections = [resolver.section(section) for section in cv.sections]
    return Document(
        cv=cv, theme=theme, name=cv.person.display_name, contact=_contact(cv, theme),
        sections=sections, terms=cv.terms, bibliography=bibliography,
        publications=list(resolver.shown.values()), inputs=inputs,
        inputs_digest=inputs_digest, warnings=warnings)


@dataclass
class _QueryResolver:
    """Turns every publication query in the CV, in a section or an item, into views."""

    cv: CV
    bibliography: Bibliography
    venues: VenueTable
    warnings: list[BibcvError]
    shown: dict[str, Publication] = field(default_factory=dict)

    def section(self, section: Section) -> DocumentSection:
        resolved = DocumentSection(id=section.id, title=section.title, layout=section.layout,
                                   text=section.text, items=self.resolve(section.items))
        if section.query is not None:
            resolved.publications = self.publications(section.query, section.numbered)
        return resolved

    def resolve(self, value: Any) -> Any:
        if isinstance(value, PublicationQuery):
            return self.publications(value, numbered=False)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, dict):
            # Attributes, not dict keys: a field named "items" must not find dict.items.
            return SimpleNamespace(**{name: self.resolve(item) for name, item in value.items()})
        return value

    def publications(self, query: PublicationQuery, numbered: bool) -> list[PublicationView]:
        selected = select_publications(self.bibliography, query, self.cv.person)
        if not selected:
            self.warnings.append(BibcvError(
                "this publication query matches no bibliography entry", query.origin))
        for publication in selected:
            self.shown.setdefault(publication.key, publication)
        return view_publications(selected, self.cv.person, self.cv.terms, self.venues, numbered)


def _contact(cv: CV, theme: Theme) -> list[ContactLine]:
    lines = []
    for item in cv.person.contact:
        kind = theme.contact[item.kind]
        text = as_rich(item.value)
        if kind.link:
            try:
                text = link(kind.link.replace("{value}", item.value), text)
            except ValueError as error:
                raise BibcvError(str(error), item.origin) from None
        lines.append(ContactLine(item.kind, text, kind.icon, kind.label))
    return lines
