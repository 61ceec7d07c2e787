"""CV YAML files to the validated CV model.

The ``extends`` chain is read and merged by ``chain``; the merged data is
validated against the theme's CV format (``cvformat``, pydantic models), and
every problem is reported at once, at the line that holds it.  Base files are
named with a leading underscore and are never built.
"""

from __future__ import annotations

import difflib
import re
import types
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from bibcv import OUTPUT_FORMATS
from bibcv.chain import path_from, read_chain
from bibcv.cvfiles import is_base_file
from bibcv.cvformat import SORT_KEYS, cv_model
from bibcv.errors import BibcvError, BibcvErrors, Origin
from bibcv.model import CV, ContactItem, Person, PublicationQuery, Section
from bibcv.names import parse_name
from bibcv.richtext import MarkupError, RichText, parse_markdown
from bibcv.theme import DEFAULT_THEME, FieldType, Theme, find_theme, load_theme
from bibcv.yamlsource import LocatedDict, LocatedList

if TYPE_CHECKING:
    from bibcv.bibliography import Bibliography

# biblatex's entry types and their BibTeX aliases: a query's `types` names these.
ENTRY_TYPES = frozenset({
    "article", "book", "mvbook", "inbook", "bookinbook", "suppbook", "booklet", "collection",
    "mvcollection", "incollection", "suppcollection", "dataset", "manual", "misc", "online",
    "patent", "periodical", "suppperiodical", "proceedings", "mvproceedings", "inproceedings",
    "reference", "mvreference", "inreference", "report", "set", "software", "thesis",
    "unpublished", "xdata", "conference", "electronic", "mastersthesis", "phdthesis",
    "techreport", "www",
})


def load_cv(path: Path) -> tuple[CV, Theme]:
    """Read a CV and its ``extends`` chain, and validate it against its theme."""
    if is_base_file(path):
        raise BibcvError(
            "this is a base file (its name starts with '_'): it only holds shared facts. "
            "Build a CV that extends it instead.",
            Origin(path),
        )
    data, files = read_chain(path)
    theme = _theme(data)
    model = cv_model(theme)
    problems = _file_problems(data) + _order_problems(data)
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        found = (_problem(detail, data, model, theme) for detail in error.errors())
        problems += [problem for problem in found if problem is not None]
    if problems:
        raise BibcvErrors(problems)
    return _cv(validated, data, theme, path, files), theme


def _theme(data: LocatedDict) -> Theme:
    name = data.get("theme", DEFAULT_THEME)
    origin = data.origin_of("theme")
    if not isinstance(name, str):
        raise BibcvError("'theme' must be text: classic, scholar or a theme's folder", origin)
    try:
        return load_theme(find_theme(name, origin.file.parent))
    except LookupError as error:
        raise BibcvError(str(error), origin) from None


# --- checks the format cannot make: files that must exist, sections that must be there ---

def _file_problems(data: LocatedDict) -> list[BibcvError]:
    """Paths are relative to the YAML file that wrote them, wherever it sits in the chain."""
    named = []
    files = data.get("bibliography")
    if isinstance(files, str):
        named.append(("bibliography file", "bibliography", files, data.origin_of("bibliography")))
    elif isinstance(files, LocatedList):
        named += [("bibliography file", "bibliography", name, files.origin_of(index))
                  for index, name in enumerate(files) if isinstance(name, str)]
    if isinstance(data.get("venues"), str):
        named.append(("venue table", "venues", data["venues"], data.origin_of("venues")))
    problems = []
    for what, key, name, origin in named:
        path = path_from(data, key, name)
        if not path.is_file():
            problems.append(BibcvError(f"{what} {name!r} not found (looked for "
                                       f"{path.absolute()})", origin))
    return problems


def _order_problems(data: LocatedDict) -> list[BibcvError]:
    order, sections = data.get("order"), data.get("sections") or {}
    if not isinstance(order, LocatedList) or not isinstance(sections, dict):
        return []
    return [BibcvError(f"'order' names the section {section_id!r}, which is not under "
                       f"'sections'{_did_you_mean(section_id, sections)}", order.origin_of(index))
            for index, section_id in enumerate(order)
            if isinstance(section_id, str) and section_id not in sections]


