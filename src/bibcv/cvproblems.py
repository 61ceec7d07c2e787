"""Pydantic's findings about a CV as messages at the line to change.

Pydantic reports each problem with its location in the data (keys, list
indexes, and the layout of a section); the located YAML gives that location a
file and line, the models give the keys allowed there, and difflib the near
name to suggest.
"""

from __future__ import annotations

import difflib
import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from bibcv import OUTPUT_FORMATS
from bibcv.cvformat import SORT_KEYS, Query
from bibcv.errors import BibcvError, Origin
from bibcv.theme import Theme
from bibcv.yamlsource import LocatedDict, LocatedList


def validation_problems(error: ValidationError, data: LocatedDict, model: type[BaseModel],
                        theme: Theme) -> list[BibcvError]:
    """One message per problem; a misspelt required key is one message, not two."""
    found = (_problem(detail, data, model, theme) for detail in error.errors())
    return [problem for problem in found if problem is not None]


def _problem(detail: Any, data: LocatedDict, model: type[BaseModel],
             theme: Theme) -> BibcvError | None:
    path, origin = _locate(data, detail["loc"])
    kind, value = detail["type"], detail["input"]
    key, where = path[-1] if path else "", _describe(path[:-1])
    parent = _value_at(data, path[:-1])
    if kind == "extra_forbidden" and path[:-1] == ("person", "contact"):
        return BibcvError(f"theme {theme.name!r} cannot show the contact kind {key!r}"
                          f"{did_you_mean(key, theme.contact)} "
                          f"(it knows: {', '.join(theme.contact)})", origin)
    if kind == "extra_forbidden" and key in Query.model_fields \
            and "query" in _fields_at(model, data, path[:-1]):
        return BibcvError(f"{key!r} is a key of the query: write it inside 'query' in {where} "
                          f"(query: {{author: self, {key}: …}})", origin)
    if kind == "extra_forbidden":
        return _unknown_key(key, where, _fields_at(model, data, path[:-1]),
                            _required_at(model, data, path[:-1]), parent, origin)
    if kind == "missing":
        if _misspelling_of(key, parent, _fields_at(model, data, path[:-1])) is not None:
            return None  # reported with the misspelt key, as an unknown key
        return BibcvError(f"{where} needs {key!r}", origin)
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return _layout_problem(value, path, origin, theme, _section_fields(model))
    if kind == "literal_error" and path[:1] == ("formats",):
        return BibcvError(f"unknown output format {value!r}"
                          f"{did_you_mean(value, OUTPUT_FORMATS)}; use "
                          f"{', '.join(OUTPUT_FORMATS)}", origin)
    if kind == "literal_error" and len(path) >= 2 and path[-2] == "sort":
        return BibcvError(f"cannot sort by {value!r}{did_you_mean(str(value), _sort_keys())} "
                          f"(sort keys: {', '.join(SORT_KEYS)}; '-' in front for descending "
                          "order)", origin)
    expected_values = detail.get("ctx", {}).get("expected", "")
    return BibcvError(_type_message(kind, detail["msg"], value, _describe(path),
                                    expected_values), origin)


def _layout_problem(value: Any, path: tuple[Any, ...], origin: Origin, theme: Theme,
                    section_fields: set[str]) -> BibcvError:
    layouts = list(theme.layouts)
    where = _describe(path)
    if not isinstance(value, dict) or "layout" not in value:
        misspelt = _misspelling_of("layout", value, section_fields) \
            if isinstance(value, LocatedDict) else None
        if misspelt is not None:
            return BibcvError(f"unknown key {misspelt!r} in {where}; did you mean 'layout'? "
                              "(it is required)", value.origin_of(misspelt))
        return BibcvError(f"{where} needs a 'layout': one of {', '.join(layouts)}", origin)
    layout = value["layout"]
    line = value.origin_of("layout") if isinstance(value, LocatedDict) else origin
    return BibcvError(f"layout {layout!r} is not in theme {theme.name!r}"
                      f"{did_you_mean(str(layout), layouts)} (layouts: {', '.join(layouts)})",
                      line)


def _type_message(kind: str, message: str, value: Any, what: str,
                  expected_values: str = "") -> str:
    if kind in ("int_parsing", "int_type", "int_from_float", "greater_than_equal", "count"):
        return f"{what} must be a whole number, 1 or more, not {_describe_type(value)}"
    expected = {"string_type": "text", "list_type": "a list", "bool_type": "true or false",
                "model_type": "a mapping (key: value lines)",
                "dict_type": "a mapping (key: value lines)",
                "model_attributes_type": "a mapping (key: value lines)"}.get(kind)
    if expected is not None:
        return f"{what} must be {expected}, not {_describe_type(value)}{_colon_hint(value)}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", expected_values)
        return (f"{what}: {value!r} is not one of {', '.join(allowed)}"
                f"{did_you_mean(value, allowed)}")
    return message


def _colon_hint(value: Any) -> str:
    """`- Betreuer: Prof. X` is a mapping to YAML: its colon and space make a key."""
    if not (isinstance(value, dict) and len(value) == 1):
        return ""
    key, text = next(iter(value.items()))
    if not isinstance(text, str):
        return ""
    return (f"; YAML reads '{key}: …' as a key and its value (a colon and a space make a key): "
            f"put the whole text in quotes, \"{key}: {text}\"")


def _unknown_key(key: Any, where: str, allowed: list[str], required: set[str],
                 parent: LocatedDict, origin: Origin) -> BibcvError:
    """Name the required key a misspelt one stands for, else the nearest allowed key."""
    missing = [name for name in required if name not in parent]
    close = difflib.get_close_matches(str(key), missing, n=1)
    if close:
        return BibcvError(f"unknown key {key!r} in {where}; did you mean {close[0]!r}? "
                          "(it is required)", origin)
    return BibcvError(f"unknown key {key!r} in {where}{did_you_mean(key, allowed)} "
                      f"(allowed: {', '.join(sorted(allowed))})", origin)


def _misspelling_of(key: Any, mapping: Any, allowed: Any) -> str | None:
    """An unknown key of the mapping that looks like a misspelt ``key``."""
    if not isinstance(mapping, dict):
        return None
    unknown = [name for name in mapping if name not in allowed]
    close = difflib.get_close_matches(str(key), unknown, n=1)
    return close[0] if close else None


def _section_fields(model: type[BaseModel]) -> set[str]:
    """Every key some layout's section takes: none of them is a misspelt 'layout'."""
    sections = _unwrap(model.model_fields["sections"].annotation, None)  # dict[str, union]
    union = _unwrap_annotated(get_args(sections)[-1])
    return {name for member in get_args(union) for name in member.model_fields}


def _unwrap_annotated(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


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


def did_you_mean(word: Any, choices: Any) -> str:
    close = closest(word, choices)
    return f"; did you mean {close!r}?" if close else ""


def closest(word: Any, choices: Any) -> str | None:
    """The choice a misspelt word most likely stands for, if one is close enough."""
    close = difflib.get_close_matches(str(word), [str(choice) for choice in choices], n=1)
    return close[0] if close else None
