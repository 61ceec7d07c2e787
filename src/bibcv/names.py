"""Personal names, split by BibTeX's rules and compared as names, not strings.

The splitting follows bibtex.web (``format.name$``): a list is cut at `` and ``
outside braces; a name is cut into tokens at white space, ``-`` and ``~``
outside braces, and at commas into its "von Last", "Jr" and "First" parts; a
token is lower case ("von") by its first letter outside braces, or by the
special character ``{\\...}`` it starts with.  Where BibTeX's reading breaks a
name, bibcv reads it as biber does, and the README lists these places:

- ``\\~`` and ``\\-`` outside braces are an accent and a discretionary hyphen,
  not a tie or a hyphen between tokens (BibTeX cuts ``Jo\\~ao`` into ``Jo\\``
  and ``ao``);
- letters beyond ASCII have their Unicode case (BibTeX reads ``Émile`` as
  lower case, because it sees bytes);
- a lower-case token after a hyphen belongs to the word it is joined to
  (``Jean-paul`` is a given name; BibTeX makes ``paul`` a von part);
- biblatex's extended names (``given=William, family=Atheling``) are read by
  their keys;
- DBLP's disambiguation number (``Xin Jin 0008``) is not part of the family
  name: it is kept for the export but neither shown nor compared.

A CV owner appears as "Zhuofu Chen", "Z. Chen", "Chen, Zhuofu" or with or
without accents; all of these must be recognised, and "Zhuoming Chen" must
not be.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bibcv.cjk import all_cjk
from bibcv.texdecode import decode_latex

_AND = re.compile(r"[{}]|(?<=[ \t\n\r])and(?=[ \t\n\r])", re.IGNORECASE)
_EXTENDED_PART = re.compile(r"\s*([A-Za-z-]+)\s*=\s*(.*?)\s*", re.DOTALL)
_EXTENDED_KEYS = {"family": "last", "given": "first", "prefix": "von", "suffix": "jr"}
_DBLP_NUMBER = re.compile(r"[0-9]{4}")
# Control sequences BibTeX knows the case of, inside a special character {\...}.
_SPECIAL_UPPER = frozenset({"OE", "AE", "AA", "O", "L"})
_SPECIAL_LOWER = frozenset({"oe", "ae", "aa", "o", "l", "i", "j", "ss"})
_WHITE = " \t\n\r"
# An initial: a letter or two with a full stop ("S.", "Ch."), or one letter; hyphenated
# ("J.-P.").  Two initials side by side are tied, as biblatex's \bibinitdelim ties them,
# so that no line ends between "S." and "A.".
_INITIAL = re.compile(r"(?:\w{1,2}\.|\w)(?:-(?:\w{1,2}\.|\w))*")
NO_BREAK_SPACE = "\u00a0"


@dataclass(frozen=True)
class Name:
    first: tuple[str, ...] = ()
    von: tuple[str, ...] = ()
    last: tuple[str, ...] = ()
    jr: tuple[str, ...] = ()
    disambiguation: str = ""  # DBLP's "0008" in "Xin Jin 0008": kept out of sight

    @property
    def is_cjk(self) -> bool:
        return all_cjk("".join(self.first + self.von + self.last + self.jr))

    @property
    def is_others(self) -> bool:
        """True for BibTeX's ``and others``: the list was cut short."""
        return not (self.first or self.von or self.jr) and self.last == ("others",)

    def display(self, tied: bool = True) -> str:
        """First von Last, Jr -- the order a reader expects on a CV, initials tied ("S.
        A." cannot break across lines; ``tied=False`` for machines); a name in Chinese,
        Japanese or Korean characters family name first, without spaces (陈卓夫)."""
        if self.is_cjk:
            return "".join(self.von + self.last + self.first + self.jr)
        first = given_names(self.first) if tied else " ".join(self.first)
        text = " ".join(filter(None, (first, *self.von, *self.last)))
        return f"{text}, {' '.join(self.jr)}" if self.jr else text


