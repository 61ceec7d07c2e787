"""A .bib file read character for character the way BibTeX's own parser reads it.

BibTeX (bibtex.web, "the .bib-file commands") ignores everything outside
entries, skips white space after ``@`` and between an entry type and its
``{`` or ``(``, accepts any identifier as an entry type (``@my-type``,
``@commentary``), treats ``@comment`` as a bare word (it skips the word and
nothing else), expands @string macros as it reads (a later definition
replaces an earlier one), ends a quoted value only at a ``"`` outside braces,
collapses every run of white space in a value to one space and strips the
ends of a field (not of a @string, whose spaces ``#`` can join).  After a
syntax error inside an entry it keeps the fields read so far and skips to the
next ``@``; an empty key (``@booklet{,``) is a key like any other.  This
module does the same and reports each such place with its line; the caller
decides what is an error and what a warning.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bibcv.bibtex_values import MONTH_MACROS

# BibTeX's white space is ASCII only: a no-break space (U+00A0) is a character.
_WHITE = re.compile(r"[ \t\n\r\f\v]*")
_WHITE_RUN = re.compile(r"[ \t\n\r\f\v]+")
# An identifier (entry type, field name, macro name): anything but these characters.
_IDENTIFIER = re.compile(r"[^ \t\n\r\f\v\"#%'(),={}]+")
# A line that starts a field ("  journal = "): inside a value, a sign that its end is missing.
_FIELD_LINE = re.compile(r"\n[ \t]*([A-Za-z][A-Za-z0-9_+:.-]*)[ \t]*=")
_FIELD_START = re.compile(r"[A-Za-z][A-Za-z0-9_+:.-]*[ \t\r\n]*=")
_KEY_IN_BRACES = re.compile(r"[^ \t\n\r\f\v,}]*")
_KEY_IN_PARENS = re.compile(r"[^ \t\n\r\f\v,]*")
_DIGITS = re.compile(r"[0-9]+")
_BRACE = re.compile(r"[{}]")
_QUOTE_OR_BRACE = re.compile(r'["{}]')
# The common field (``, name = value`` where the value is one braced text with
# braces nested at most three deep, one quoted text, a number or a macro, and
# no '#' follows) in one match; anything else takes the general path.  Each
# repetition below has one way to match a character, so a failed match costs
# linear time.
_W = r"[ \t\n\r\f\v]*"
_ID = r"[^ \t\n\r\f\v\"#%'(),={}0-9][^ \t\n\r\f\v\"#%'(),={}]*"
_NESTED = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
_SIMPLE_FIELD = re.compile(
    rf"{_W},{_W}({_ID}){_W}={_W}"
    rf"(?:\{{((?:[^{{}}]|{_NESTED})*)\}}|\"((?:[^\"{{}}]|{_NESTED})*)\"|([0-9]+)(?![0-9])"
    rf"|({_ID})(?![^ \t\n\r\f\v\"#%'(),={{}}]))"  # the whole macro name, not a prefix of it
    rf"{_W}(?!{_W}#)")
_ENTRY_START = re.compile(r"@[ \t\n\r\f\v]*[^ \t\n\r\f\v\"#%'(),={}0-9][^ \t\n\r\f\v\"#%'(),={}]*"
                          r"[ \t\n\r\f\v]*[{(]")


# The longest value read: TeX Live's buf_size, the global.max$ string size of BibTeX's
# styles (they warn and cut a longer text), and the longest line XeTeX reads.
MAX_VALUE = 200_000
# All the text '#' makes in one file (a 200,000-character macro joined in every entry of a
# small file would otherwise take gigabytes).
MAX_JOINED = 20_000_000


@dataclass
class RawField:
    name: str  # lower case
    value: str  # macros and '#' resolved, white space collapsed; LaTeX kept
    position: int  # in the source; ParsedFile.line() gives its line, when a message needs it


@dataclass
class RawEntry:
    entry_type: str  # lower case
    key: str
    line: int
    fields: list[RawField] = field(default_factory=list)


@dataclass
class Problem:
    """A place BibTeX complains about; ``skipped`` when it skipped the rest of an entry.

    ``rest_lost`` marks a brace or quote never closed: BibTeX reads nothing after it.
    """

    line: int
    message: str
    skipped: bool = False
    rest_lost: bool = False
    over_limit: bool = False  # bibcv's size limit (MAX_VALUE), not a syntax error


@dataclass
class ParsedFile:
    source: str
    entries: list[RawEntry] = field(default_factory=list)
    preambles: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # BibTeX's error messages
    warnings: list[Problem] = field(default_factory=list)  # BibTeX's (or bibcv's) warnings
    macros: dict[str, str] = field(default_factory=dict)  # every @string known at the end
    _newlines: list[int] = field(default_factory=list)
    _end: int = -1  # where the text of the file ends (trailing white space excluded)

    def line(self, position: int) -> int:
        """The 1-based line of a position (the end of the file counts as its last line)."""
        if self._end < 0:
            self._newlines = [match.start() for match in re.finditer("\n", self.source)]
            self._end = len(self.source.rstrip())
        return bisect.bisect_left(self._newlines, min(position, self._end)) + 1


class _SyntaxProblem(Exception):
    def __init__(self, position: int, message: str, warning: bool = False,
                 culprit: int | None = None, over_limit: bool = False) -> None:
        super().__init__(message)
        self.position = position
        self.over_limit = over_limit
        self.message = message
        self.warning = warning  # BibTeX's error, but a slip bibcv reports as a warning
        # a brace or quote never closed, where it opened: nothing after it is read
        self.culprit = culprit
        self.rest_lost = culprit is not None


class _Reader:
    def __init__(self, source: str, macros: Mapping[str, str]) -> None:
        self.source = source
        self.result = ParsedFile(source, macros=dict(macros))
        self.macros = self.result.macros
        self.line = self.result.line
        self.joined = 0  # characters made by '#' so far: bounded by MAX_JOINED

    def white(self, position: int) -> int:
        return _WHITE.match(self.source, position).end()  # type: ignore[union-attr]

    def expect(self, position: int, what: str) -> None:
        found = self.source[position : position + 20].split("\n", 1)[0]
        found = repr(found) if position < len(self.source) else "the end of the file"
        raise _SyntaxProblem(position, f"expected {what}, found {found}")

    def read(self) -> ParsedFile:
        source = self.source
        position = source.find("@")
        while position >= 0:
            position = self.command(position)
            position = source.find("@", position)
        return self.result

    def command(self, at: int) -> int:
        """Read one ``@type...`` command; return where to look for the next '@'."""
        position = self.white(at + 1)
        match = _IDENTIFIER.match(self.source, position)
        if not match or match.group()[0].isdigit():
            self.result.warnings.append(Problem(self.line(at), (
                "an '@' outside entries that starts no entry; BibTeX reports an error and "
                "skips it, and so does bibcv. Remove the '@' (or write it as 'at')")))
            return position
        kind = match.group().lower()
        position = self.white(match.end())
        if kind == "comment":
            self._check_comment(at, position)
            return position
        if position >= len(self.source) or self.source[position] not in "{(":
            self.result.warnings.append(Problem(self.line(position), (
                f"'@{match.group()}' outside entries is not followed by '{{' or '('; BibTeX "
                "reports an error and skips it, and so does bibcv. Remove the '@' (or write "
                "it as 'at')")))
            return position
        closer = "}" if self.source[position] == "{" else ")"
        entry: RawEntry | None = None
        try:
            if kind == "preamble":
                text, position = self.value(self.white(position + 1), "@preamble")
                self.result.preambles.append(text.strip())
            elif kind == "string":
                position = self.string_definition(self.white(position + 1))
            else:
                entry = RawEntry(kind, "", self.line(at))
                position = self.entry(entry, self.white(position + 1), closer)
                return position
            position = self.white(position)
            if position >= len(self.source) or self.source[position] != closer:
                self.expect(position, f"'{closer}'")
            return position + 1
        except _SyntaxProblem as problem:
            line = self.line(problem.position if problem.culprit is None else problem.culprit)
            message = problem.message
            keyed = bool(self.result.entries) and self.result.entries[-1] is entry
            if keyed and not problem.warning:  # the key was read: name the entry
                where = "" if entry.line == line else f" (begun on line {entry.line})"
                message = f"in entry {entry.key!r}{where}: {message}"
            found = self.result.warnings if problem.warning else self.result.errors
            found.append(Problem(line, message, skipped=True, rest_lost=problem.rest_lost,
                                 over_limit=problem.over_limit))
            return problem.position

    def _check_comment(self, at: int, position: int) -> None:
        """BibTeX skips only the word 'comment': an entry inside the braces is still read."""
        if position >= len(self.source) or self.source[position] not in "{(":
            return
        try:
            end = self.braced_end(position) if self.source[position] == "{" else -1
        except _SyntaxProblem:
            return
        inside = self.source[position + 1 : end] if end > 0 else ""
        if _ENTRY_START.search(inside):
            self.result.warnings.append(Problem(
                self.line(at), "this @comment contains an entry, which BibTeX reads as an "
                "entry (only the word '@comment' is skipped; biber skips the whole braces); "
                "bibcv reads it as BibTeX does. Delete the entry or its '@' to leave it out"))

    def string_definition(self, position: int) -> int:
        match = _IDENTIFIER.match(self.source, position)
        if not match:
            self.expect(position, "a macro name after @string")
        position = self.white(match.end())  # type: ignore[union-attr]
        if self.source[position : position + 1] != "=":
            self.expect(position, "'=' after the macro name")
        text, position = self.value(self.white(position + 1),
                                    f"@string {match.group()!r}")  # type: ignore[union-attr]
        self.macros[match.group().lower()] = text  # type: ignore[union-attr]
        return position

    def entry(self, entry: RawEntry, position: int, closer: str) -> int:
        key_pattern = _KEY_IN_BRACES if closer == "}" else _KEY_IN_PARENS
        key = key_pattern.match(self.source, position).group()  # type: ignore[union-attr]
        entry.key = key  # may be empty, as in BibTeX
        self.result.entries.append(entry)  # fields are added as they are read
        position = self.white(position + len(key))
        while True:
            simple = self.simple_field(position)
            if simple:
                entry.fields.append(simple[0])
                position = simple[1]
                continue
            if position < len(self.source) and self.source[position] == closer:
                return position + 1
            if self.source[position : position + 1] == "%":
                found = self.source[position : position + 20].split("\n", 1)[0]
                raise _SyntaxProblem(position, (
                    f"expected ',' or '{closer}', found {found!r} ('%' starts no comment "
                    "inside an entry; move the comment above the entry)"))
            if self.source[position : position + 1] != ",":
                self._swallowed_field(entry, position, closer)
                self._comma_after_key(entry, position, closer)
                self.expect(position, f"',' or '{closer}'")
            position = self.white(position + 1)
            if position < len(self.source) and self.source[position] == closer:
                continue
            if self.source[position : position + 1] == "%":
                raise _SyntaxProblem(position, (
                    f"'%' does not comment out a line inside an entry: BibTeX stops reading "
                    f"entry {key!r} here and skips the rest of it, and so does bibcv. Delete "
                    "the line, or move it above the entry"), warning=True)
            match = _IDENTIFIER.match(self.source, position)
            if not match or match.group()[0].isdigit():
                self.expect(position, "a field name")
            name_end = self.white(match.end())  # type: ignore[union-attr]
            if self.source[name_end : name_end + 1] != "=":
                self.expect(name_end, f"'=' after the field name {match.group()!r}")  # type: ignore[union-attr]
            where = f"field {match.group().lower()!r} of entry {key!r}"  # type: ignore[union-attr]
            text, position = self.value(self.white(name_end + 1), where)
            entry.fields.append(RawField(match.group().lower(), text.strip(" "),  # type: ignore[union-attr]
                                         match.start()))  # type: ignore[union-attr]
            position = self.white(position)

    def _swallowed_field(self, entry: RawEntry, position: int, closer: str) -> None:
        """A value whose closing brace or quote is missing runs on over the next fields, and
        the error shows only where its text ends: name the value's line instead."""
        if not entry.fields:
            return
        last = entry.fields[-1]
        swallowed = _FIELD_LINE.search(self.source, last.position, position)
        if swallowed is None:
            return
        found = self.source[position : position + 20].split("\n", 1)[0]
        found = repr(found) if position < len(self.source) else "the end of the file"
        raise _SyntaxProblem(position, (
            f"expected ',' or '{closer}', found {found}: the value of {last.name!r} begun on "
            f"line {self.line(last.position)} runs on over {swallowed.group(1)!r} on line "
            f"{self.line(swallowed.start(1))}; close it on line {self.line(last.position)} "
            "(a '}' or '\"' is missing there)"))

    def _comma_after_key(self, entry: RawEntry, position: int, closer: str) -> None:
        """A field right after the key (`@article{key` and a new line): name the comma that
        is missing, not only the field that BibTeX stopped at."""
        if entry.fields or not entry.key or not _FIELD_START.match(self.source, position):
            return
        found = self.source[position : position + 20].split("\n", 1)[0]
        raise _SyntaxProblem(position, (
            f"expected ',' or '{closer}', found {found!r}: a comma is missing after the key; "
            f"write '{entry.key},' on line {entry.line}"))

    def simple_field(self, position: int) -> tuple[RawField, int] | None:
        """The common case in one regular-expression match (speed); None for the rest."""
        simple = _SIMPLE_FIELD.match(self.source, position)
        if not simple:
            return None
        name, braced, quoted, number, macro = simple.groups()
        if macro is not None:
            text = self.macros.get(macro.lower())
            if text is None:
                return None  # the general path warns about it
        else:
            text = braced if braced is not None else quoted if quoted is not None else number
        raw = RawField(name.lower(), _collapse(text).strip(" "), simple.start(1))
        return raw, simple.end()

    def value(self, position: int, where: str) -> tuple[str, int]:
        """``part # part # ...``: the parts joined, white space runs made one space."""
        pieces, size, start = [], 0, position
        while True:
            piece, position = self.part(position, where)
            pieces.append(piece)
            size += len(piece)
            if size > MAX_VALUE:  # before joining: doubling macros would take all memory
                raise _SyntaxProblem(start, (
                    f"{where} is over {MAX_VALUE:,} characters long (macros joined with '#' "
                    "make it so); BibTeX's styles cut a text there and TeX cannot read a "
                    "longer line. Shorten it"), over_limit=True)
            position = self.white(position)
            if self.source[position : position + 1] != "#":
                break
            position = self.white(position + 1)
        if len(pieces) > 1:
            self.joined += size
            if self.joined > MAX_JOINED:
                raise _SyntaxProblem(start, (
                    f"{where}: the values joined with '#' in this file add up to over "
                    f"{MAX_JOINED:,} characters, more than any bibliography needs. Join "
                    "fewer or shorter macros"), over_limit=True)
        return _collapse("".join(pieces)), position

    def part(self, position: int, where: str) -> tuple[str, int]:
        source = self.source
        opener = source[position : position + 1]
        if opener == "{":
            end = self.braced_end(position)
            return source[position + 1 : end], end + 1
        if opener == '"':
            end = self.quoted_end(position)
            return source[position + 1 : end], end + 1
        digits = _DIGITS.match(source, position)
        if digits:
            return digits.group(), digits.end()
        match = _IDENTIFIER.match(source, position)
        if not match:
            self.expect(position, "a value ({...}, \"...\", a number or a macro name)")
        name = match.group()  # type: ignore[union-attr]
        if name.lower() in self.macros:
            return self.macros[name.lower()], match.end()  # type: ignore[union-attr]
        self.result.warnings.append(Problem(
            self.line(position), f"{where} uses the undefined macro {name!r}; it is kept as "
            f"the word {name!r} (BibTeX reads it as empty). Define it with "
            f"@string{{{name} = {{...}}}}"))
        return name, match.end()  # type: ignore[union-attr]

    def braced_end(self, start: int) -> int:
        depth = 0
        for brace in _BRACE.finditer(self.source, start):
            depth += 1 if brace.group() == "{" else -1
            if depth == 0:
                return brace.start()
        raise _SyntaxProblem(len(self.source),
                             f"the '{{' on line {self.line(start)} is never closed",
                             culprit=start)

    def quoted_end(self, start: int) -> int:
        depth, outer_brace, inner_quote = 0, start, -1
        for mark in _QUOTE_OR_BRACE.finditer(self.source, start + 1):
            char = mark.group()
            if char == "{":
                outer_brace = mark.start() if depth == 0 else outer_brace
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    raise _SyntaxProblem(mark.start(), "a '}' closes a brace that the quoted "
                                         f"value opened on line {self.line(start)} never opened")
            elif depth == 0:
                return mark.start()
            elif inner_quote < 0:
                inner_quote = mark.start()
        if depth:  # a '"' inside braces does not end the value: the brace is the culprit
            raise _SyntaxProblem(len(self.source), (
                f"the '{{' on line {self.line(outer_brace)}, inside the quoted value begun on "
                f"line {self.line(start)}, is never closed (a '\"' inside braces does not end "
                "the value)"), culprit=outer_brace)
        hint = "" if inner_quote < 0 else (
            f"; the '\"' inside braces on line {self.line(inner_quote)} does not end it")
        raise _SyntaxProblem(len(self.source),
                             f"the '\"' on line {self.line(start)} is never closed{hint}",
                             culprit=start if inner_quote < 0 else inner_quote)


def _collapse(text: str) -> str:
    """Every run of white space as one space, as BibTeX stores a value."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text \
            or "\v" in text:
        return _WHITE_RUN.sub(" ", text)
    return text


def parse_bibtex(source: str, macros: Mapping[str, str] = MONTH_MACROS) -> ParsedFile:
    """Entries, preambles and BibTeX's complaints, in file order.  ``macros`` are those
    defined before the file: BibTeX reads a document's .bib files one after another, so a
    file of @string abbreviations (IEEEabrv.bib) serves the files listed after it."""
    return _Reader(source, macros).read()
