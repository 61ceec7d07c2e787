"""The stages wired together: load -> bibliography -> select/render -> compile."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bibcv.bibliography import load_bibliography
from bibcv.compile import DEFAULT_TIMEOUT, CompiledCV, compile_pdf
from bibcv.errors import BibcvError
from bibcv.load import load_cv
from bibcv.render import render_tex


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