def check_queries(cv: CV, bibliography: Bibliography) -> None:
    """Keys and entry types a query names must exist: a misspelling would hide entries."""
    from bibcv.select import all_queries

    keys = {publication.key.casefold(): publication.key for publication in bibliography}
    types_known = ENTRY_TYPES | {publication.entry_type for publication in bibliography}
    problems = []
    for query in all_queries(cv):
        for key, origin in zip(query.keys, query.key_origins, strict=True):
            if key.casefold() not in keys:
                problems.append(BibcvError(
                    f"the query names the key {key!r}, which no bibliography file has"
                    + _did_you_mean(key, keys.values()), origin))
        for entry_type in query.types:
            if entry_type not in types_known:
                problems.append(BibcvError(
                    f"the query names the entry type {entry_type!r}, which BibTeX does not "
                    f"know{_did_you_mean(entry_type, types_known)}", query.origin))
    if problems:
        raise BibcvErrors(problems)


# --- pydantic's findings as messages at the line to change ---

def _problem(detail: Any, data: LocatedDict, model: type[BaseModel],
             theme: Theme) -> BibcvError | None:
    path, origin = _locate(data, detail["loc"])
    kind, value = detail["type"], detail["input"]
    key, where = path[-1] if path else "", _describe(path[:-1])
    parent = _value_at(data, path[:-1])
    if kind == "extra_forbidden" and path[:-1] == ("person", "contact"):
        return BibcvError(f"theme {theme.name!r} cannot show the contact kind {key!r}"
                          f"{_did_you_mean(key, theme.contact)} "
                          f"(it knows: {', '.join(theme.contact)})", origin)
    if kind == "extra_forbidden":
        return _unknown_key(key, where, _fields_at(model, data, path[:-1]),
                            _required_at(model, data, path[:-1]), parent, origin)
    if kind == "missing":
        if _misspelling_of(key, parent) is not None:
            return None  # reported with the misspelt key, as an unknown key
        return BibcvError(f"{where} needs {key!r}", origin)
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return _layout_problem(value, path, origin, theme)
    if kind == "literal_error" and path[:1] == ("formats",):
        return BibcvError(f"unknown output format {value!r}"
                          f"{_did_you_mean(value, OUTPUT_FORMATS)}; use "
                          f"{', '.join(OUTPUT_FORMATS)}", origin)
    if kind == "literal_error" and len(path) >= 2 and path[-2] == "sort":
        return BibcvError(f"cannot sort by {value!r}{_did_you_mean(str(value), _sort_keys())} "
                          f"(sort keys: {', '.join(SORT_KEYS)}; '-' in front for descending "
                          "order)", origin)
    expected_values = detail.get("ctx", {}).get("expected", "")
    return BibcvError(_type_message(kind, detail["msg"], value, _describe(path),
                                    expected_values), origin)


def _layout_problem(value: Any, path: tuple[Any, ...], origin: Origin,
                    theme: Theme) -> BibcvError:
    layouts = list(theme.layouts)
    where = _describe(path)
    if not isinstance(value, dict) or "layout" not in value:
        misspelt = _misspelling_of("layout", value) if isinstance(value, LocatedDict) else None
        if misspelt is not None:
            return BibcvError(f"unknown key {misspelt!r} in {where}; did you mean 'layout'? "
                              "(it is required)", value.origin_of(misspelt))
        return BibcvError(f"{where} needs a 'layout': one of {', '.join(layouts)}", origin)
    layout = value["layout"]
    line = value.origin_of("layout") if isinstance(value, LocatedDict) else origin
    return BibcvError(f"layout {layout!r} is not in theme {theme.name!r}"
                      f"{_did_you_mean(str(layout), layouts)} (layouts: {', '.join(layouts)})",
                      line)


def _type_message(kind: str, message: str, value: Any, what: str,
                  expected_values: str = "") -> str:
    expected = {"string_type": "text", "list_type": "a list", "bool_type": "true or false",
                "model_type": "a mapping (key: value lines)",
                "dict_type": "a mapping (key: value lines)",
                "model_attributes_type": "a mapping (key: value lines)"}.get(kind)
    if expected is not None:
        return f"{what} must be {expected}, not {_describe_type(value)}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", expected_values)
        return (f"{what}: {value!r} is not one of {', '.join(allowed)}"
                f"{_did_you_mean(value, allowed)}")
    return message


