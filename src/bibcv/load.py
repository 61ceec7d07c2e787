"""CV YAML files to the validated CV model.

The ``extends`` chain is read and merged by ``chain``; this module checks
the merged data against the theme and builds the model.  Base files are
named with a leading underscore and are never built.
"""

from __future__ import annotations

import datetime
import difflib
from pathlib import Path
from typing import Any

from bibcv import OUTPUT_FORMATS
from bibcv.chain import path_from, read_chain
from bibcv.errors import BibcvError, Origin
from bibcv.model import CV, ContactItem, Person, PublicationOptions, PublicationQuery, Section
from bibcv.names import parse_name
from bibcv.richtext import MarkupError, RichText, parse_markdown
from bibcv.theme import DEFAULT_THEME, FieldType, Theme, find_theme, load_theme
from bibcv.yamlsource import LocatedDict, LocatedList

TOP_LEVEL_KEYS = {"extends", "theme", "bibliography", "person", "sections", "order", "terms",
                  "venues", "formats"}
PERSON_KEYS = {"name", "aliases", "contact"}
QUERY_KEYS = {"keys", "keywords", "types", "author", "exclude", "selected", "sort"}
SORT_KEYS = {"date", "year", "title", "key", "file"}
PUBLICATION_KEYS = {"query", "numbered", "number_order", "number_prefix", "continue_numbers",
                    "maxnames", "minnames", "last_author", "group_by", "omit"}


def is_base_file(path: Path) -> bool:
    return path.name.startswith("_")


def load_cv(path: Path) -> tuple[CV, Theme]:
    """Read a CV and its ``extends`` chain, and validate it against its theme."""
    if is_base_file(path):
        raise BibcvError(
            "this is a base file (its name starts with '_'): it only holds shared facts. "
            "Build a CV that extends it instead.",
            Origin(path),
        )
    data, files = read_chain(path)
    _check_keys(data, TOP_LEVEL_KEYS, "the CV")
    theme = _theme(data)
    terms = {**theme.terms, **_string_map(data, "terms")}
    warnings: list[BibcvError] = []
    cv = CV(
        source=path,
        theme=theme.name,
        person=_person(_mapping(data, "person", required=True), theme),
        sections=_sections(data, theme, warnings),
        bibliography_files=_bibliography_files(data),
        terms=terms,
        files=files,
        venue_table=_venue_table(data),
        formats=_formats(data),
        warnings=warnings,
    )
    return cv, theme


def _formats(data: LocatedDict) -> tuple[str, ...]:
    names = _string_list(data, "formats") or ["pdf"]
    for index, name in enumerate(names):
        if name not in OUTPUT_FORMATS:
            raise BibcvError(f"unknown output format {name!r}" + _did_you_mean(name, OUTPUT_FORMATS)
                             + f"; use {', '.join(OUTPUT_FORMATS)}",
                             _item_origin(data, "formats", index))
    return tuple(dict.fromkeys(names))


def _theme(data: LocatedDict) -> Theme:
    name = _string(data, "theme") or DEFAULT_THEME
    origin = data.origin_of("theme")
    try:
        return load_theme(find_theme(name, origin.file.parent))
    except LookupError as error:
        raise BibcvError(str(error), origin) from None


def _person(data: LocatedDict, theme: Theme) -> Person:
    _check_keys(data, PERSON_KEYS, "person")
    name = _string(data, "name", required=True)
    names = []
    for index, raw in enumerate([name, *_string_list(data, "aliases")]):
        origin = data.origin_of("name") if index == 0 else _item_origin(data, "aliases", index - 1)
        try:
            names.append(parse_name(raw))
        except ValueError as error:
            raise BibcvError(str(error), origin) from None
    contact = _mapping(data, "contact")
    for kind in contact:
        if kind not in theme.contact:
            raise BibcvError(
                f"theme {theme.name!r} cannot show the contact kind {kind!r}"
                + _did_you_mean(kind, theme.contact)
                + f" (it knows: {', '.join(theme.contact)})", contact.origin_of(kind))
    items = [
        ContactItem(kind=kind, origin=contact.origin_of(kind),
                    value=_scalar_text(value, contact.origin_of(kind), f"contact {kind!r}"))
        for kind, value in contact.items()
    ]
    return Person(display_name=name, names=names, contact=items)


def _bibliography_files(data: LocatedDict) -> list[Path]:
    """Paths are relative to the YAML file that wrote them, wherever it sits in the chain."""
    files = _string_list(data, "bibliography")
    if not files:
        return []
    paths = [path_from(data, "bibliography", name) for name in files]
    for index, path in enumerate(paths):
        if not path.is_file():
            raise BibcvError(f"bibliography file {files[index]!r} does not exist",
                             _item_origin(data, "bibliography", index))
    return paths


