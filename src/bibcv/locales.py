"""Languages: every word bibcv itself prints, from one data file per language.

``src/bibcv/locales/<code>.yaml`` holds a language's words (``terms``): the
citation style's ("In", "pp. {}", "PhD thesis"), month names and the date
pattern, list separators, the publication states, "Last updated", the labels
of the web page's buttons and the contact kinds; and the titles ``bibcv import``
gives the sections it knows (``sections``) and its other words, such as a date
range's open end (``import_words``).  English (``en.yaml``) is the base: a word
another file lacks is taken from it, with a warning naming the words.
Adding a language is adding a file; no code changes.

Only the files a CV needs are read (English and its own language), once per
process, so a CV in English pays for one small YAML file.

A pattern term holds ``{}`` (or named fields) where its value goes:
``pages: "pp. {}"``, ``date: "{month} {year}"``, ``date: "{year}年{month}"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bibcv.errors import BibcvError, Origin

LOCALES = Path(__file__).parent / "locales"
BASE_LANGUAGE = "en"
# Region tags that name a script a truncated tag would lose (zh-TW is not zh, Simplified).
_SCRIPT_OF_REGION = {"zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant",
                     "zh-cn": "zh", "zh-sg": "zh", "zh-hans": "zh"}
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Locale:
    """One language's words, with English filling what its file lacks."""

    code: str  # the file's code: "zh-Hant"
    name: str  # the language's own name: "繁體中文"
    terms: Mapping[str, str]
    # Titles of the sections a CV commonly has, by RenderCV's keys (education: Formation),
    # for `bibcv import`: words a CV's author writes, so not among the terms bibcv prints.
    sections: Mapping[str, str] = field(default_factory=dict)
    # Other words `bibcv import` writes into a CV: the open end of a date range (present).
    import_words: Mapping[str, str] = field(default_factory=dict)
    cjk: bool = False  # set as Chinese, Japanese or Korean text (xeCJK in the PDF)
    fontconfig_lang: str = ""  # fontconfig's language for its CJK font ("zh-cn", "ja")
    cjk_fonts: tuple[str, ...] = ()  # preferred CJK font families, best first
    web_serif: tuple[str, ...] = ()  # the web page's font stacks for CJK text
    web_sans: tuple[str, ...] = ()
    warnings: tuple[BibcvError, ...] = field(default=(), compare=False)


@cache
def available() -> tuple[str, ...]:
    """The codes of the built-in languages (a directory listing; no file is read)."""
    return tuple(sorted(path.stem for path in LOCALES.glob("*.yaml")))


def locale_code(tag: str) -> str | None:
    """The built-in locale a BCP 47 tag uses: exact, then its script, then shorter tags.

    "de-AT" uses de, "zh-TW" and "zh-Hant-HK" use zh-Hant, "zh-CN" uses zh.
    """
    if not _TAG.match(tag):
        return None
    known = {code.casefold(): code for code in available()}
    candidate = tag.casefold()
    while candidate:
        if candidate in known:
            return known[candidate]
        script = _SCRIPT_OF_REGION.get(candidate)
        if script:
            return script
        candidate = candidate.rpartition("-")[0]
    return None


def unknown_language(tag: str) -> str:
    """What to say about a language with no built-in locale."""
    return (f"bibcv has no words for the language {tag!r}; built in: "
            f"{', '.join(available())} (a BCP 47 code such as zh, de or pt-BR); to add a "
            f"language, copy {LOCALES / 'en.yaml'} to {LOCALES}/<code>.yaml and translate it")


@cache
def load_locale(code: str) -> Locale:
    """A built-in locale by its file's code, English filling in what it lacks."""
    path = LOCALES / f"{code}.yaml"
    data = _read(path)
    web_fonts = data.get("web_fonts") or {}
    warnings: list[BibcvError] = []
    terms = _words(data, "terms", code, path, warnings)
    sections = _words(data, "sections", code, path, warnings)
    import_words = _words(data, "import_words", code, path, warnings)
    return Locale(code=code, name=str(data.get("name", code)), terms=terms, sections=sections,
                  import_words=import_words,
                  cjk=bool(data.get("cjk", False)),
                  fontconfig_lang=str(data.get("fontconfig_lang", "")),
                  cjk_fonts=tuple(str(name) for name in data.get("cjk_fonts") or ()),
                  web_serif=tuple(str(name) for name in web_fonts.get("serif") or ()),
                  web_sans=tuple(str(name) for name in web_fonts.get("sans") or ()),
                  warnings=tuple(warnings))