def _unknown_key(key: Any, where: str, allowed: list[str], required: set[str],
                 parent: LocatedDict, origin: Origin) -> BibcvError:
    """Name the required key a misspelt one stands for, else the nearest allowed key."""
    missing = [name for name in required if name not in parent]
    close = difflib.get_close_matches(str(key), missing, n=1)
    if close:
        return BibcvError(f"unknown key {key!r} in {where}; did you mean {close[0]!r}? "
                          "(it is required)", origin)
    return BibcvError(f"unknown key {key!r} in {where}{_did_you_mean(key, allowed)} "
                      f"(allowed: {', '.join(sorted(allowed))})", origin)


def _misspelling_of(key: Any, mapping: Any) -> str | None:
    """A key of the mapping that looks like a misspelt ``key``."""
    if not isinstance(mapping, dict):
        return None
    close = difflib.get_close_matches(str(key), [k for k in mapping if k != key], n=1)
    return close[0] if close else None


def _locate(data: LocatedDict, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], Origin]:
    """The data path of pydantic's location (without union tags), and its line."""
    path: list[Any] = []
    value: Any = data
    origin = data.origin
    for step in loc:
        if (isinstance(value, LocatedDict) and step in value) or (
                isinstance(value, LocatedList) and isinstance(step, int) and step < len(value)):
            origin, value = value.origin_of(step), value[step]
        elif isinstance(value, dict) and value.get("layout") == step:
            continue  # the section's layout, which pydantic adds to the location
        else:
            path.append(step)
            break
        path.append(step)
    return tuple(path), origin


def _value_at(data: LocatedDict, path: tuple[Any, ...]) -> Any:
    value: Any = data
    for step in path:
        value = value[step]
    return value


def _describe(path: tuple[Any, ...]) -> str:
    """Words for where a value sits: "'person.contact'", "item 2 of section 'education'"."""
    if not path:
        return "the CV"
    words, rest = "", path
    if path[0] == "sections" and len(path) > 1:
        words, rest = f"section {path[1]!r}", path[2:]
    keys: list[str] = []
    for index, step in enumerate(rest):
        if isinstance(step, int):
            words = _joined(keys, words)
            words, keys = f"item {step + 1} of {words}", []
        elif not (step == "items" and index + 1 < len(rest)):
            keys.append(str(step))
    return _joined(keys, words)


def _joined(keys: list[str], words: str) -> str:
    if not keys:
        return words
    dotted = repr(".".join(keys))
    return f"{dotted} in {words}" if words else dotted


def _describe_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return "true/false (put the text in quotes)"
    if isinstance(value, str):
        return f"the text {value!r}"
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"


def _fields_at(model: type[BaseModel], data: LocatedDict, path: tuple[Any, ...]) -> list[str]:
    found = _model_at(model, data, path)
    return list(found.model_fields) if found is not None else []


def _required_at(model: type[BaseModel], data: LocatedDict, path: tuple[Any, ...]) -> set[str]:
    found = _model_at(model, data, path)
    return {name for name, spec in found.model_fields.items() if spec.is_required()} \
        if found is not None else set()


