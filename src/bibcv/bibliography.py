"""BibTeX files to Publication objects.

Fields are kept as the raw (LaTeX-encoded) text bibtexparser read and decoded
to Unicode only when something asks for them; see ``texdecode``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, Entry

from bibcv.errors import BibcvError, Origin
from bibcv.names import Name, parse_names
from bibcv.texdecode import decode_latex

EQUAL_CONTRIBUTION = "equal"
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file"})  # never LaTeX, as in biblatex
_ITEM_ANNOTATION = re.compile(r"\s*(\d+)(?::[\w-]+)?\s*=\s*(.+?)\s*")


@dataclass
class Publication:
    key: str
    entry_type: str
    raw_fields: dict[str, str]
    origin: Origin
    position: int = 0  # order of appearance across all files read; the stable tie-breaker

    def text(self, name: str) -> str:
        """The field as Unicode text, or '' when the entry does not have it."""
        raw = self.raw_fields.get(name)
        if not raw:
            return ""
        return raw.strip() if name in VERBATIM_FIELDS else decode_latex(raw)

    def has(self, name: str) -> bool:
        return bool(self.raw_fields.get(name, "").strip())

    @cached_property
    def authors(self) -> list[Name]:
        raw = self.raw_fields.get("author", "")
        try:
            return parse_names(raw) if raw.strip() else []
        except ValueError as error:
            raise BibcvError(f"entry {self.key!r}: {error}", self.origin) from error

    @cached_property
    def keywords(self) -> frozenset[str]:
        return frozenset(
            word.strip().casefold() for word in self.text("keywords").split(",") if word.strip()
        )

    @cached_property
    def year(self) -> int | None:
        match = re.search(r"\d{4}", self.text("year") or self.text("date"))
        return int(match.group()) if match else None

    def author_annotations(self, index: int) -> frozenset[str]:
        """biblatex data annotations of the index-th author (0-based), e.g. {'equal'}."""
        return self._item_annotations.get(index, frozenset())

    @cached_property
    def _item_annotations(self) -> dict[int, frozenset[str]]:
        annotations: dict[int, frozenset[str]] = {}
        for chunk in self.raw_fields.get("author+an", "").split(";"):
            if not chunk.strip():
                continue
            match = _ITEM_ANNOTATION.fullmatch(chunk)
            if not match:
                raise BibcvError(
                    f"entry {self.key!r}: cannot read the annotation {chunk.strip()!r} in "
                    "'author+an'; write it as '1=equal; 2=equal'",
                    self.origin,
                )
            words = frozenset(w.strip().casefold() for w in match.group(2).split(","))
            annotations[int(match.group(1)) - 1] = words
        return annotations


@dataclass
class Bibliography:
    entries: dict[str, Publication] = field(default_factory=dict)
    warnings: list[BibcvError] = field(default_factory=list)

    def __iter__(self):
        return iter(self.entries.values())


def load_bibliography(paths: Iterable[Path]) -> Bibliography:
    """Read every file; the first copy of a key wins, as in BibTeX, with a warning."""
    bibliography = Bibliography()
    for path in paths:
        for publication in _read_file(path):
            first = bibliography.entries.get(publication.key)
            if first is not None:
                bibliography.warnings.append(BibcvError(
                    f"duplicate key {publication.key!r}; the copy at {first.origin} is used",
                    publication.origin,
                ))
                continue
            publication.position = len(bibliography.entries)
            bibliography.entries[publication.key] = publication
    return bibliography


def _read_file(path: Path) -> list[Publication]:
    try:
        source = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BibcvError("bibliography file not found", Origin(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BibcvError(f"cannot read bibliography file: {error}", Origin(path)) from None
    library = bibtexparser.parse_string(source)
    entries = list(library.entries)
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            entries.append(block.ignore_error_block)  # load_bibliography warns about it
            continue
        message = f"cannot parse this BibTeX block: {_describe(block.error)}"
        raise BibcvError(message, Origin(path, block.start_line + 1))
    entries.sort(key=lambda entry: entry.start_line)
    return [_publication(entry, path) for entry in entries]


def _publication(entry: Entry, path: Path) -> Publication:
    return Publication(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        raw_fields={f.key.lower(): str(f.value) for f in entry.fields},
        origin=Origin(path, entry.start_line + 1),
    )


def _describe(error: Exception) -> str:
    text = str(error).split(" Note:")[0].strip()
    return text or "unbalanced braces or quotes, or a missing comma"
