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

from bibcv import DEFAULT_TIMEOUT
from bibcv.bibliography import Bibliography, Publication, load_bibliography
from bibcv.citecounts import Counts, h_index
from bibcv.csl import Bibliographies, CslError, CslStyle, ProcessorMissing, find_citeproc
from bibcv.errors import BibcvError, BibcvErrors, Origin
from bibcv.incremental import Inputs
from bibcv.load import FormatErrors, load_cv, no_file_has, query_problems, unread_files
from bibcv.model import CV, PublicationOptions, PublicationQuery, Section
from bibcv.photo import PreparedPhoto, prepare_photo
from bibcv.richtext import RichText, as_rich, link, styled
from bibcv.select import all_queries, number_labels, select_publications, unknown_excludes
from bibcv.style import (
    GROUP_ORDER,
    CitationStyle,
    PublicationGroup,
    PublicationView,
    formula_warnings,
    type_group,
    view_publications,
)
from bibcv.theme import BUILTIN_THEMES, Theme


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
    # The publications under their sub-headings (group_by); one group with heading "" if none.
    groups: list[PublicationGroup] = field(default_factory=list)
    # "Citations: 1234; h-index: 12 (OpenAlex, as of …)" when the section asks for it.
    citation_summary: RichText | None = None

    @property
    def widest_label(self) -> str:
        """The longest number label ("[J12]"), for themes that indent by it; "" if none."""
        return max((p.label for p in self.publications), key=len, default="")

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
    photo: PreparedPhoto | None = None  # design.photo, upright and cropped, for every backend
    errors: list[BibcvError] = field(default_factory=list)  # kept for `check` (load_document)

    @property
    def stem(self) -> str:
        return self.cv.source.stem

    @property
    def build_warnings(self) -> list[BibcvError]:
        """What a build warns of: BibTeX's errors inside an entry too, which it reads past."""
        return [*self.bibliography.errors, *self.warnings]


def load_document(path: Path, cache_dir: Path | None = None,
                  timeout: float = DEFAULT_TIMEOUT, keep_errors: bool = False) -> Document:
    """Read a CV file and everything it names, and resolve it into a Document (citeproc-js,
    for CSL styles, given ``timeout`` seconds, as TeX is).

    Every stage runs whatever an earlier one found: a file, style or key not found is
    left out and the rest is checked, so that one run reports every problem; a CV the
    format refuses stops at the format, with its .bib files' problems.  A build stops
    at them, before writing anything; with ``keep_errors`` (`bibcv check`) they are
    kept in ``errors``, and BibTeX's errors that a build reads past are errors too.
    """
    try:
        cv, theme = load_cv(path, keep_errors=True)
    except FormatErrors as error:  # its .bib files are read all the same
        bibliography = load_bibliography(error.bibliography_files, keep_errors=True)
        # BibTeX's errors that a build reads past are its warnings; `check`'s errors.
        recovered = bibliography.errors if keep_errors else []
        raise BibcvErrors([*error.problems, *bibliography.unread, *recovered], [
            *error.warnings, *bibliography.warnings,
            *(bibliography.incomplete if keep_errors else bibliography.errors)]) from None
    inputs = cv_inputs(cv, theme)
    digest = inputs.digest(cache_dir)
    bibliography = load_bibliography(cv.bibliography_files, cache_dir,
                                     cv.bibliography_encodings, keep_errors=True)
    document = build_document(cv, theme, bibliography, inputs, digest, cache_dir, timeout)
    if document.errors and not keep_errors:
        raise BibcvErrors(document.errors, document.build_warnings)
    return document


def cv_inputs(cv: CV, theme: Theme) -> Inputs:
    """Every file a build of this CV reads, besides bibcv itself."""
    files = [*cv.files, *cv.bibliography_files]
    if cv.venue_table is not None:
        files.append(cv.venue_table)
    if cv.design.photo is not None:
        files.append(cv.design.photo.path)
    # The themes it extends: a built-in one counts as bibcv's own code, another by its files.
    files += [path for folder in theme.template_folders[1:]
              if not folder.is_relative_to(BUILTIN_THEMES)
              for path in sorted(folder.rglob("*")) if path.is_file()]
    if cv.citations is not None:
        files.append(cv.citations)
    styles = [cv.style, *(section.options.style for section in cv.sections)]
    files += list(dict.fromkeys(style.path for style in styles if style is not None))
    return Inputs(tuple(files), theme.folder)


