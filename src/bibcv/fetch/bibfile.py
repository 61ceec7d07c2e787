"""A .bib file that fetch commands add to: its entries, and its text with changes spliced in.

The user's file is theirs: entries are appended after its text, and an entry
that must change (a published version gaining its arXiv id) is rewritten in
place, alone, in export form.  Everything else (comments, @string, their
layout) stays byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bibcv.atomic import write_text_atomically
from bibcv.bibliography import Publication, load_bibliography
from bibcv.errors import BibcvError, Origin
from bibcv.export import format_entry
from bibcv.fetch.records import arxiv_of, dblp_key_of, doi_of, title_of


@dataclass
class BibFile:
    path: Path
    text: str
    entries: list[Publication]
    added: list[Publication] = field(default_factory=list)
    changed: dict[str, Publication] = field(default_factory=dict)  # by key

    @classmethod
    def read(cls, path: Path) -> BibFile:
        if not path.exists():
            return cls(path, "", [])
        bibliography = load_bibliography([path])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:  # read in another encoding: new text cannot join it
            raise BibcvError("bibcv adds entries in UTF-8 only, and this file is in another "
                             "encoding (see the warning when it is read); save it as UTF-8 "
                             "first", Origin(path)) from None
        return cls(path, text, list(bibliography))

    @property
    def keys(self) -> set[str]:
        return {entry.key for entry in [*self.entries, *self.added]}

    def new_text(self) -> str:
        text = self.text
        for key, entry in self.changed.items():
            text = _replace_entry(text, key, format_entry(_as_written(entry)), self.path)
        blocks = [format_entry(entry) for entry in self.added]
        if not blocks:
            return text
        if not text.strip():
            return "\n\n".join(blocks) + "\n"
        return text.rstrip("\n") + "\n\n" + "\n\n".join(blocks) + "\n"

    def write(self) -> None:
        write_text_atomically(self.path, self.new_text())


@dataclass
class Index:
    """Entries by each thing that identifies a paper: DOI, arXiv id, DBLP key, title."""

    by: dict[tuple[str, str], Publication] = field(default_factory=dict)

    def add(self, entry: Publication) -> None:
        for signature in signatures(entry):
            self.by.setdefault(signature, entry)

    def matches(self, entry: Publication) -> list[tuple[str, Publication]]:
        """Each entry that this one is the same paper as, with what they share, once."""
        found: dict[str, tuple[str, Publication]] = {}
        for signature in signatures(entry):
            other = self.by.get(signature)
            if other is not None:
                found.setdefault(other.key, (signature[0], other))
        return list(found.values())


def signatures(entry: Publication) -> list[tuple[str, str]]:
    found = [("DOI", doi_of(entry)), ("arXiv id", arxiv_of(entry)),
             ("DBLP key", dblp_key_of(entry)), ("title", title_of(entry))]
    return [(kind, value) for kind, value in found if value]


def _as_written(entry: Publication) -> Publication:
    """The entry without what its crossref parent gave it, the crossref back in its place."""
    fields = {name: value for name, value in entry.raw_fields.items()
              if name not in entry.inherited}
    if entry.parent_key:
        fields["crossref"] = entry.parent_key
    return Publication(entry.key, entry.entry_type, fields, entry.origin)


def _replace_entry(text: str, key: str, replacement: str, path: Path) -> str:
    start, end = entry_span(text, key, path)
    return text[:start] + replacement + text[end:]


def entry_span(text: str, key: str, path: Path) -> tuple[int, int]:
    """Where the entry with this key starts ('@') and ends (after its closing brace)."""
    position = 0
    while (at := text.find("@", position)) != -1:
        opening = at + 1
        while opening < len(text) and text[opening] not in "{(\n@":
            opening += 1
        if opening < len(text) and text[opening] in "{(":
            rest = text[opening + 1:].lstrip()
            if rest.split(",", 1)[0].strip() == key:
                return at, _closing(text, opening, key, path)
        position = at + 1
    raise BibcvError(f"cannot find the entry {key!r} to update it", Origin(path))


def _closing(text: str, opening: int, key: str, path: Path) -> int:
    depth = 0
    for index in range(opening + 1, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and text[opening] == "{":
                return index + 1
            depth -= 1
        elif char == ")" and depth == 0 and text[opening] == "(":
            return index + 1
    raise BibcvError(f"the entry {key!r} is not closed; fix it and run again", Origin(path))
