"""YAML that remembers where each value was written.

Mappings and lists come back as LocatedDict and LocatedList, which keep the
file and line of every key and item, so that any later error can point at
the line the user must change -- even after files are merged by ``extends``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bibcv.cjk import join_unspaced_lines
from bibcv.errors import BibcvError, BibcvErrors, Origin, each_problem
from bibcv.richtext import MarkupError, check_characters

# libyaml's parser when PyYAML has it: several times faster, same nodes and marks.
_BASE_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KEPT_IMPLICIT_TAGS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null")
# Values aliases may copy in one file: far more than any CV's anchors repeat.
MAX_ALIASED_VALUES = 100_000


class _TextFirstParser(_BASE_PARSER):  # type: ignore[misc, valid-type]
    """Reads untagged scalars as text, except true/false and null.

    A CV is text: `phone: 0755`, `date: 2019.10` or `time: 12:30` must print as
    written, not as the numbers YAML 1.1 would make of them.
    """


_TextFirstParser.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag in _KEPT_IMPLICIT_TAGS]
    for first, resolvers in _BASE_PARSER.yaml_implicit_resolvers.items()
}
# YAML 1.2's booleans only: "yes", "no", "on" and "off" are words in a CV.
_TextFirstParser.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _KEPT_IMPLICIT_TAGS[0]]
    for first, resolvers in _TextFirstParser.yaml_implicit_resolvers.items()
}
_TextFirstParser.add_implicit_resolver(
    _KEPT_IMPLICIT_TAGS[0], re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class LocatedDict(dict):
    """A mapping with the origin of the mapping itself and of each key."""

    def __init__(self, origin: Origin) -> None:
        super().__init__()
        self.origin = origin
        self.key_origins: dict[str, Origin] = {}

    def origin_of(self, key: str) -> Origin:
        return self.key_origins.get(key, self.origin)


class LocatedList(list):
    """A list with the origin of the list and of each item."""

    def __init__(self, origin: Origin) -> None:
        super().__init__()
        self.origin = origin
        self.item_origins: list[Origin] = []

    def origin_of(self, index: int) -> Origin:
        return self.item_origins[index] if index < len(self.item_origins) else self.origin


class YamlErrors(BibcvErrors):
    """A YAML file's problems, with its top-level ``extends`` (the name written and its
    line) where YAML read that far: the files it extends can be read for theirs too."""

    def __init__(self, problems: list[BibcvError], extends: tuple[str, Origin] | None) -> None:
        super().__init__(problems)
        self.extends = extends


class _SyntaxError(BibcvError):
    """Where YAML stopped reading a file: nothing from its line on can be trusted."""


def read_yaml(path: Path) -> LocatedDict:
    """Parse one YAML file whose top level must be a mapping; its problems are YamlErrors."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BibcvError(f"file not found (looked for {path.absolute()})", Origin(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BibcvError(f"cannot read file: {error}", Origin(path)) from None
    try:
        return _read_mapping(text, path)
    except BibcvError as error:
        stop = error.origin.line if isinstance(error, _SyntaxError) and error.origin else None
        raise YamlErrors(each_problem(error), _extends_before(text, path, stop)) from None


def _read_mapping(text: str, path: Path) -> LocatedDict:
    try:
        node = yaml.compose(text, Loader=_TextFirstParser)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, text, path) from None
    except yaml.YAMLError as error:  # e.g. a control character: no mark, a position
        position = getattr(error, "position", 0)
        line = text.count("\n", 0, position) + 1
        raise _SyntaxError(f"YAML cannot read this file: {error}", Origin(path, line)) from None
    if node is None:
        return LocatedDict(Origin(path, 1))
    reading = _Reading()
    value = _build(node, path, yaml.SafeLoader(""), (), reading)
    if reading.problems:
        raise BibcvErrors(reading.problems)
    if not isinstance(value, LocatedDict):
        raise BibcvError("the file must be a YAML mapping (key: value lines)", Origin(path, 1))
    return value


def _extends_before(text: str, path: Path, stop: int | None) -> tuple[str, Origin] | None:
    """The top-level ``extends:`` as YAML's parser reads it before line ``stop`` (None: the
    whole file is YAML), and its line; None if there is none, or it is no plain text.

    YAML reads a file as a stream of events, and stops at its first syntax error:
    those before it are what the file says, but not those on its line (``extends:
    a.yaml: b`` is 'a.yaml' until the second colon)."""
    depth, next_is_key, key = 0, False, None
    try:
        for event in yaml.parse(text, Loader=_TextFirstParser):
            if stop is not None and event.end_mark.line + 1 >= stop:
                return None
            if depth == 1 and key == "extends":  # its value's first event
                return _plain_text(event, path)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth == 1:  # the file's top level: a mapping, or no extends
                    next_is_key = isinstance(event, yaml.MappingStartEvent)
                    if not next_is_key:
                        return None
                    continue
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                if depth == 0:
                    return None
            elif not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                continue  # the stream's and document's start
            if depth == 1:  # a key or a value of the top level is complete
                key = event.value if next_is_key and isinstance(event, yaml.ScalarEvent) \
                    else None
                next_is_key = not next_is_key
    except yaml.YAMLError:
        return None
    return None


def _plain_text(event: yaml.Event, path: Path) -> tuple[str, Origin] | None:
    """A scalar that the CV format reads as text, and its line."""
    if not isinstance(event, yaml.ScalarEvent) or event.tag is not None:
        return None
    tag = _TextFirstParser("").resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag != "tag:yaml.org,2002:str":  # null or a boolean
        return None
    return event.value, Origin(path, event.start_mark.line + 1)


