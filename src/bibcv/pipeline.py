"""The stages wired together: load -> bibliography -> select -> style -> document -> backends.

``document.load_document`` runs everything up to the format-neutral Document;
each output format is one writer here that hands the Document to its backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bibcv import DEFAULT_TIMEOUT
from bibcv.atomic import write_text_atomically
from bibcv.bibliography import Publication, load_bibliography
from bibcv.cvfiles import CV_SUFFIXES
from bibcv.document import Document, load_document
from bibcv.errors import BibcvError, BibcvErrors, Origin, each_problem, in_reading_order
from bibcv.export import export_bibtex
from bibcv.incremental import STATE_DIR, record_build

if TYPE_CHECKING:
    from bibcv.backends.latex import SourceMap
    from bibcv.compile import LatexError
    from bibcv.warmtex import WarmEngines


@dataclass
class BuiltCV:
    outputs: list[Path] = field(default_factory=list)  # every file written: the build record
    main_outputs: list[Path] = field(default_factory=list)  # one or two a format: for messages
    warnings: list[BibcvError] = field(default_factory=list)
    engine_passes: int = 0  # XeLaTeX runs, when a PDF was made

    def wrote(self, main: list[Path], others: list[Path] | None = None) -> None:
        self.main_outputs += main
        self.outputs += main + (others or [])


# Each writer imports its backend itself: a PDF build need not load the HTML one.
def _write_pdf(document: Document, out_dir: Path, timeout: float, built: BuiltCV,
               engines: WarmEngines | None) -> None:
    from bibcv.backends.latex import render_tex
    from bibcv.compile import LatexError, compile_pdf
    from bibcv.texlog import overfull_warnings

    tex = render_tex(document)
    try:
        photo = document.photo
        compiled = compile_pdf(tex.source, document.stem, out_dir, timeout,
                               document.inputs.newest_change(), engines,
                               {photo.file_name: photo.data} if photo else None)
    except LatexError as error:
        raise _traced_back(error, tex.source_map) from None
    except BibcvError as error:  # a timeout, a missing engine: say which CV it was
        raise BibcvError(error.message, error.origin or Origin(document.cv.source)) from None
    built.wrote([compiled.pdf, compiled.tex])
    built.warnings += overfull_warnings(compiled.overfull, compiled.tex, tex.source_map.origin_at)
    built.engine_passes = compiled.engine_passes


def _write_html(document: Document, out_dir: Path, _timeout: float, built: BuiltCV,
                _engines: WarmEngines | None) -> None:
    from bibcv.backends.html import write_html

    page, *bib_files = write_html(document, out_dir)
    built.wrote([page], bib_files)


def _write_md(document: Document, out_dir: Path, _timeout: float, built: BuiltCV,
              _engines: WarmEngines | None) -> None:
    from bibcv.backends.markdown import render_markdown

    target = out_dir / f"{document.stem}.md"
    write_text_atomically(target, render_markdown(document))
    built.wrote([target])


Writer = Callable[[Document, Path, float, BuiltCV, "WarmEngines | None"], None]
# Each output format and the writer that makes it.
WRITERS: dict[str, Writer] = {  # keys: bibcv.OUTPUT_FORMATS
    "pdf": _write_pdf, "html": _write_html, "md": _write_md}


def build_cv(path: Path, out_dir: Path, timeout: float = DEFAULT_TIMEOUT,
             formats: Sequence[str] | None = None,
             engines: WarmEngines | None = None,
             written: Callable[[Path], None] | None = None) -> BuiltCV:
    """Write each format of one CV (default: the CV's own ``formats``), in that order; record
    what it read.

    ``engines``: warm TeX engines to make the PDF with, when one has its preamble.
    ``written``: told each format's main files as soon as they are in place
    (`bibcv serve` reloads the page while TeX makes the PDF).
    """
    document = load_document(path, cache_dir=out_dir / STATE_DIR, timeout=timeout)
    chosen = tuple(formats or document.cv.formats)
    built = BuiltCV(warnings=document.build_warnings)
    try:
        for name in chosen:
            done = len(built.main_outputs)
            WRITERS[name](document, out_dir, timeout, built, engines)
            for output in built.main_outputs[done:] if written else ():
                written(output)
    except BibcvError as error:  # TeX failed: said with what was warned of before
        raise BibcvErrors(each_problem(error), built.warnings) from None
    record_build(path, out_dir, document.inputs, document.inputs_digest, chosen, built.outputs)
    built.warnings = in_reading_order(built.warnings)  # `bibcv watch` prints them as they are
    return built


@dataclass
class Checked:
    """What `check` says of a CV: errors (a build stops at them, but BibTeX errors it reads
    past and warns of), and warnings."""

    errors: list[BibcvError]
    warnings: list[BibcvError]


def check_cv(path: Path) -> Checked:
    """Everything short of running TeX, for every format; the warnings a build would give."""
    from bibcv.backends.html import render_html
    from bibcv.backends.latex import render_tex
    from bibcv.backends.markdown import render_markdown

    document = load_document(path, keep_errors=True)
    errors = document.errors + document.bibliography.errors
    renders = [render_tex, render_markdown]
    if document.theme.html_document is not None:
        renders.append(render_html)
    for render in renders:  # a theme's template that fails is reported with the rest
        try:
            render(document)
        except BibcvError as error:
            errors += each_problem(error)
    return Checked(errors=errors,
                   warnings=document.warnings + document.bibliography.incomplete)


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
    bib_files = [source for source in sources if source.suffix == ".bib"]
    for source in sources:
        if source.suffix == ".bib":
            if source is not bib_files[0]:
                continue  # read with the first: @string macros serve the files after theirs
            bibliography = load_bibliography(bib_files)
            publications = list(bibliography)
        elif source.suffix in CV_SUFFIXES:
            document = load_document(source)
            bibliography, publications = document.bibliography, document.publications
        else:
            raise BibcvError("export-bib takes CV files (.yaml) and BibTeX files (.bib)",
                             Origin(source))
        warnings += bibliography.errors + bibliography.warnings + bibliography.incomplete
        preambles += bibliography.preambles
        for publication in publications:
            if publication.key:  # no tool but BibTeX reads an entry without a key: warned
                chosen.setdefault(publication.key, publication)
    text = export_bibtex(chosen.values(), preambles, strip_cv_fields)
    return ExportedBib(text, len(chosen), warnings)