def _model_at(annotation: Any, data: Any, path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that validates the mapping at path, following the data through unions."""
    for step in path:
        annotation = _unwrap(annotation, data)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            annotation = annotation.model_fields[step].annotation
        else:  # list[X] or dict[str, X]
            annotation = get_args(annotation)[-1]
        data = data[step]
    annotation = _unwrap(annotation, data)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) \
        else None


def _unwrap(annotation: Any, data: Any) -> Any:
    """Annotated[X, ...] is X; X | None is X; a union of sections is the one of data's layout."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [member for member in get_args(annotation) if member is not type(None)]
            layout = data.get("layout") if isinstance(data, dict) else None
            annotation = next((member for member in members if _layout_of(member) == layout),
                              members[0])
        else:
            return annotation


def _layout_of(member: Any) -> Any:
    if isinstance(member, type) and issubclass(member, BaseModel) \
            and "layout" in member.model_fields:
        return get_args(member.model_fields["layout"].annotation)[0]
    return None


def _sort_keys() -> list[str]:
    return [f"{sign}{key}" for key in SORT_KEYS for sign in ("", "-")]


def _did_you_mean(word: Any, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), [str(choice) for choice in choices], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- the validated data as the CV model the later stages read ---

def _cv(validated: Any, data: LocatedDict, theme: Theme, path: Path, files: list[Path]) -> CV:
    sections = data.get("sections") or LocatedDict(data.origin)
    validated_sections = validated.sections or {}
    order = validated.order or list(validated_sections)
    bibliography = data.get("bibliography")
    return CV(
        source=path,
        theme=theme.name,
        person=_person(validated.person, data["person"]),
        sections=[_section(section_id, validated_sections[section_id], sections, theme)
                  for section_id in order],
        bibliography_files=[path_from(data, "bibliography", name)
                            for name in validated.bibliography] if bibliography else [],
        terms={**theme.terms, **(validated.terms.model_dump(exclude_none=True)
                                 if validated.terms else {})},
        files=files,
        venue_table=path_from(data, "venues", validated.venues) if validated.venues else None,
        formats=tuple(dict.fromkeys(validated.formats)) or ("pdf",),
        last_updated=validated.last_updated,
    )


def _person(person: Any, raw: LocatedDict) -> Person:
    names = [parse_name(name) for name in [person.name, *person.aliases]]  # validated
    contact = raw.get("contact") or {}
    items = [ContactItem(kind=kind, value=getattr(person.contact, kind),
                         origin=contact.origin_of(kind))
             for kind in contact if getattr(person.contact, kind) is not None]
    return Person(display_name=person.name, names=names, contact=items)


def _section(section_id: str, section: Any, sections: LocatedDict, theme: Theme) -> Section:
    raw = sections[section_id]
    layout = theme.layouts[section.layout]
    options = section.model_dump(exclude={"title", "layout", "text", "items", "query"})
    result = Section(id=section_id, title=_parse(section.title, raw.origin_of("title")),
                     layout=section.layout, origin=sections.origin_of(section_id), **options)
    if layout.kind == "text":
        result.text = _parse(section.text, raw.origin_of("text"), paragraphs=True)
    elif layout.kind == "items":
        result.items = _items(section.items, raw["items"], layout.fields)
    else:
        result.query = _query(section.query, raw, "query")
    return result


def _items(items: list[Any], raw: LocatedList,
           fields: dict[str, FieldType]) -> list[dict[str, Any]]:
    """Each item as a dict of the fields the theme declares; nested lists recurse."""
    return [{name: _field(getattr(item, name), raw_item, name, ftype)
             for name, ftype in fields.items()}
            for item, raw_item in zip(items, raw, strict=True)]


def _field(value: Any, raw: LocatedDict, name: str, ftype: FieldType) -> Any:
    if isinstance(ftype, dict):
        return _items(value, raw[name], ftype) if value else []
    if value is None:
        return [] if ftype == "query" else None  # no query: no publications
    if ftype == "list":
        return [_parse(text, origin) for text, origin in zip(value, _item_origins(raw, name),
                                                           strict=True)]
    if ftype == "query":
        return _query(value, raw, name)
    return _parse(value, raw.origin_of(name))


def _query(query: Any, raw: LocatedDict, key: str) -> PublicationQuery:
    return PublicationQuery(
        keys=query.keys,
        keywords=[keyword.casefold() for keyword in query.keywords],
        types=[entry_type.casefold() for entry_type in query.types],
        author=query.author,
        exclude=query.exclude,
        sort=query.sort,
        origin=raw.origin_of(key),
        key_origins=_item_origins(raw[key], "keys") if query.keys else [],
    )


def _item_origins(data: LocatedDict, key: str) -> list[Origin]:
    """The line of each item of a list; a lone value written in place of a list, its key's."""
    items = data.get(key)
    if isinstance(items, LocatedList):
        return [items.origin_of(index) for index in range(len(items))]
    return [data.origin_of(key)] if items is not None else []


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
