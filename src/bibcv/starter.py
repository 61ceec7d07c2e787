"""`bibcv new`: a starter CV and BibTeX file that build as they are."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bibcv.errors import BibcvError, Origin

STARTER = Path(__file__).parent / "starter"
_STEM = re.compile(r"[a-z0-9][a-z0-9._-]*")


def create_starter(stem: str, name: str | None, cv_dir: Path, bib_dir: Path) -> list[Path]:
    """Write cv_dir/<stem>.yaml and bib_dir/<stem>.bib; never overwrite a file."""
    if not _STEM.fullmatch(stem):
        raise BibcvError(f"{stem!r} cannot name a CV file: use lower-case letters, digits, "
                         "'-', '_' or '.', e.g. ada-lovelace")
    name = name or " ".join(part.capitalize() for part in re.split(r"[-_.]+", stem))
    if not name.strip() or any(char in name for char in "{}\\\"\n"):
        raise BibcvError(f"{name!r} cannot be written into the starter files: leave out "
                         "braces, backslashes, quotes and line breaks (edit them in later)")
    targets = [(STARTER / "cv.yaml", cv_dir / f"{stem}.yaml"),
               (STARTER / "publications.bib", bib_dir / f"{stem}.bib")]
    for _source, target in targets:
        if target.exists():
            raise BibcvError("already exists; choose another name or edit it", Origin(target))
    for source, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        text = (text.replace("__NAME_BIBTEX__", _bibtex_safe(name))
                    .replace("__NAME_YAML__", json.dumps(name, ensure_ascii=False))
                    .replace("__NAME__", name).replace("__STEM__", stem))
        target.write_text(text, encoding="utf-8")
    return [target for _source, target in targets]


def _bibtex_safe(name: str) -> str:
    """A name as one BibTeX name: braces keep a stray 'and' or comma from splitting it."""
    return f"{{{name}}}" if re.search(r"\band\b|,", name) else name
