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

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bibcv import __version__

if TYPE_CHECKING:
    from jinja2 import BytecodeCache

STATE_DIR = ".bibcv"  # inside the output folder: build records and the BibTeX cache
PACKAGE = Path(__file__).parent


class Inputs(NamedTuple):
    """What a build reads: files, and a theme folder (whose file list counts too).

    A named tuple, not a dataclass: `make cv` with nothing changed imports this module,
    and dataclasses would bring inspect and ast along.
    """

    files: tuple[Path, ...]
    theme: Path

    def digest(self, state_dir: Path | None = None) -> str:
        """A digest of every file the build reads, and of bibcv (kept in ``state_dir``)."""
        digest = hashlib.sha256(bibcv_fingerprint(state_dir).encode())
        for path in (*self.files, *_files_under(self.theme)):
            digest.update(f"\0{path}\0".encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def all_files(self) -> list[Path]:
        """Every file the build reads, the theme's included: what `bibcv watch` watches."""
        return [*self.files, *_files_under(self.theme)]

    def newest_change(self) -> int | None:
        """When the newest input was last modified (seconds): the PDF's reproducible date.

        A built-in theme is part of bibcv, like its code, and does not count: installing
        bibcv on another machine must not change the date of a CV kept in git.
        """
        own_theme = not self.theme.resolve().is_relative_to(PACKAGE.resolve())
        files = self.all_files() if own_theme else self.files
        try:
            return int(max(path.stat().st_mtime for path in files))
        except (OSError, ValueError):
            return None


def recorded_inputs(cv_path: Path, out_dir: Path) -> Inputs | None:
    """What the last successful build of this CV read, from its record; None before one."""
    try:
        record = json.loads(_record_path(cv_path.stem, out_dir).read_text(encoding="utf-8"))
        return Inputs(tuple(map(Path, record["files"])), Path(record["theme"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_up_to_date(cv_path: Path, out_dir: Path, formats: Sequence[str] | None = None) -> bool:
    """True when the last build of this CV read exactly what is on disk now.

    formats None means the CV's own ``formats`` key: the record holds the ones the
    last build made, and the key cannot have changed unless the digest did.
    """
    record = _read_record(cv_path.stem, out_dir)
    if record is None:
        return False
    try:
        inputs = Inputs(tuple(map(Path, record["files"])), Path(record["theme"]))
        return (inputs.files[0] == cv_path
                and set(formats or record["formats"]) <= set(record["formats"])
                and all(_stamp(Path(output)) == stamp
                        for output, stamp in record["outputs"].items())
                and record["digest"] == inputs.digest(out_dir / STATE_DIR))
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return False


def record_build(cv_path: Path, out_dir: Path, inputs: Inputs, digest: str,
                 formats: Sequence[str], outputs: Sequence[Path]) -> None:
    """Remember what a successful build was made from, and what it wrote.

    A build of other formats from the same inputs adds to the record, so `make cv`
    and `make site` do not each find the other's build out of date. Each output
    is recorded with its size and modification time: an output emptied, edited
    or replaced since makes the CV out of date.
    """
    from bibcv.atomic import write_text_atomically

    record = {"files": [str(p) for p in inputs.files], "theme": str(inputs.theme),
              "digest": digest, "formats": list(formats),
              "outputs": {str(p): _stamp(p) for p in outputs}}
    earlier = _read_record(cv_path.stem, out_dir)
    if (earlier and all(earlier.get(key) == record[key] for key in ("files", "theme", "digest"))
            and isinstance(earlier.get("formats"), list)
            and isinstance(earlier.get("outputs"), dict)):
        record["formats"] = list(dict.fromkeys([*earlier["formats"], *record["formats"]]))
        record["outputs"] = {**earlier["outputs"], **record["outputs"]}
    write_text_atomically(_record_path(cv_path.stem, out_dir), json.dumps(record, indent=1))


def _stamp(output: Path) -> list[int] | None:
    """An output's size and modification time (ns), as a record keeps them; None if gone."""
    try:
        status = output.stat()
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns]


FINGERPRINT_FILE = "bibcv-files.json"  # in a state folder: see bibcv_fingerprint


@cache
def bibcv_fingerprint(state_dir: Path | None = None) -> str:
    """bibcv's version and a digest of its own files: code, themes, data.

    Hashing every file (124 files, 750 kB) took 5-7 ms of CPU, on every build and
    every `make cv` with nothing changed. So a state folder keeps the digest with
    each file's size and modification time, and while none of those has changed
    the kept digest is used (1.5 ms): an edit, a git checkout or an upgrade gives
    a file a new time, and then the files are hashed again. The digest is of the
    contents, so a fresh install of the same bibcv keeps builds up to date.
    """
    stamps = hashlib.sha256(repr(_package_stamps()).encode()).hexdigest()
    kept = state_dir / FINGERPRINT_FILE if state_dir is not None else None
    if kept is not None:
        try:
            record = json.loads(kept.read_text(encoding="utf-8"))
            if record["stamps"] == stamps and isinstance(record["digest"], str):
                return record["digest"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # none yet, or damaged: hash the files
    digest = hashlib.sha256(__version__.encode())
    for path in _files_under(PACKAGE):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    if kept is not None and state_dir.is_dir():  # a check that finds no build writes nothing
        from bibcv.atomic import write_text_atomically

        with contextlib.suppress(OSError):  # read-only: hashed again next time
            write_text_atomically(kept, json.dumps({"stamps": stamps,
                                                    "digest": digest.hexdigest()}))
    return digest.hexdigest()


def _package_stamps() -> list[tuple[str, int, int]]:
    """Each of bibcv's files (as _files_under lists them) with its size and modification
    time in nanoseconds, with os.walk: pathlib's rglob and is_file cost three times as much."""
    stamps = []
    for folder, subfolders, names in os.walk(PACKAGE):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in names:
            if not name.endswith(".pyc"):
                status = os.stat(os.path.join(folder, name))
                stamps.append((os.path.join(folder, name), status.st_size, status.st_mtime_ns))
    return sorted(stamps)


@cache
def compiled_templates() -> BytecodeCache | None:
    """Where Jinja2 keeps themes' templates compiled, between builds and between runs.

    Compiling a theme's templates costs more than rendering them; `bibcv watch` and
    each new `bibcv build` reuse the compiled code instead. Jinja2 checks every
    entry against its template's source and its own version, and keeps them in a
    folder of this user's that it checks is private (or none: compile each time).
    """
    from jinja2 import FileSystemBytecodeCache

    try:
        return FileSystemBytecodeCache(pattern="bibcv-latex-%s.cache")
    except (OSError, RuntimeError):
        return None


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def _read_record(stem: str, out_dir: Path) -> dict | None:
    try:
        record = json.loads(_record_path(stem, out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _record_path(stem: str, out_dir: Path) -> Path:
    return out_dir / STATE_DIR / f"{stem}.json"
