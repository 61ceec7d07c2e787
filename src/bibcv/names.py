"""Personal names, split by BibTeX's rules and compared as names, not strings.

A CV owner appears as "Zhuofu Chen", "Z. Chen", "Chen, Zhuofu" or with or
without accents; all of these must be recognised, and "Zhuoming Chen" must
not be.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from bibcv.texdecode import decode_latex


@dataclass(frozen=True)
class Name:
    first: tuple[str, ...] = ()
    von: tuple[str, ...] = ()
    last: tuple[str, ...] = ()
    jr: tuple[str, ...] = ()

    @property
    def is_others(self) -> bool:
        """True for BibTeX's ``and others``: the list was cut short."""
        return not (self.first or self.von or self.jr) and self.last == ("others",)

    def display(self) -> str:
        """First von Last, Jr -- the order a reader expects on a CV."""
        text = " ".join(self.first + self.von + self.last)
        return f"{text}, {' '.join(self.jr)}" if self.jr else text


def parse_names(raw: str) -> list[Name]:
    """Split a LaTeX-encoded BibTeX name list (``A and B and others``)."""
    return [parse_name(part) for part in split_multiple_persons_names(raw)]


def parse_name(raw: str) -> Name:
    """Split one name on the raw text, as BibTeX does, then decode each part."""
    if raw.strip() == "others":
        return Name(last=("others",))
    try:
        parts = parse_single_name_into_parts(raw, strict=False)
    except InvalidNameError as error:
        raise ValueError(f"cannot read the name {raw!r}: {error}") from error

    def decoded(words: list[str]) -> tuple[str, ...]:
        return tuple(decode_latex(word) for word in words)

    return Name(decoded(parts.first), decoded(parts.von), decoded(parts.last), decoded(parts.jr))


def same_person(candidate: Name, person: Name) -> bool:
    """Same family name, and given names that agree word for word or by initials.

    A middle name written in one and left out in the other still matches
    ("Grace Murray Hopper" is "Grace Hopper"); the first given name must agree.
    """
    if _fold(candidate.von + candidate.last) != _fold(person.von + person.last):
        return False
    given, known = _given_words(candidate), _given_words(person)
    if "".join(given) == "".join(known):
        return True
    return bool(given and known) and all(map(_compatible, given, known))


def _compatible(word: str, other: str) -> bool:
    if len(word) == 1 or len(other) == 1:
        return word[0] == other[0]
    return word == other


def _given_words(name: Name) -> list[str]:
    return [word for word in re.split(r"[\s.\-]+", _fold(name.first)) if word]


def _fold(words: tuple[str, ...]) -> str:
    """Case-, accent- and spacing-insensitive form for comparison."""
    text = unicodedata.normalize("NFKD", " ".join(words))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())
