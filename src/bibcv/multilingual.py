"""Text in several languages from one source: ``title: {en: Education, zh: 教育背景}``.

After the ``extends`` chain is merged, every mapping whose keys are all
language codes bibcv knows is replaced by its text in the CV's ``language``,
before the CV is validated; so a CV that extends another and changes only
``language:`` is the other-language variant of it.  A mapping without the
CV's language falls back to English with a warning, or is an error when it
has no English either.  The person's names in every language are kept, so
that the own-name match knows all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bibcv.errors import BibcvError, Origin
from bibcv.locales import BASE_LANGUAGE, locale_code, unknown_language
from bibcv.names import parse_name
from bibcv.yamlsource import LocatedDict, LocatedList


@dataclass
class Resolved:
    """What resolving a CV's languages found besides the text itself."""

    language: str  # the BCP 47 tag the CV gives ("en" when it gives none)
    locale: str  # the built-in locale it uses ("zh-Hant" for "zh-TW")
    names: list[str] = field(default_factory=list)  # person.name in the other languages
    warnings: list[BibcvError] = field(default_factory=list)
    errors: list[BibcvError] = field(default_factory=list)


def resolve_languages(data: LocatedDict) -> Resolved:
    """Replace, in place, every language mapping by the text in the CV's language.

    An unknown language is an error, and the text is resolved in English, so that
    the rest of the CV is checked as well.
    """
    tag = data.get("language", BASE_LANGUAGE)
    if isinstance(tag, (int, float)) and not isinstance(tag, bool):
        tag = str(tag)
    code = locale_code(tag) if isinstance(tag, str) else None
    resolved = Resolved(tag, code) if code else Resolved(BASE_LANGUAGE, BASE_LANGUAGE)
    if isinstance(tag, str) and code is None:  # not text: the format says so
        resolved.errors.append(BibcvError(unknown_language(tag), data.origin_of("language")))
    person = data.get("person")
    names = person.get("name") if isinstance(person, LocatedDict) else None
    _walk(data, resolved)
    if _is_language_mapping(names):
        resolved.names = _other_names(names, person["name"], resolved)
    return resolved


def _other_names(names: LocatedDict, chosen: Any, resolved: Resolved) -> list[str]:
    """The person's name in each language, for the own-name match; one that cannot be
    split as BibTeX splits names is an error at its line (the CV's own language's is
    the format's to check)."""
    found = []
    for tag, name in names.items():
        if not isinstance(name, str) or name == chosen:
            continue
        try:
            parse_name(name)
        except ValueError as error:
            resolved.errors.append(BibcvError(f"'name' in {tag}: {error}",
                                              names.origin_of(tag)))
            continue
        found.append(name)
    return found


def _walk(node: Any, resolved: Resolved) -> None:
    if isinstance(node, LocatedDict):
        for key, value in node.items():
            if _is_language_mapping(value):
                node[key] = _choose(value, node.origin_of(key), repr(key), resolved)
            else:
                _walk(value, resolved)
    elif isinstance(node, LocatedList):
        for index, value in enumerate(node):
            if _is_language_mapping(value):
                node[index] = _choose(value, node.origin_of(index), f"item {index + 1}",
                                      resolved)
            else:
                _walk(value, resolved)


def _is_language_mapping(value: Any) -> bool:
    """A mapping of language codes to text (or to lists of text), and nothing else."""
    return (isinstance(value, LocatedDict) and bool(value)
            and all(locale_code(key) is not None for key in value)
            and not any(isinstance(text, dict) for text in value.values()))


def _choose(texts: LocatedDict, origin: Origin, what: str, resolved: Resolved) -> Any:
    """The CV's language, else the same locale under another tag, else English."""
    for key, text in texts.items():
        if key.casefold() == resolved.language.casefold():
            return text
    for key, text in texts.items():
        if locale_code(key) == resolved.locale:
            return text
    written = ", ".join(texts)
    if BASE_LANGUAGE in texts:
        resolved.warnings.append(BibcvError(
            f"{what} has no {resolved.language} text (it has {written}), so the English is "
            f"printed; add `{resolved.language}: …` to it", origin))
        return texts[BASE_LANGUAGE]
    resolved.errors.append(BibcvError(
        f"{what} has no {resolved.language} text and no English one to fall back on (it has "
        f"{written}); add `{resolved.language}: …` to it", origin))
    return next(iter(texts.values()))