def given_names(words: tuple[str, ...]) -> str:
    """Given names joined by spaces, a no-break space between two initials: "S.\u00a0A."."""
    text = words[0] if words else ""
    for before, word in itertools.pairwise(words):
        both = _INITIAL.fullmatch(before) and _INITIAL.fullmatch(word)
        text += (NO_BREAK_SPACE if both else " ") + word
    return text


@dataclass(frozen=True)
class RawName:
    """One name's parts as LaTeX source; each part is its tokens joined by their separators."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    written: str = ""  # the name as the file writes it
    as_written: bool = False  # extended or DBLP-numbered: export it unchanged
    disambiguation: str = ""


def split_name_list(raw: str) -> list[str]:
    """Cut ``A and B and others`` at every `` and `` outside braces, as BibTeX does.

    A name of nothing but commas (``Ada Lovelace and ,``) is empty to BibTeX, which
    reports an error; it is left out (``empty_names`` counts them for a warning).
    """
    return [name for name in _name_list(raw) if name.strip(_WHITE + ",")]


def empty_names(raw: str) -> int:
    """How many names in the list are empty (only commas): BibTeX reports each."""
    compact = "".join(raw.split()).lower()
    if not (compact.startswith(",") or compact.endswith(",") or "and," in compact):
        return 0  # the common case, without cutting the list
    return sum(1 for name in _name_list(raw) if not name.strip(_WHITE + ","))


def _name_list(raw: str) -> list[str]:
    names, start, depth = [], 0, 0
    for match in _AND.finditer(raw):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(raw[start : match.start()])
            start = match.end()
    names.append(raw[start:])
    return [name.strip(_WHITE) for name in names if name.strip(_WHITE)]


def parse_names(raw: str) -> list[Name]:
    """Split a LaTeX-encoded BibTeX name list (``A and B and others``)."""
    return [parse_name(part) for part in split_name_list(raw)]


@lru_cache(maxsize=65536)
def bibtex_differs(raw: str) -> RawName | None:
    """BibTeX's own split of a name, when bibcv's (biber's) reading differs from it."""
    ours, bibtex = split_name(raw), split_name(raw, as_biber=False)
    if (ours.first, ours.von, ours.last, ours.jr) == (bibtex.first, bibtex.von, bibtex.last,
                                                      bibtex.jr):
        return None
    return bibtex


@lru_cache(maxsize=65536)
def parse_name(raw: str) -> Name:
    """Split one name on the raw text, as BibTeX does, then decode each word."""
    if not raw.strip():
        raise ValueError("a name cannot be empty; write the name, or leave the key out")
    if raw.strip() == "others":
        return Name(last=("others",))
    parts = split_name(raw)
    return Name(_words(parts.first), _words(parts.von), _words(parts.last), _words(parts.jr),
                parts.disambiguation)


def _words(part: str) -> tuple[str, ...]:
    """The decoded words of a part: cut at spaces and ties, hyphens kept inside words."""
    return tuple(word for word in (decode_latex(w).strip() for w in _split_words(part)) if word)


def _split_words(part: str) -> list[str]:
    words, start, depth, index = [], 0, 0, 0
    while index < len(part):
        char = part[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and (char in _WHITE or char == "~"):
            words.append(part[start:index])
            start = index + 1
        index += 1
    words.append(part[start:])
    return [word for word in words if word]


@lru_cache(maxsize=65536)
def split_name(raw: str, as_biber: bool = True) -> RawName:
    """BibTeX's First, von, Last and Jr parts of one name, as LaTeX source.

    With ``as_biber`` (the default) the places listed in the module's docstring
    are read as biber reads them; without, exactly as bibtex.web does.
    """
    written = " ".join(raw.split())
    if "=" in raw and as_biber:
        extended = _extended_name(written)
        if extended is not None:
            return extended
    tokens, separators, commas = _tokens(written, keep_accents=as_biber)
    number = ""
    last_token = (commas[0] if commas else len(tokens)) - 1
    if (as_biber and last_token > 0 and _DBLP_NUMBER.fullmatch(tokens[last_token])
            and separators[last_token] == " "):
        number = tokens.pop(last_token)
        separators.pop(last_token)
        commas = [comma - 1 for comma in commas]
    von = _von_flags(tokens, separators, as_biber)
    von_start, von_end, last_end, jr_end, first_start = _bounds(von, separators, commas)

    def joined(start: int, end: int) -> str:
        return "".join((separators[i] if i > start else "") + tokens[i] for i in range(start, end))

    first = joined(first_start, len(tokens)) if commas else joined(0, von_start)
    return RawName(first, joined(von_start, von_end), joined(von_end, last_end),
                   joined(last_end, jr_end) if len(commas) > 1 else "", written,
                   as_written=bool(number), disambiguation=number)


def _bounds(von: list[bool], separators: list[str],
            commas: list[int]) -> tuple[int, int, int, int, int]:
    """(von_start, von_end, last_end, jr_end, first_start) as bibtex.web computes them."""
    if not commas:
        last_end = len(von)
        von_start = 0
        while von_start < last_end - 1 and not von[von_start]:
            von_start += 1
        if von_start == last_end - 1:  # no von part: the Last part takes hyphenated words
            while von_start > 0 and separators[von_start] == "-":
                von_start -= 1
            return von_start, von_start, last_end, last_end, 0
        return von_start, _von_end(von, von_start, last_end), last_end, last_end, 0
    last_end = commas[0]
    jr_end = commas[1] if len(commas) > 1 else last_end
    first_start = jr_end
    return 0, _von_end(von, 0, last_end), last_end, jr_end, first_start


def _von_end(von: list[bool], von_start: int, last_end: int) -> int:
    von_end = max(last_end - 1, von_start)  # no Last part at all (", Ada"): nothing is von
    while von_end > von_start and not von[von_end - 1]:
        von_end -= 1
    return von_end


def _von_flags(tokens: list[str], separators: list[str], as_biber: bool) -> list[bool]:
    """Each token's von-ness; as biber, a token after a hyphen takes its compound's."""
    flags: list[bool] = []
    for index, token in enumerate(tokens):
        if as_biber and index and separators[index] == "-":
            flags.append(flags[-1])
        else:
            flags.append(_is_lower_case(token, unicode_case=as_biber))
    return flags


def _tokens(name: str, keep_accents: bool) -> tuple[list[str], list[str], list[int]]:
    """Tokens, the separator before each (' ', '-', '~' or ','), and where commas fall.

    As in bibtex.web, the first separator after a token is the one recorded, and
    commas beyond the second are read as spaces (BibTeX reports an error).
    """
    tokens: list[str] = []
    separators: list[str] = []
    commas: list[int] = []
    current: list[str] = []
    separator = ""  # the one before the next token
    recorded = True  # False right after a token ends, until a separator is recorded

    def finish() -> None:
        nonlocal recorded
        if current:
            tokens.append("".join(current))
            separators.append(separator)
            current.clear()
            recorded = False

    index = 0
    while index < len(name):
        char = name[index]
        if char == "{":
            end = _matching_brace(name, index)
            current.append(name[index:end])
            index = end
            continue
        if keep_accents and char == "\\" and name[index + 1 : index + 2] in ("~", "-"):
            current.append(name[index : index + 2])  # an accent / discretionary hyphen
            index += 2
            continue
        if char == "," and len(commas) < 2:
            finish()
            commas.append(len(tokens))
            separator, recorded = ",", True
        elif char in _WHITE or char in "-~,":
            finish()
            if not recorded:
                separator, recorded = (char if char in "-~" else " "), True
        elif char != "}":  # BibTeX skips an unbalanced right brace
            current.append(char)
        index += 1
    finish()
    while commas and commas[-1] == len(tokens):  # "Schechter, Harold," as bibtex.web: the
        commas.pop()                             # comma at the end is dropped (an error)
    return tokens, separators, commas


def _matching_brace(text: str, start: int) -> int:
    """The index after the brace group opened at start (or the end of an unclosed one)."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _is_lower_case(token: str, unicode_case: bool) -> bool:
    """BibTeX's von test: the first letter outside braces, or a special character's case.

    BibTeX sees bytes, so only ASCII letters have a case for it; biber uses Unicode's.
    """
    index = 0
    while index < len(token):
        char = token[index]
        if char == "{":
            end = _matching_brace(token, index)
            if token[index + 1 : index + 2] == "\\":
                decided = _special_character_case(token[index + 2 : end - 1])
                if decided is not None:
                    return decided
            index = end
            continue
        if char == "\\" and index + 1 < len(token) and not token[index + 1].isalpha():
            index += 2  # \' \~ and the like: the letter that follows decides
            continue
        if char.isalpha() and (unicode_case or char.isascii()):
            return char.islower()
        index += 1
    return False


def _special_character_case(body: str) -> bool | None:
    """Case of ``{\\cs ...}``: known letters by name, else the first letter after the name."""
    name = re.match(r"[A-Za-z]+|.?", body, re.DOTALL).group()  # type: ignore[union-attr]
    if name in _SPECIAL_UPPER:
        return False
    if name in _SPECIAL_LOWER:
        return True
    for char in body[len(name):]:
        if char.isalpha():
            return char.islower()
    return None


def _extended_name(written: str) -> RawName | None:
    """biblatex's ``given=William, family=Atheling, suffix=Jr.``; None if not that form."""
    fields: dict[str, str] = {}
    for part in _split_top_level_commas(written):
        match = _EXTENDED_PART.fullmatch(part)
        if not match:
            return None
        key = _EXTENDED_KEYS.get(match.group(1).lower())
        if key:
            fields[key] = match.group(2)
    if "last" not in fields:
        return None
    return RawName(**fields, written=written, as_written=True)


def _split_top_level_commas(text: str) -> list[str]:
    parts, start, depth = [], 0, 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def same_person(candidate: Name, person: Name) -> bool:
    """Same family name, and given names that agree word for word or by initials.

    A middle name written in one and left out in the other still matches
    ("Grace Murray Hopper" is "Grace Hopper"); the first given name must agree.
    A family name of several words may be split differently by the two ways of
    writing it: "María Fernández de la Cruz" gives the family "de la Cruz", while
    "Fernández de la Cruz, María" gives "Fernández de la Cruz"; the longer family
    counts when the other name's words end with it.  Names in CJK characters are the
    same when they read the same family name first ("陈, 卓夫" is 陈卓夫).
    """
    if candidate.is_cjk or person.is_cjk:
        return candidate.is_cjk and person.is_cjk and candidate.display() == person.display()
    family, known_family = _family_words(candidate), _family_words(person)
    if family == known_family:
        return _same_given(_given_words(candidate.first), _given_words(person.first))
    if len(family) > len(known_family):
        return _ends_with(person, family) and _same_given(
            _given_words(candidate.first), _given_words(_all_words(person)[:-len(family)]))
    return _ends_with(candidate, known_family) and _same_given(
        _given_words(_all_words(candidate)[:-len(known_family)]), _given_words(person.first))


def _same_given(given: list[str], known: list[str]) -> bool:
    if "".join(given) == "".join(known):
        return True
    return bool(given and known) and all(map(_compatible, given, known))


def _family_words(name: Name) -> list[str]:
    return _fold(name.von + name.last).split()


def _all_words(name: Name) -> tuple[str, ...]:
    return tuple(_fold(name.first + name.von + name.last).split())


def _ends_with(name: Name, family: list[str]) -> bool:
    words = _all_words(name)
    return len(words) > len(family) and list(words[-len(family):]) == family


def _compatible(word: str, other: str) -> bool:
    if len(word) == 1 or len(other) == 1:
        return word[0] == other[0]
    return word == other


def _given_words(words: tuple[str, ...]) -> list[str]:
    return [word for word in re.split(r"[\s.\-]+", _fold(words)) if word]


# Hyphens that publishers' and Word's exports put in double-barrelled names (Wiley's
# "Meyer‐Gohde" has U+2010): each is the ASCII hyphen for comparison.
_HYPHENS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "-"))


def _fold(words: tuple[str, ...]) -> str:
    """Case-, accent-, hyphen- and spacing-insensitive form for comparison."""
    text = unicodedata.normalize("NFKD", " ".join(words).translate(_HYPHENS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())