def _venue_table(data: LocatedDict) -> Path | None:
    name = _string(data, "venues")
    if name is None:
        return None
    path = path_from(data, "venues", name)
    if not path.is_file():
        raise BibcvError(f"venue table {name!r} does not exist", data.origin_of("venues"))
    return path


def _sections(data: LocatedDict, theme: Theme, warnings: list[BibcvError]) -> list[Section]:
    sections = _mapping(data, "sections")
    order = _string_list(data, "order") or list(sections)
    for section_id in sections:
        if section_id not in order:
            warnings.append(BibcvError(
                f"section {section_id!r} is not listed in 'order', so the CV leaves it out; "
                "add it to 'order' (or delete the section)", sections.origin_of(section_id)))
    for index, section_id in enumerate(order):
        if section_id not in sections:
            raise BibcvError(
                f"'order' names the section {section_id!r}, which is not under 'sections'"
                + _did_you_mean(section_id, sections),
                _item_origin(data, "order", index),
            )
    return [_section(section_id, sections[section_id], sections, theme) for section_id in order]


def _section(section_id: str, spec: Any, parent: LocatedDict, theme: Theme) -> Section:
    if not isinstance(spec, LocatedDict):
        raise BibcvError(f"section {section_id!r} must be a mapping with a title and a layout",
                         parent.origin_of(section_id))
    layout_name = _string(spec, "layout", required=True)
    layout = theme.layouts.get(layout_name)
    if layout is None:
        raise BibcvError(
            f"layout {layout_name!r} is not in theme {theme.name!r}"
            + _did_you_mean(layout_name, theme.layouts)
            + f" (layouts: {', '.join(theme.layouts)})",
            spec.origin_of("layout"),
        )
    content_keys = {"text": {"text"}, "items": {"items"},
                    "publications": PUBLICATION_KEYS}[layout.kind]
    _check_keys(spec, {"title", "layout"} | content_keys, f"section {section_id!r}")
    section = Section(id=section_id, title=_rich(spec, "title", required=True),
                      layout=layout_name, origin=parent.origin_of(section_id))
    if layout.kind == "text":
        section.text = _rich(spec, "text", required=True, paragraphs=True)
    elif layout.kind == "items":
        section.items = _items(spec, "items", layout.fields, layout.required,
                               f"section {section_id!r}")
    else:
        section.query = _query(spec, "query")
        section.numbered = _bool(spec, "numbered", default=True)
        section.options = _publication_options(spec)
    return section


def _items(parent: LocatedDict, key: str, fields: dict[str, FieldType],
           required: tuple[str, ...], where: str) -> list[dict[str, Any]]:
    """A list of mappings whose fields the theme declares; nested lists recurse."""
    items = parent.get(key)
    if not isinstance(items, LocatedList):
        raise BibcvError(f"{where} needs {key!r}, a list", parent.origin_of(key))
    result = []
    for index, item in enumerate(items):
        if not isinstance(item, LocatedDict):
            raise BibcvError(f"each item of {where} is a mapping with the fields "
                             f"{', '.join(fields)}", items.origin_of(index))
        _check_keys(item, {"id", *fields}, f"an item of {where}")
        for name in required:
            if name not in item:
                raise BibcvError(f"this item of {where} needs {name!r}", items.origin_of(index))
        result.append({name: _field(item, name, ftype, where) for name, ftype in fields.items()})
    return result


def _field(item: LocatedDict, name: str, ftype: FieldType,
           where: str) -> RichText | list[Any] | PublicationQuery | None:
    if isinstance(ftype, dict):
        return _items(item, name, ftype, (), f"{name!r} in {where}") if name in item else []
    if ftype == "list":
        return _rich_list(item, name)
    if ftype == "query":
        return _query(item, name) if name in item else []  # no query: no publications
    return _rich(item, name)


def _query(spec: LocatedDict, key: str) -> PublicationQuery:
    query = _mapping(spec, key, required=True)
    _check_keys(query, QUERY_KEYS, "the publication query")
    if not query.keys() - {"sort"}:
        raise BibcvError(
            "the publication query selects nothing; give keys, keywords, types or author "
            "(author: self selects every entry you are an author of)",
            spec.origin_of(key))
    sort = _string_list(query, "sort")
    for index, sort_key in enumerate(sort):
        if sort_key.lstrip("-") not in SORT_KEYS:
            raise BibcvError(
                f"cannot sort by {sort_key!r}; use {', '.join(sorted(SORT_KEYS))}, "
                "with '-' in front for descending order",
                _item_origin(query, "sort", index))
    return PublicationQuery(
        keys=_string_list(query, "keys"),
        keywords=[k.casefold() for k in _string_list(query, "keywords")],
        types=[t.casefold() for t in _string_list(query, "types")],
        author=_string(query, "author"),
        exclude=_string_list(query, "exclude"),
        selected=_bool(query, "selected", default=False) if "selected" in query else None,
        sort=sort,
        origin=spec.origin_of(key),
    )


