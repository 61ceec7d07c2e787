"""The stages wired together: load -> bibliography -> select/render -> compile."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bibcv.bibliography import Bibliography, Publication, load_bibliography
from bibcv.compile import DEFAULT_TIMEOUT, CompiledCV, compile_pdf
from bibcv.errors import BibcvError, Origin
from bibcv.export import export_bibtex
from bibcv.load import load_cv
from bibcv.render import render_tex
from bibcv.select import select_publications

CV_SUFFIXES = (".yaml", ".yml")


@dataclass
class RenderedCV:
    stem: str
    tex_source: str
    warnings: list[BibcvError] = field(default_factory=list)


def render_cv(path: Path) -> RenderedCV:
    """Everything short of running TeX: what `bibcv check` validates."""
    cv, theme = load_cv(path)
    bibliography = load_bibliography(cv.bibliography_files)
    warnings = list(bibliography.warnings)
    tex_source = render_tex(cv, theme, bibliography, warnings)
    return RenderedCV(path.stem, tex_source, warnings)


def build_cv(path: Path, out_dir: Path,
             timeout: float = DEFAULT_TIMEOUT) -> tuple[CompiledCV, list[BibcvError]]:
    rendered = render_cv(path)
    compiled = compile_pdf(rendered.tex_source, rendered.stem, out_dir, timeout)
    return compiled, rendered.warnings


@dataclass
class ExportedBib:
    text: str
    count: int
    warnings: list[BibcvError] = field(default_factory=list)


def export_bib(sources: list[Path], strip_cv_fields: bool = False) -> ExportedBib:
    """A CV exports the publications it shows, in its order; a .bib file all its entries."""
    chosen: dict[str, Publication] = {}
    preambles: list[str] = []
    warnings: list[BibcvError] = []
    for source in sources:
        publications, bibliography = _publications_of(source)
        warnings += bibliography.warnings
        preambles += bibliography.preambles
        for publication in publications:
            chosen.setdefault(publication.key, publication)
    text = export_bibtex(chosen.values(), preambles, strip_cv_fields)
    return ExportedBib(text, len(chosen), warnings)


def _publications_of(source: Path) -> tuple[list[Publication], Bibliography]:
    if source.suffix == ".bib":
        bibliography = load_bibliography([source])
        return list(bibliography), bibliography
    if source.suffix not in CV_SUFFIXES:
        raise BibcvError("export-bib takes CV files (.yaml) and BibTeX files (.bib)",
                         Origin(source))
    cv, _theme = load_cv(source)
    bibliography = load_bibliography(cv.bibliography_files)
    shown = [
        publication
        for section in cv.sections if section.query is not None
        for publication in select_publications(bibliography, section.query, cv.person)
    ]
    return shown, bibliography