# How a warning names a locale's words of each part: terms are printed, section titles
# written into an imported CV.
_PARTS = {"terms": ("", "words", "printed"),
          "sections": ("the section titles ", "section titles", "used"),
          "import_words": ("the import words ", "import words", "used")}


def _words(data: dict, part: str, code: str, path: Path,
           warnings: list[BibcvError]) -> dict[str, str]:
    """A locale's words of one part (`terms`, `sections`, `import_words`), English's filling
    in what it lacks."""
    words = {str(key): str(value) for key, value in (data.get(part) or {}).items()}
    if code == BASE_LANGUAGE:
        return words
    base = getattr(load_locale(BASE_LANGUAGE), part)
    lacks, has, use = _PARTS[part]
    missing = [key for key in base if key not in words]
    if missing:
        warnings.append(BibcvError(
            f"the {code} locale lacks {lacks}{', '.join(missing)}; English is used for "
            f"{'it' if len(missing) == 1 else 'them'} until they are translated", Origin(path)))
    extra = [key for key in words if key not in base]
    if extra:
        warnings.append(BibcvError(
            f"the {code} locale has {has} English does not: {', '.join(extra)}; they are "
            f"never {use} (check their spelling against en.yaml)", Origin(path)))
    return {key: words.get(key, word) for key, word in base.items()}


def _read(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.load(stream, Loader=_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise BibcvError(f"cannot read this locale: {error}", Origin(path)) from None
    if not isinstance(data, dict):
        raise BibcvError("a locale file is a mapping with 'name' and 'terms'", Origin(path))
    return data


# Names of languages as BCP 47 tags: biblatex's langids (babel's and polyglossia's names),
# the names BibTeX exports write in `language` (English, Chinese), ISO 639-2 codes and
# RenderCV's locale names. CSL's `language` takes the tags: citeproc-js reads "english"
# as no language it knows, so GB/T 7714 printed "等" after an English entry's third
# author.  A tag (en, en-GB, zh-CN) is taken as written.
LANGUAGE_CODES = {
    "english": "en", "american": "en-US", "usenglish": "en-US", "british": "en-GB",
    "ukenglish": "en-GB", "australian": "en-AU", "canadian": "en-CA", "newzealand": "en-NZ",
    "eng": "en", "英文": "en", "英语": "en",
    "german": "de", "ngerman": "de", "deutsch": "de", "austrian": "de-AT",
    "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH", "ger": "de",
    "deu": "de",
    "french": "fr", "francais": "fr", "français": "fr", "acadian": "fr-CA",
    "canadien": "fr-CA", "fre": "fr", "fra": "fr",
    "chinese": "zh", "schinese": "zh-CN", "simplifiedchinese": "zh-CN",
    "tchinese": "zh-TW", "traditionalchinese": "zh-TW", "chi": "zh", "zho": "zh",
    "中文": "zh", "汉语": "zh", "japanese": "ja", "jpn": "ja", "日本語": "ja",
    "korean": "ko", "kor": "ko", "spanish": "es", "español": "es", "spa": "es",
    "catalan": "ca", "italian": "it", "ita": "it", "portuguese": "pt-PT",
    "portuges": "pt-PT", "brazil": "pt-BR", "brazilian": "pt-BR", "por": "pt",
    "dutch": "nl", "danish": "da", "norsk": "nb", "norwegian": "nb", "nynorsk": "nn",
    "swedish": "sv", "finnish": "fi", "icelandic": "is", "polish": "pl", "czech": "cs",
    "slovak": "sk", "slovene": "sl", "slovenian": "sl", "croatian": "hr", "serbian": "sr",
    "bulgarian": "bg", "russian": "ru", "rus": "ru", "ukrainian": "uk", "greek": "el",
    "polutonikogreek": "el", "hungarian": "hu", "magyar": "hu", "romanian": "ro",
    "turkish": "tr", "estonian": "et", "latvian": "lv", "lithuanian": "lt",
    "hebrew": "he", "arabic": "ar", "persian": "fa", "farsi": "fa", "latin": "la",
    "basque": "eu", "galician": "gl", "afrikaans": "af", "vietnamese": "vi", "thai": "th",
    "indonesian": "id", "malay": "ms", "hindi": "hi", "welsh": "cy", "irish": "ga",
    "mandarin_chinese": "zh", "norwegian_bokmål": "nb", "norwegian_nynorsk": "nn",
}


def language_tag(name: str) -> str:
    """A language's name (english, ngerman, English, eng) as its BCP 47 tag; a tag, or a
    name not in LANGUAGE_CODES, as written."""
    return LANGUAGE_CODES.get(name.casefold().replace(" ", ""), name)
