"""Is a CV's PDF up to date? A digest of everything its build reads decides.

The digest covers the YAML chain, the bibliography files, the venue table,
every file of the theme, and bibcv itself (every file of the package, so an
upgrade or a local edit rebuilds). A successful build records the digest and
the list of files it came from; checking a CV later re-reads only those files,
with no YAML parsed and nothing heavy imported, so an up-to-date CV costs a
few milliseconds and no TeX run. The list cannot go stale unnoticed: a new
input can only be named in a file already on the list, and changing that file
changes the digest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bibcv import __version__

STATE_DIR = ".bibcv"  # inside the output folder: build records and the BibTeX cache
PACKAGE = Path(__file__).parent


@dataclass(frozen=True)
class Inputs:
    """What a build reads: files, and a theme folder (whose file list counts too)."""

    files: tuple[Path, ...]
    theme: Path

    def digest(self) -> str:
        digest = hashlib.sha256(bibcv_fingerprint().encode())
        for path in (*self.files, *_files_under(self.theme)):
            digest.update(f"\0{path}\0".encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


def inputs_of(cv_path: Path) -> Inputs | None:
    """Read the YAML chain for the build's inputs; None when they cannot even be read.

    None means "build it": the build then reports what is wrong, with file and line.
    """
    from bibcv.chain import path_from, read_chain
    from bibcv.errors import BibcvError
    from bibcv.theme import DEFAULT_THEME, find_theme

    try:
        data, chain = read_chain(cv_path)
        files = list(chain)
        for key in ("bibliography", "venues"):
            value = data.get(key)
            names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            files += [path_from(data, key, name) for name in names if isinstance(name, str)]
        theme = data.get("theme") or DEFAULT_THEME
        if not isinstance(theme, str):
            return None
        return Inputs(tuple(files), find_theme(theme, data.origin_of("theme").file.parent))
    except (BibcvError, LookupError, OSError):
        return None


def is_up_to_date(cv_path: Path, out_dir: Path) -> bool:
    """True when the last build of this CV read exactly what is on disk now."""
    stem = cv_path.stem
    try:
        record = json.loads(_record_path(stem, out_dir).read_text(encoding="utf-8"))
        inputs = Inputs(tuple(map(Path, record["files"])), Path(record["theme"]))
        return (inputs.files[0] == cv_path and record["digest"] == inputs.digest()
                and (out_dir / f"{stem}.pdf").is_file() and (out_dir / f"{stem}.tex").is_file())
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return False


def record_build(cv_path: Path, out_dir: Path, inputs: Inputs | None) -> None:
    """Remember what a successful build was made from."""
    if inputs is None:
        return
    from bibcv.atomic import write_text_atomically

    record = {"files": [str(p) for p in inputs.files], "theme": str(inputs.theme),
              "digest": inputs.digest()}
    write_text_atomically(_record_path(cv_path.stem, out_dir), json.dumps(record, indent=1))


@cache
def bibcv_fingerprint() -> str:
    """bibcv's version and a digest of its own files: code, themes, data."""
    digest = hashlib.sha256(__version__.encode())
    for path in _files_under(PACKAGE):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def _record_path(stem: str, out_dir: Path) -> Path:
    return out_dir / STATE_DIR / f"{stem}.json"
