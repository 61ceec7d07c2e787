"""Themes: a folder of Jinja2 templates plus theme.yaml describing them.

A theme declares its section layouts (and the fields each takes), the contact
kinds it can show and the words it prints.  Everything else -- data model,
selection, escaping -- is shared, so a new theme or a new section type needs
templates and data, not Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from bibcv.errors import BibcvError
from bibcv.yamlsource import LocatedDict, read_yaml

BUILTIN_THEMES = Path(__file__).parent / "themes"
DEFAULT_THEME = "classic"
LAYOUT_KINDS = ("text", "items", "publications")
FIELD_TYPES = ("text", "list", "query")
# A field is one of FIELD_TYPES, or a nested list of items: {"items": {field: type, ...}}.
FieldType = Union[str, dict[str, "FieldType"]]  # noqa: UP007 -- a runtime alias


@dataclass(frozen=True)
class ContactKind:
    icon: str | None = None  # a Font Awesome 4 code point
    label: str | None = None  # a word to print before the value, e.g. "Email"
    link: str | None = None  # a pattern with {value}


@dataclass(frozen=True)
class Layout:
    kind: str
    fields: dict[str, FieldType] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    description: str = ""  # for the JSON Schema that editors show


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    document: str
    contact: dict[str, ContactKind]
    layouts: dict[str, Layout]
    # Words the theme prints instead of its CV's language's; a word is text (every language)
    # or a mapping of language codes to text.
    terms: dict[str, str | dict[str, str]]
    # How the theme cites: `omit` (fields and words it leaves out), `badges` (it shows venue
    # badges, so a venue without an abbreviation is worth a warning); see style.CitationStyle.
    citation: dict[str, Any] = field(default_factory=dict)
    html_document: str | None = None  # the web page's template, when the theme has one


def find_theme(name: str, relative_to: Path) -> Path:
    """A theme named in YAML: a built-in name, or a folder relative to the YAML file."""
    candidates = [relative_to / name, BUILTIN_THEMES / name]
    for folder in candidates:
        if (folder / "theme.yaml").is_file():
            return folder.resolve()
    builtin = ", ".join(sorted(p.name for p in BUILTIN_THEMES.iterdir() if p.is_dir()))
    raise LookupError(
        f"theme {name!r} not found; built-in themes: {builtin}, "
        "or give the path of a folder that holds a theme.yaml"
    )


def load_theme(folder: Path) -> Theme:
    data = read_yaml(folder / "theme.yaml")
    origin = data.origin
    try:
        layouts = {name: _layout(spec) for name, spec in data["layouts"].items()}
        contact = {
            kind: ContactKind(icon=spec.get("icon"), label=spec.get("label"), link=spec.get("link"))
            for kind, spec in data.get("contact", {}).items()
        }
        return Theme(
            name=folder.name,
            folder=folder,
            document=str(data["document"]),
            contact=contact,
            layouts=layouts,
            terms={str(name): _term(word) for name, word in data.get("terms", {}).items()},
            citation=dict(data.get("citation", {})),
            html_document=str(data["html_document"]) if "html_document" in data else None,
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise BibcvError(f"invalid theme description: {error}", origin) from None


def _term(word: Any) -> str | dict[str, str]:
    if isinstance(word, dict):
        return {str(tag): str(text) for tag, text in word.items()}
    return str(word)


def _layout(spec: LocatedDict) -> Layout:
    kind = spec["kind"]
    if kind not in LAYOUT_KINDS:
        raise ValueError(f"layout kind {kind!r} is not one of {', '.join(LAYOUT_KINDS)}")
    fields = _fields(spec.get("fields", {}))
    return Layout(kind=kind, fields=fields, required=tuple(spec.get("required", ())),
                  description=str(spec.get("description", "")))


def _fields(spec: dict[str, Any]) -> dict[str, FieldType]:
    fields: dict[str, FieldType] = {}
    for name, ftype in spec.items():
        if isinstance(ftype, dict) and set(ftype) == {"items"}:
            fields[str(name)] = _fields(ftype["items"])
        elif ftype in FIELD_TYPES:
            fields[str(name)] = str(ftype)
        else:
            raise ValueError(f"field {name!r} has type {ftype!r}; use one of "
                             f"{', '.join(FIELD_TYPES)}, or {{items: {{...fields...}}}}")
    return fields