def _publication_options(spec: LocatedDict) -> PublicationOptions:
    return PublicationOptions(
        number_order=_choice(spec, "number_order", ("ascending", "descending")) or "ascending",
        number_prefix=_string(spec, "number_prefix") or "",
        continue_numbers=_bool(spec, "continue_numbers", default=False),
        maxnames=_count(spec, "maxnames"),
        minnames=_count(spec, "minnames") or 1,
        last_author=_bool(spec, "last_author", default=False),
        group_by=_choice(spec, "group_by", ("year", "type")),
        omit=tuple(_string_list(spec, "omit")),
    )


def _choice(data: LocatedDict, key: str, choices: tuple[str, ...]) -> str | None:
    value = _string(data, key)
    if value is not None and value not in choices:
        raise BibcvError(f"{key!r} is {value!r}; use one of: {', '.join(choices)}",
                         data.origin_of(key))
    return value


def _count(data: LocatedDict, key: str) -> int | None:
    """A whole number; YAML here reads numbers as text, so "10" is checked and converted."""
    value = _string(data, key)
    if value is None:
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise BibcvError(f"{key!r} must be a whole number, 1 or more (not {value!r})",
                         data.origin_of(key))
    return int(value)


# --- small typed accessors: each reports the key's own line on a wrong type ---

def _check_keys(mapping: LocatedDict, allowed: set[str], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise BibcvError(
                f"unknown key {key!r} in {where}" + _did_you_mean(key, allowed)
                + f" (allowed: {', '.join(sorted(allowed))})",
                mapping.origin_of(key),
            )


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _mapping(data: LocatedDict, key: str, required: bool = False) -> LocatedDict:
    value = data.get(key)
    if value is None and not required:
        return LocatedDict(data.origin_of(key))
    if not isinstance(value, LocatedDict):
        problem = "is missing" if value is None else "must be a mapping (key: value lines)"
        raise BibcvError(f"{key!r} {problem}", data.origin_of(key))
    return value


def _scalar_text(value: Any, origin: Origin, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return str(value)
    raise BibcvError(f"{what} must be text, not {_describe_type(value)}", origin)


def _describe_type(value: Any) -> str:
    if isinstance(value, LocatedList):
        return "a list"
    if isinstance(value, LocatedDict):
        return "a mapping"
    if isinstance(value, bool):
        return "true/false (put the text in quotes)"
    return "nothing" if value is None else f"a {type(value).__name__}"


def _string(data: LocatedDict, key: str, required: bool = False) -> str | None:
    if key not in data:
        if required:
            raise BibcvError(f"{key!r} is missing", data.origin)
        return None
    return _scalar_text(data[key], data.origin_of(key), repr(key))


def _string_list(data: LocatedDict, key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, LocatedList):
        raise BibcvError(f"{key!r} must be a list", data.origin_of(key))
    return [_scalar_text(item, value.origin_of(index), f"each item of {key!r}")
            for index, item in enumerate(value)]


def _string_map(data: LocatedDict, key: str) -> dict[str, str]:
    mapping = _mapping(data, key)
    return {k: _scalar_text(v, mapping.origin_of(k), repr(k)) for k, v in mapping.items()}


def _bool(data: LocatedDict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise BibcvError(f"{key!r} must be true or false", data.origin_of(key))
    return value


def _rich(data: LocatedDict, key: str, required: bool = False,
          paragraphs: bool = False) -> RichText | None:
    text = _string(data, key, required)
    return None if text is None else _parse(text, data.origin_of(key), paragraphs)


def _rich_list(data: LocatedDict, key: str) -> list[RichText]:
    texts = _string_list(data, key)
    return [_parse(text, _item_origin(data, key, i)) for i, text in enumerate(texts)]


def _item_origin(data: LocatedDict, key: str, index: int) -> Origin:
    """The line of a list's item; a lone value written in place of a list has its key's line."""
    items = data.get(key)
    return items.origin_of(index) if isinstance(items, LocatedList) else data.origin_of(key)


def _parse(text: str, origin: Origin, paragraphs: bool = False) -> RichText:
    """Inline Markdown; blank lines make paragraphs only where a layout sets whole paragraphs.

    Elsewhere (titles, bullets, dates) any run of white space is one space: a
    paragraph break inside a heading or a table cell would stop TeX.
    """
    source = text.strip() if paragraphs else " ".join(text.split())
    try:
        return parse_markdown(source, origin)
    except MarkupError as error:
        raise BibcvError(str(error), origin) from None
