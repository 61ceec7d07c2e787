"""Themes: a folder of Jinja2 templates plus theme.yaml describing them.

A theme declares its section layouts (and the fields each takes), the contact
kinds it can show, the words it prints and its design defaults (page, font,
colours; see ``cvformat.Design``).  Everything else -- data model, selection,
escaping -- is shared, so a new theme or a new section type needs templates and
data, not Python.

A theme may ``extends:`` another (a built-in name or a folder relative to its
own): it inherits every template its folder does not hold, and every key of
theme.yaml it does not write; ``layouts``, ``terms``, ``contact`` (and each contact
kind's ``icon``, ``label`` and ``link``) and ``design`` (its colours and margins too, by
``chain.merge``, as a CV's) are merged key by key, the child's winning.  The merged
``design`` keeps the line that wrote each key: load checks it as a CV's design is checked,
and reports each problem at that line, with the CV's others.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from bibcv.chain import merge
from bibcv.errors import BibcvError
from bibcv.yamlsource import LocatedDict, read_yaml

if TYPE_CHECKING:
    from jinja2 import BaseLoader

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
    # The theme's design defaults (cvformat.Design's keys), its ancestors' merged in, each
    # key at the line of the nearest theme.yaml that writes it (unchecked: load checks it).
    design: LocatedDict
    # How the theme cites: `omit` (fields and words it leaves out), `badges` (it shows venue
    # badges, so a venue without an abbreviation is worth a warning); see style.CitationStyle.
    citation: dict[str, Any] = field(default_factory=dict)
    html_document: str | None = None  # the web page's template, when the theme has one
    description: str = ""  # one line, for `bibcv themes`
    # Where templates are looked up: this theme's folder, then each ancestor's.
    folders: tuple[Path, ...] = ()
    ancestors: tuple[str, ...] = ()  # the names of the themes it extends, nearest first

    @property
    def template_folders(self) -> tuple[Path, ...]:
        return self.folders or (self.folder,)

    def template_file(self, name: str) -> Path:
        """The file a template name resolves to (the nearest theme that has it)."""
        return next((folder / name for folder in self.template_folders
                     if (folder / name).is_file()), self.folder / name)


def find_theme(name: str, relative_to: Path) -> Path:
    """A theme named in YAML: a built-in name, or a folder relative to the YAML file."""
    candidates = [relative_to / name, BUILTIN_THEMES / name]
    for folder in candidates:
        if (folder / "theme.yaml").is_file():
            return folder.resolve()
    builtin = ", ".join(builtin_themes())
    raise LookupError(
        f"theme {name!r} not found; built-in themes: {builtin}, "
        "or give the path of a folder that holds a theme.yaml"
    )


def builtin_themes() -> list[str]:
    return sorted(p.name for p in BUILTIN_THEMES.iterdir() if (p / "theme.yaml").is_file())


def load_theme(folder: Path) -> Theme:
    return _load_theme(folder.resolve(), ())


def _load_theme(folder: Path, children: tuple[Path, ...]) -> Theme:
    data = read_yaml(folder / "theme.yaml")
    origin = data.origin
    parent = _parent(data, folder, children)
    try:
        layouts = {name: _layout(spec) for name, spec in data.get("layouts", {}).items()}
        contact = _contact(data.get("contact", {}), parent.contact if parent else {})
        design = data.get("design") or LocatedDict(data.origin)
        if not isinstance(design, LocatedDict):
            raise BibcvError("`design:` must be a mapping (key: value lines), as a CV's is",
                             data.origin_of("design"))
        if parent is not None:
            layouts = {**parent.layouts, **layouts}
            design = merge(parent.design, design)
        if not layouts:
            raise KeyError("layouts")
        return Theme(
            name=folder.name,
            folder=folder,
            document=str(data["document"] if "document" in data or parent is None
                         else parent.document),
            contact=contact,
            layouts=layouts,
            terms={**(parent.terms if parent else {}),
                   **{str(name): _term(word) for name, word in data.get("terms", {}).items()}},
            citation=dict(data.get("citation", parent.citation if parent else {})),
            html_document=(str(data["html_document"]) if "html_document" in data
                           else parent.html_document if parent else None),
            description=str(data.get("description", "")),
            design=design,
            folders=(folder, *(parent.template_folders if parent else ())),
            ancestors=(parent.name, *parent.ancestors) if parent else (),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise BibcvError(f"invalid theme description: {error}", origin) from None


def _contact(specs: dict[str, Any], inherited: dict[str, ContactKind]) -> dict[str, ContactKind]:
    """The inherited contact kinds, each with what the theme writes for it (a theme that
    extends another gives a kind a label and keeps its link); then the theme's new kinds."""
    contact = dict(inherited)
    for kind, spec in specs.items():
        written = {key.name: spec[key.name] for key in fields(ContactKind) if key.name in spec}
        contact[kind] = replace(contact.get(kind, ContactKind()), **written)
    return contact


def _term(word: Any) -> str | dict[str, str]:
    if isinstance(word, dict):
        return {str(tag): str(text) for tag, text in word.items()}
    return str(word)


def _parent(data: LocatedDict, folder: Path, children: tuple[Path, ...]) -> Theme | None:
    """The theme this one extends, if any; a theme may not extend itself through others."""
    name = data.get("extends")
    if name is None:
        return None
    origin = data.origin_of("extends")
    try:
        parent_folder = find_theme(str(name), folder)
    except LookupError as error:
        raise BibcvError(str(error), origin) from None
    if parent_folder in (folder, *children):
        raise BibcvError(f"theme {folder.name!r} extends {name!r}, which extends it again; "
                         "remove one of the `extends`", origin)
    return _load_theme(parent_folder, (folder, *children))


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


def theme_loader(theme: Theme, shared: Path) -> BaseLoader:
    """A theme's templates, then those of the themes it extends; bibcv's shared ones under
    ``bibcv/``, and each ancestor's own under its name (``classic/cv.html.j2``), so that a
    template may extend the one it replaces."""
    import jinja2

    prefixes = {"bibcv": jinja2.FileSystemLoader(shared)}
    for index, name in enumerate(theme.ancestors, 1):
        prefixes.setdefault(name, jinja2.FileSystemLoader(list(theme.template_folders[index:])))
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(list(theme.template_folders)),
                                jinja2.PrefixLoader(prefixes)])
