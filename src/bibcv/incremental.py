"""Is a CV's PDF up to date? A fingerprint of everything its build reads decides.

The fingerprint covers the YAML chain, the bibliography files, the venue
table, every file of the theme, and bibcv itself (every file of the package,
so an upgrade or a local edit rebuilds). It is computed from the YAML chain
alone, before anything heavy is imported, so an up-to-date CV costs a few
milliseconds and no TeX run at all.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from bibcv import __version__
from bibcv.atomic import write_text_atomically
from bibcv.chain import path_from, read_chain
from bibcv.errors import BibcvError
from bibcv.theme import find_theme

STATE_DIR = ".bibcv"  # inside the output folder: fingerprints and the BibTeX cache
PACKAGE = Path(__file__).parent


def fingerprint(cv_path: Path) -> str | None:
    """A digest of every input of the build; None when the inputs cannot even be read.

    None means "build it": the build then reports what is wrong, with file and line.
    """
    try:
        data, chain = read_chain(cv_path)
        inputs = [*chain, *_listed_files(data, "bibliography"), *_listed_files(data, "venues")]
        theme = data.get("theme", "classic")
        if not isinstance(theme, str):
            return None
        inputs += _files_under(find_theme(theme, data.origin_of("theme").file.parent))
        digest = hashlib.sha256(bibcv_fingerprint().encode())
        for path in inputs:
            digest.update(f"\0{path}\0".encode())
            digest.update(path.read_bytes())
    except (BibcvError, LookupError, OSError):
        return None
    return digest.hexdigest()


def is_up_to_date(stem: str, out_dir: Path, digest: str | None) -> bool:
    stamp = _stamp(stem, out_dir)
    return (digest is not None and stamp.is_file() and stamp.read_text() == digest
            and (out_dir / f"{stem}.pdf").is_file() and (out_dir / f"{stem}.tex").is_file())


def record(stem: str, out_dir: Path, digest: str | None) -> None:
    """Remember what a successful build was made from."""
    if digest is not None:
        write_text_atomically(_stamp(stem, out_dir), digest)


@cache
def bibcv_fingerprint() -> str:
    """bibcv's version and a digest of its own files: code, themes, data."""
    digest = hashlib.sha256(__version__.encode())
    for path in _files_under(PACKAGE):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _listed_files(data, key: str) -> list[Path]:
    value = data.get(key)
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [path_from(data, key, name) for name in names if isinstance(name, str)]


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def _stamp(stem: str, out_dir: Path) -> Path:
    return out_dir / STATE_DIR / f"{stem}.fingerprint"
