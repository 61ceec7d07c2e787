"""The stages wired together: load -> bibliography -> select/render -> compile."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bibcv import DEFAULT_TIMEOUT
from bibcv.bibliography import Bibliography, Publication, load_bibliography
from bibcv.compile import CompiledCV, LatexError, compile_pdf
from bibcv.errors import BibcvError, Origin
from bibcv.export import export_bibtex
from bibcv.incremental import STATE_DIR, inputs_of, record_build
from bibcv.load import load_cv
from bibcv.render import RenderedTex, SourceMap, render_tex
from bibcv.select import all_queries, select_publications

CV_SUFFIXES = (".yaml", ".yml")


@dataclass
class RenderedCV:
    stem: str
    tex: RenderedTex
    warnings: list[BibcvError] = field(default_factory=list)
    incomplete: list[BibcvError] = field(default_factory=list)  # see Bibliography.incomplete


def render_cv(path: Path, cache_dir: Path | None = None) -> RenderedCV:
    """Everything short of running TeX: what `bibcv check` validates."""
    cv, theme = load_cv(path)
    bibliography = load_bibliography(cv.bibliography_files, cache_dir)
    warnings = list(bibliography.warnings)
    tex = render_tex(cv, theme, bibliography, warnings)
    return RenderedCV(path.stem, tex, warnings, bibliography.incomplete)


def build_cv(path: Path, out_dir: Path,
             timeout: float = DEFAULT_TIMEOUT) -> tuple[CompiledCV, list[BibcvError]]:
    """Render and compile; on success record what the build read (see ``incremental``)."""
    inputs = inputs_of(path)  # before reading them: an edit during the build rebuilds next time
    rendered = render_cv(path, cache_dir=out_dir / STATE_DIR)
    try:
        compiled = compile_pdf(rendered.tex.source, rendered.stem, out_dir, timeout)
    except LatexError as error:
        raise _traced_back(error, rendered.tex.source_map) from None
    record_build(path, out_dir, inputs)
    return compiled, rendered.warnings


def _traced_back(error: LatexError, source_map: SourceMap) -> BibcvError:
    """Blame the CV or BibTeX line whose text TeX choked on, when it can be found."""
    if error.culprit is not None:
        origin = source_map.origin_of_text(error.culprit)
    else:
        origin = source_map.origin_at(error.tex_line) if error.tex_line else None
    if origin is None:
        return error
    source = f"TeX source: {error.failed_tex}:{error.tex_line}; " if error.tex_line else ""
    return BibcvError(f"{error.summary} ({source}full log: {error.log})", origin)


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
        warnings += bibliography.warnings + bibliography.incomplete
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
    shown = [publication for query in all_queries(cv)
             for publication in select_publications(bibliography, query, cv.person)]
    return shown, bibliography
