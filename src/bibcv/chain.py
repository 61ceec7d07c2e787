"""A CV's ``extends`` chain, read and merged, with nothing else loaded.

A CV may ``extends`` a base file: mappings merge key by key (the CV wins),
lists whose items all carry an ``id`` merge item by item (new ids are
appended), other lists and plain values are replaced whole, and ``null``
removes an inherited key.  An id repeated in a list is a problem (a CV that
extends the file could not say which item it changes): every one in every file
is reported, with the CV's other problems, and the first item with the id is the
one merged.  A file whose YAML cannot be used stops the chain, but the files it
extends are read for their problems, wherever YAML read its ``extends`` line:
one run reports them all.  This module is kept light: the up-to-date check reads
the chain before anything heavy is imported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bibcv.errors import BibcvError, BibcvErrors, Origin, each_problem
from bibcv.yamlsource import LocatedDict, LocatedList, YamlErrors, read_yaml


def read_chain(path: Path, seen: tuple[Path, ...] = ()
               ) -> tuple[LocatedDict, list[Path], list[BibcvError]]:
    """The CV merged over its bases, the files read (the CV first), and the ids repeated
    in their lists."""
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(p.name for p in [*seen, resolved])
        raise BibcvError(f"'extends' goes round in a circle: {chain}", Origin(path))
    try:
        data = read_yaml(path)
    except YamlErrors as error:  # the files it extends are read for their problems too
        if error.extends is None:
            raise
        raise BibcvErrors([*error.problems, *_base_problems(
            path, *error.extends, (*seen, resolved))]) from None
    repeated = _repeated_ids(data)
    parent_name = data.pop("extends", None)
    if parent_name is None:
        return data, [path], repeated
    parent_path = _parent(path, parent_name, data.origin_of("extends"))
    base, files, repeated_before = read_chain(parent_path, (*seen, resolved))
    return merge(base, data), [path, *files], [*repeated_before, *repeated]


def _parent(path: Path, name: object, origin: Origin) -> Path:
    """The file that ``extends: name`` names, written in path at origin."""
    if not isinstance(name, str):
        raise BibcvError("'extends' takes the path of one YAML file", origin)
    parent_path = Path(os.path.normpath(path.parent / name))
    if not parent_path.is_file():
        raise BibcvError(f"'extends' names {name!r}, which does not exist (looked for "
                         f"{parent_path.absolute()})", origin)
    return parent_path


def _base_problems(path: Path, name: str, origin: Origin,
                   seen: tuple[Path, ...]) -> list[BibcvError]:
    """Every problem of the chain a file that cannot be used extends: all said in one run."""
    try:
        _data, _files, repeated = read_chain(_parent(path, name, origin), seen)
    except BibcvError as error:
        return each_problem(error)
    return repeated


def merge(base: LocatedDict, override: LocatedDict) -> LocatedDict:
    """Deep-merge two mappings, keeping where each surviving value was written."""
    merged = LocatedDict(override.origin)
    for key, value in base.items():
        merged[key] = value
        merged.key_origins[key] = base.origin_of(key)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
            continue
        if isinstance(value, LocatedDict) and isinstance(merged.get(key), LocatedDict):
            value = merge(merged[key], value)
        elif _has_ids(value) and _has_ids(merged.get(key)):
            value = _merge_by_id(merged[key], value)
        merged[key] = value
        merged.key_origins[key] = override.origin_of(key)
    return merged


def _has_ids(value: Any) -> bool:
    """A non-empty list of mappings with plain ids (an empty list replaces, to clear)."""
    return isinstance(value, LocatedList) and bool(value) and all(
        isinstance(item, LocatedDict) and isinstance(item.get("id"), (str, int))
        and not isinstance(item.get("id"), bool) for item in value)


def _repeated_ids(data: Any) -> list[BibcvError]:
    """Each item of a list (one whose items all carry ids) whose id an earlier item has."""
    if isinstance(data, LocatedDict):
        return [problem for value in data.values() for problem in _repeated_ids(value)]
    if not isinstance(data, LocatedList):
        return []
    problems = [problem for value in data for problem in _repeated_ids(value)]
    if _has_ids(data):
        first: dict[Any, Origin] = {}
        for index, item in enumerate(data):
            origin = data.origin_of(index)
            if item["id"] in first:
                line = first[item["id"]].line
                where = "on this line" if line == origin.line else f"on line {line}"
                problems.append(BibcvError(
                    f"the id {item['id']!r} is already the id of an earlier item {where}; "
                    "give each item of this list its own id", origin))
            first.setdefault(item["id"], origin)
    return problems


def _merge_by_id(base: LocatedList, override: LocatedList) -> LocatedList:
    merged = LocatedList(override.origin)
    overrides: dict[Any, tuple[LocatedDict, Origin]] = {}
    for index, item in enumerate(override):
        overrides.setdefault(item["id"], (item, override.origin_of(index)))
    for index, item in enumerate(base):
        if item["id"] in overrides:
            change, origin = overrides.pop(item["id"])
            merged.append(merge(item, change))
            merged.item_origins.append(origin)
        else:
            merged.append(item)
            merged.item_origins.append(base.origin_of(index))
    for item, origin in overrides.values():
        merged.append(item)
        merged.item_origins.append(origin)
    return merged


def path_from(data: LocatedDict, key: str, name: str) -> Path:
    """A path written under key, relative to the YAML file that wrote it."""
    return Path(os.path.normpath(data.origin_of(key).file.parent / name))