def _syntax_error(error: yaml.MarkedYAMLError, text: str, path: Path) -> BibcvError:
    """PyYAML's complaint, with what usually causes it in a hand-written file."""
    problem = error.problem or error.context or "invalid YAML"
    mark = error.problem_mark or error.context_mark
    if "quoted scalar" in (error.context or "") and error.context_mark:
        mark = error.context_mark  # where the unclosed quote opens
    line = mark.line + 1 if mark else 0
    lines = text.splitlines()
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    hint = _syntax_hint(problem, error.context or "", written, mark.column if mark else 0)
    said = f" (YAML says: {problem})" if hint != problem else ""  # no hint: YAML's words once
    return _SyntaxError(f"YAML syntax error: {hint}{said}", Origin(path, line))


def _syntax_hint(problem: str, context: str, line: str, column: int) -> str:
    indentation = line[: len(line) - len(line.lstrip())]
    if "\t" in indentation or ("cannot start any token" in problem and "\t" in line):
        return "a tab character; YAML indents with spaces only, so replace it with spaces"
    if "quoted scalar" in context:
        return "a quotation mark opened here is not closed"
    if "cannot start any token" in problem and line[column:column + 1] in ("`", "@", "%"):
        # `code`, @handle, 50%: reserved indicators; the line as it would be, quoted
        before, rest = line[:column].strip(), line[column:].rstrip()
        in_flow = before.count("{") + before.count("[") > before.count("}") + before.count("]")
        value = re.match(r"[^,}\]]*" if in_flow else r".*", rest).group().rstrip()
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        example = " ".join(filter(None, (before, quoted + rest[len(value):])))
        return (f"YAML reserves {line[column]} at the start of a value, so a value that starts "
                f"with it must be in quotes, e.g. {example}")
    if "mapping values are not allowed" in problem and ": " in line[: column].lstrip():
        return ("a colon followed by a space inside a value that is not in quotes; "
                'put the value in quotes, e.g. title: "Note: this"')
    if "expected ',' or" in problem:
        return ("inside [ ] or { }, a value that holds a colon or a comma must be in quotes, "
                'e.g. {title: "Note: this"}; or a bracket is not closed')
    if any(words in problem for words in ("mapping values are not allowed", "expected key",
                                          "expected '-'", "expected <block end>")):
        return ("this line is indented differently from the lines around it; the keys of one "
                "mapping, and the items of one list, must start in the same column")
    return problem


@dataclass
class _Reading:
    """One file's values as they are built: the problems found so far, each at its line
    (a key written twice, a value that cannot be read: all reported together), and how
    many values aliases may still copy: ``*x`` repeats all of ``&x``, and aliases of
    aliases multiply ("billion laughs": nine lines that would take gigabytes)."""

    problems: list[BibcvError] = field(default_factory=list)
    left: int = MAX_ALIASED_VALUES
    built: set[int] = field(default_factory=set)

    def spend(self, node: yaml.Node, origin: Origin) -> None:
        if id(node) not in self.built:
            self.built.add(id(node))
            return
        self.left -= 1
        if self.left < 0:
            raise BibcvError(
                f"the YAML aliases (*name) in this file copy more than {MAX_ALIASED_VALUES:,} "
                "values (aliases of aliases multiply); write the values out, or use fewer "
                "aliases (the anchor of the last one copied is on this line)", origin)


def _build(node: yaml.Node, path: Path, scalars: yaml.SafeLoader,
           enclosing: tuple[int, ...], reading: _Reading) -> Any:
    """Our located values from YAML's nodes; enclosing guards against an alias to itself."""
    origin = Origin(path, node.start_mark.line + 1)
    if id(node) in enclosing:
        raise BibcvError("this YAML alias refers to a mapping or list that contains it", origin)
    reading.spend(node, origin)
    enclosing = (*enclosing, id(node))
    if isinstance(node, yaml.MappingNode):
        mapping = LocatedDict(origin)
        for key_node, value_node in node.value:
            key = _build(key_node, path, scalars, enclosing, reading)
            if not isinstance(key, str):
                reading.problems.append(BibcvError(f"keys must be text, not {key!r}", origin))
                continue
            if key in mapping:
                reading.problems.append(BibcvError(
                    f"the key {key!r} is written twice in this mapping",
                    Origin(path, key_node.start_mark.line + 1)))
                continue
            mapping[key] = _build(value_node, path, scalars, enclosing, reading)
            mapping.key_origins[key] = Origin(path, key_node.start_mark.line + 1)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = LocatedList(origin)
        for item_node in node.value:
            items.append(_build(item_node, path, scalars, enclosing, reading))
            items.item_origins.append(Origin(path, item_node.start_mark.line + 1))
        return items
    try:
        value = scalars.construct_object(node)
    except (yaml.YAMLError, ValueError) as error:  # e.g. `!!int abc`, `!!timestamp 2023-02-30`
        problem = getattr(error, "problem", None) or str(error)
        reading.problems.append(BibcvError(f"cannot read this value: {problem}", origin))
        return None
    if isinstance(value, str):
        try:
            check_characters(value)
        except MarkupError as error:
            reading.problems.append(BibcvError(str(error), origin))
        if node.end_mark.line > node.start_mark.line:  # written over lines: YAML folded them
            value = join_unspaced_lines(value)
    return value
