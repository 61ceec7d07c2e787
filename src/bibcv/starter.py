"""`bibcv new` and `bibcv init`: a starter CV, or a whole CV repository, that builds as it is."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from bibcv import __version__
from bibcv.errors import BibcvError, Origin

STARTER = Path(__file__).parent / "starter"
STARTER_THEME = "classic"
# What a fresh Debian or Ubuntu machine needs to build a CV (see scripts/system-deps.sh).
# Every theme's font is there (moderncv's Latin Modern Sans, compact's DejaVu Sans), so a CV
# that changes its theme still builds in the CI workflow bibcv init writes.
DEBIAN_PACKAGES = ("texlive-xetex texlive-latex-extra texlive-fonts-recommended latexmk "
                   "fonts-sil-gentiumplus fonts-font-awesome fonts-lmodern fonts-dejavu-core")
# What a CV with Chinese, Japanese or Korean text needs too (scripts/system-deps.sh's list).
CJK_PACKAGES = "fonts-noto-cjk texlive-lang-cjk texlive-lang-chinese"
_STEM = re.compile(r"[a-z0-9][a-z0-9._-]*")


def create_starter(stem: str, name: str | None, cv_dir: Path, bib_dir: Path) -> list[Path]:
    """Write cv_dir/<stem>.yaml and bib_dir/<stem>.bib; never overwrite a file.

    The YAML's first line points editors at schema/<theme>.json beside cv_dir,
    which is written (or refreshed) too.
    """
    if not _STEM.fullmatch(stem):
        raise BibcvError(f"{stem!r} cannot name a CV file: use lower-case letters, digits, "
                         "'-', '_' or '.', e.g. ada-lovelace")
    name = name or " ".join(part.capitalize() for part in re.split(r"[-_.]+", stem))
    if not name.strip() or any(char in name for char in "{}\\\"\n"):
        raise BibcvError(f"{name!r} cannot be written into the starter files: leave out "
                         "braces, backslashes, quotes and line breaks (edit them in later)")
    schema = cv_dir.parent / "schema" / f"{STARTER_THEME}.json"
    targets = [(STARTER / "cv.yaml", cv_dir / f"{stem}.yaml"),
               (STARTER / "publications.bib", bib_dir / f"{stem}.bib")]
    _refuse_existing([target for _source, target in targets])
    replacements = {
        "__NAME_BIBTEX__": _bibtex_safe(name),
        "__NAME_YAML__": json.dumps(name, ensure_ascii=False),
        "__NAME__": name,
        "__STEM__": stem,
        "__SCHEMA__": Path(os.path.relpath(schema, cv_dir)).as_posix(),
    }
    for source, target in targets:
        _write(target, _filled(source, replacements))
    write_schema(STARTER_THEME, schema)
    return [target for _source, target in targets] + [schema]


def create_repository(folder: Path, stem: str, name: str | None) -> list[Path]:
    """A CV repository for one person: cv/, bib/, schema/, a Makefile, .gitignore and CI."""
    from bibcv.csl import CITEPROC_VERSION  # what CI installs for a CV with a CSL style

    targets = [(STARTER / "repository" / "Makefile", folder / "Makefile"),
               (STARTER / "repository" / "gitignore", folder / ".gitignore"),
               (STARTER / "repository" / "cv.yml", folder / ".github" / "workflows" / "cv.yml")]
    _refuse_existing([target for _source, target in targets])
    written = create_starter(stem, name, folder / "cv", folder / "bib")
    replacements = {"__VERSION__": __version__, "__DEBIAN_PACKAGES__": DEBIAN_PACKAGES,
                    "__CJK_PACKAGES__": CJK_PACKAGES, "__CITEPROC_VERSION__": CITEPROC_VERSION}
    for source, target in targets:
        _write(target, _filled(source, replacements))
        written.append(target)
    return written


def write_schema(theme_name: str, path: Path) -> None:
    """The JSON Schema of the CV format for a built-in theme (see ``cvformat``)."""
    from bibcv.cvformat import json_schema
    from bibcv.theme import BUILTIN_THEMES, load_theme

    schema = json_schema(load_theme(BUILTIN_THEMES / theme_name))
    _write(path, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")


def _refuse_existing(targets: list[Path]) -> None:
    for target in targets:
        if target.exists():
            raise BibcvError("already exists; choose another name or edit it", Origin(target))


def _filled(source: Path, replacements: dict[str, str]) -> str:
    text = source.read_text(encoding="utf-8")
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return text


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _bibtex_safe(name: str) -> str:
    """A name as one BibTeX name: braces keep a stray 'and' or comma from splitting it."""
    return f"{{{name}}}" if re.search(r"\band\b|,", name) else name