def build_document(cv: CV, theme: Theme, bibliography: Bibliography, inputs: Inputs,
                   inputs_digest: str, cache_dir: Path | None = None,
                   timeout: float = DEFAULT_TIMEOUT) -> Document:
    """The Document; with a cache_dir, CSL bibliographies rendered before are kept there."""
    warnings = [*bibliography.warnings, *cv.warnings]
    resolver = _QueryResolver(cv, theme, bibliography, warnings,
                              bibliographies=Bibliographies(cache_dir=cache_dir, timeout=timeout),
                              errors=[*cv.errors, *bibliography.unread,
                                      *query_problems(cv, bibliography)])
    sections = resolver.sections()
    for publication in resolver.shown.values():
        warnings += formula_warnings(publication)
    # An entry shown in two sections (selected, then all) is styled twice: warned about once.
    warnings = list({str(warning): warning for warning in warnings}.values())
    return Document(
        cv=cv, theme=theme, name=cv.person.display_name, contact=_contact(cv, theme),
        sections=sections, terms=cv.terms, bibliography=bibliography,
        publications=list(resolver.shown.values()), inputs=inputs,
        inputs_digest=inputs_digest, warnings=warnings,
        photo=_photo(cv, resolver.errors), errors=resolver.errors)


@dataclass
class _QueryResolver:
    """Turns every publication query in the CV, in a section or an item, into views.

    Publications sections are selected first, all of them, because numbers may run
    on across sections and count down from the total.
    """

    cv: CV
    theme: Theme
    bibliography: Bibliography
    warnings: list[BibcvError]
    shown: dict[str, Publication] = field(default_factory=dict)
    bibliographies: Bibliographies = field(default_factory=Bibliographies)
    errors: list[BibcvError] = field(default_factory=list)
    without_csl: bool = False  # no CSL processor here: bibcv's own style stands in
    broken_styles: set[str] = field(default_factory=set)  # CSL styles that rendered nothing

    def sections(self) -> list[DocumentSection]:
        chosen = {section.id: self._grouped(section) for section in self.cv.sections
                  if section.query is not None}
        self._warn_shown_twice(chosen)
        self._render_csl(chosen)
        labels = self._labels(chosen)
        resolved = []
        for section in self.cv.sections:
            document_section = DocumentSection(
                id=section.id, title=section.title, layout=section.layout, text=section.text,
                items=self.resolve(section.items))
            if section.id in chosen:
                groups = self._styled(section, chosen[section.id], labels[section.id])
                document_section.groups = groups
                document_section.publications = [p for g in groups for p in g.publications]
                if section.options.citation_summary and self.cv.counts:
                    document_section.citation_summary = self._summary(section, chosen,
                                                                      self.cv.counts)
            resolved.append(document_section)
        return resolved

    def _styled(self, section: Section, grouped: list[tuple[str, list[Publication]]],
                numbers: list[str]) -> list[PublicationGroup]:
        """Each group's publications styled with the section's options, numbered in turn."""
        groups = []
        for heading, papers in grouped:
            views = self.views(papers, section.options, numbers[:len(papers)],
                               section=section)
            groups.append(PublicationGroup(heading, views))
            numbers = numbers[len(papers):]
        return groups

    def _render_csl(self, chosen: dict[str, list[tuple[str, list[Publication]]]]) -> None:
        """Every entry shown in a CSL style, rendered before any is styled: one citeproc-js
        run for the whole CV (starting it costs more than rendering)."""
        wanted: list[tuple[CitationStyle, list[Publication]]] = []
        for section in self.cv.sections:
            if section.id in chosen:
                papers = [paper for _, group in chosen[section.id] for paper in group]
                wanted.append((self.style(section.options), papers))
        item_queries = set(map(id, all_queries(self.cv))) - {
            id(section.query) for section in self.cv.sections}
        for query in all_queries(self.cv):
            if id(query) in item_queries:
                wanted.append((self.style(PublicationOptions()), select_publications(
                    self.bibliography, query, self.cv.person)))
        wanted = [(style, papers) for style, papers in wanted if style.csl is not None]
        if not wanted:
            return
        try:
            self.bibliographies.citeproc = find_citeproc(self.cv.source.parent)
            self.bibliographies.lang = self.cv.csl_language
            for style, papers in wanted:
                assert style.csl is not None
                for paper in papers:
                    self.bibliographies.add(style.csl, style.csl_item(paper))
            broken = self.bibliographies.render()
        except CslError as error:  # no Node.js, an overrun: the rest in bibcv's own style
            missing = isinstance(error, ProcessorMissing)
            self.errors.append(self._csl_problem(error, wanted[0][0].csl if missing else None))
            self.without_csl = True
            return
        # A style's own fault: its sections are checked in bibcv's own style.
        self.errors += [self._csl_problem(error) for error in broken.values()]
        self.broken_styles = set(broken)

    def _csl_problem(self, error: CslError, style: CslStyle | None = None) -> BibcvError:
        """At the style's line when it is the style's fault (or Node's), else the CV's."""
        style = error.style or style
        return BibcvError(str(error), style.origin if style and style.origin
                          else Origin(self.cv.source))

    def _grouped(self, section: Section) -> list[tuple[str, list[Publication]]]:
        """The section's publications under their sub-headings, in the order shown."""
        assert section.query is not None
        papers = self.select(section.query)
        by = section.options.group_by
        if by is None:
            return [("", papers)] if papers else []
        groups: dict[str, list[Publication]] = {}
        for paper in papers:
            if by == "year":
                heading = str(paper.year) if paper.year else self.cv.terms.get(
                    paper.text("pubstate").casefold(), paper.text("pubstate"))
            else:
                heading = type_group(paper)
            groups.setdefault(heading, []).append(paper)
        if by == "type":
            ordered = sorted(groups.items(), key=lambda pair: GROUP_ORDER.index(pair[0]))
            return [(self._term(heading), papers) for heading, papers in ordered]
        return list(groups.items())

    def _summary(self, section: Section, chosen: dict[str, list[tuple[str, list[Publication]]]],
                 counts: Counts) -> RichText:
        """"Citations: 1234; h-index: 12 (OpenAlex, as of 2026-12-06)" for the section's papers
        (none without counts: load reported why)."""
        papers = [paper for _, group in chosen[section.id] for paper in group]
        found = [counts.counts[p.key] for p in papers if p.key in counts.counts]
        if len(found) < len(papers):
            missing = [p.key for p in papers if p.key not in counts.counts]
            self.warnings.append(BibcvError(
                f"{len(missing)} of the section's papers "
                f"{'has' if len(missing) == 1 else 'have'} no count in {self.cv.citations} "
                f"({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''}); the total and "
                "h-index leave them out. Run `bibcv cite-counts` to fetch them", section.origin))
        return as_rich(self.cv.terms["citation_summary"].format(
            total=sum(found), h_index=h_index(found), source=counts.source,
            date=counts.fetched.isoformat()))

    def _term(self, name: str) -> str:
        return self.style(PublicationOptions()).term(name)

    def _labels(self, chosen: dict[str, list[tuple[str, list[Publication]]]]
                ) -> dict[str, list[str]]:
        """Numbers per section, or running on across sections that continue the previous one."""
        runs: list[list[Section]] = []
        for section in self.cv.sections:
            if section.id not in chosen or not section.numbered:
                continue
            if section.options.continue_numbers and runs:
                runs[-1].append(section)
            else:
                runs.append([section])
        labels: dict[str, list[str]] = {section.id: [] for section in self.cv.sections}
        for run in runs:
            counts = [sum(len(papers) for _, papers in chosen[s.id]) for s in run]
            total = sum(counts)
            done = 0
            for section, count in zip(run, counts, strict=True):
                options = section.options
                descending = options.number_order == "descending"
                first = total - done - count + 1 if descending else done + 1
                labels[section.id] = number_labels(count, first, descending,
                                                   options.number_prefix)
                done += count
        for section in self.cv.sections:
            if section.id in chosen and not labels[section.id]:
                labels[section.id] = [""] * sum(len(p) for _, p in chosen[section.id])
        return labels

    def _warn_shown_twice(self, chosen: dict[str, list[tuple[str, list[Publication]]]]) -> None:
        first_section: dict[str, str] = {}
        for section in self.cv.sections:
            for _, papers in chosen.get(section.id, []):
                for paper in papers:
                    earlier = first_section.setdefault(paper.key, section.id)
                    if earlier != section.id:
                        self.warnings.append(BibcvError(
                            f"entry {paper.key!r} is shown in section {earlier!r} and again in "
                            f"section {section.id!r}; leave it out of one (exclude: "
                            f"[{paper.key}])", section.query.origin if section.query else None))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, PublicationQuery):
            # Topics and other item lists show no badges: no warning about them.
            return self.views(self.select(value), PublicationOptions(), [], in_section=False)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, dict):
            # Attributes, not dict keys: a field named "items" must not find dict.items.
            return SimpleNamespace(**{name: self.resolve(item) for name, item in value.items()})
        return value

    def select(self, query: PublicationQuery) -> list[Publication]:
        selected = select_publications(self.bibliography, query, self.cv.person)
        unread = unread_files(self.cv, self.bibliography)
        if not selected and not self._at_fault(query):
            self.warnings.append(BibcvError(
                "this publication query matches no bibliography entry" if unread is None else
                "this publication query matches no entry of the bibliography files that could "
                f"be read; the entries it means may be in {unread}", query.origin))
        for key in unknown_excludes(self.bibliography, query):
            self.warnings.append(BibcvError(
                f"'exclude' names the key {key!r}, which {no_file_has(unread)}"
                + ("; check its spelling" if unread is None else ""), query.origin))
        return selected

    def _at_fault(self, query: PublicationQuery) -> bool:
        """Whether a key or type the query names was not found: its error says why it
        matches nothing (query_problems)."""
        origins = {problem.origin for problem in self.errors}
        return not origins.isdisjoint([query.origin, *query.key_origins])

    def style(self, options: PublicationOptions, in_section: bool = True,
              section: Section | None = None) -> CitationStyle:
        citation = self.theme.citation
        counts = self.cv.counts
        cited_by = counts.counts if options.cited_by and section and counts else None
        csl = None if options.builtin_style or self.without_csl \
            else options.style or self.cv.style
        return CitationStyle(
            person=self.cv.person, terms=self.cv.terms, venues=self.cv.venues,
            maxnames=options.maxnames, minnames=options.minnames,
            last_author=options.last_author,
            omit=frozenset([*citation.get("omit", ()), *options.omit]),
            badges=in_section and bool(citation.get("badges", False)), cited_by=cited_by,
            csl=None if csl is None or csl.name in self.broken_styles else csl,
            bibliographies=self.bibliographies)

    def views(self, papers: list[Publication], options: PublicationOptions,
              labels: list[str], in_section: bool = True,
              section: Section | None = None) -> list[PublicationView]:
        """Style publications; every one styled is shown, so it is recorded here, in reading
        order (a section's items before its publications, as the templates print them)."""
        for paper in papers:
            self.shown.setdefault(paper.key, paper)
        return view_publications(papers, self.style(options, in_section, section),
                                 labels or None,
                                 self.warnings)


def _photo(cv: CV, errors: list[BibcvError]) -> PreparedPhoto | None:
    """The photo made ready; one that cannot be read as an image is an error."""
    if cv.design.photo is None:
        return None
    try:
        return prepare_photo(cv.design.photo)
    except BibcvError as error:
        errors.append(error)
        return None


def _contact(cv: CV, theme: Theme) -> list[ContactLine]:
    lines = []
    for item in cv.person.contact:
        kind = theme.contact[item.kind]
        # An address may break at its punctuation, should it not fit on a line of its own.
        text = styled("url", item.value) if kind.link else as_rich(item.value)
        if kind.link:  # the address was checked with the CV (cvformat)
            text = link(kind.link.replace("{value}", item.value), text)
        # A theme that labels a kind says it in the CV's language, where the language has it.
        label = cv.terms.get(f"contact_{item.kind}", kind.label) if kind.label else None
        lines.append(ContactLine(item.kind, text, kind.icon, label))
    return lines
