"""CV YAML files to the validated CV model.

The ``extends`` chain is read and merged by ``chain``; the merged data is
validated against the theme's CV format (``cvformat``, pydantic models), and
every problem is reported at once, at the line that holds it.  Base files are
named with a leading underscore and are never built.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bibcv.chain import path_from, read_chain
from bibcv.citecounts import Counts, read_counts
from bibcv.csl import BUILTIN_STYLE, CslError, CslStyle, find_style
from bibcv.cvfiles import file_problem, is_base_file
from bibcv.cvformat import FONT_NAME, ThemeFormat, cv_model
from bibcv.cvformat import Design as DesignFormat
from bibcv.cvproblems import closest, did_you_mean, validation_problems
from bibcv.errors import BibcvError, BibcvErrors, Origin, each_problem
from bibcv.fonts import FONT_INSTALL_HINT, installed_font_families, is_font_installed
from bibcv.locales import Locale, load_locale, locale_code
from bibcv.model import (
    CV,
    ContactItem,
    Design,
    Margins,
    Person,
    PhotoChoice,
    PublicationOptions,
    PublicationQuery,
    Section,
)
from bibcv.multilingual import Resolved, resolve_languages
from bibcv.names import parse_name
from bibcv.richtext import MarkupError, RichText, parse_markdown
from bibcv.theme import (
    DEFAULT_THEME,
    FieldType,
    Theme,
    builtin_themes,
    find_theme,
    load_theme,
)
from bibcv.venues import VenueTable, load_venue_table
from bibcv.yamlsource import LocatedDict, LocatedList

if TYPE_CHECKING:
    from bibcv.bibliography import Bibliography

# biblatex's entry types and their BibTeX aliases, its non-standard @review (which its standard
# style prints as an article), and the types of biblatex-gb7714 and biblatex-ieee that bibcv
# cites (standard, newspaper): a query's `types` names these.
ENTRY_TYPES = frozenset({
    "article", "book", "mvbook", "inbook", "bookinbook", "suppbook", "booklet", "collection",
    "mvcollection", "incollection", "suppcollection", "dataset", "manual", "misc", "online",
    "patent", "periodical", "suppperiodical", "proceedings", "mvproceedings", "inproceedings",
    "reference", "mvreference", "inreference", "report", "set", "software", "thesis",
    "unpublished", "xdata", "conference", "electronic", "mastersthesis", "phdthesis",
    "techreport", "www", "standard", "newspaper", "review",
})


def load_cv(path: Path, keep_errors: bool = False) -> tuple[CV, Theme]:
    """Read a CV and its ``extends`` chain, and validate it against its theme.

    Every check runs, whatever another found: the format's, the files it names,
    the citation styles, the font and the photo; a theme that cannot be found is
    reported, and the rest is checked against a built-in one.  A problem of the
    format stops here; with ``keep_errors`` the others are kept in ``cv.errors``
    and the CV is built without what they name, so that its bibliography and
    queries are checked too (`bibcv check`, `bibcv build`).
    """
    if is_base_file(path):
        raise BibcvError(
            "this is a base file (its name starts with '_'): it only holds shared facts. "
            "Build a CV that extends it instead.",
            Origin(path),
        )
    data, files, repeated = read_chain(path)
    languages = resolve_languages(data)
    theme, problems = _theme(data)
    problems += repeated
    theme_design, theme_problems = _theme_design(theme)
    named, file_problems = _named_files(data)
    problems += [*languages.errors, *file_problems, *_order_problems(data),
                 *_style_problems(data), *theme_problems,
                 *_design_problems(data, theme, theme_design)]
    model = cv_model(theme)
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        raise FormatErrors([*problems, *validation_problems(error, data, model, theme)],
                           named.bibliography, languages.warnings) from None
    problems += _counts_problems(validated, data)
    if problems and not keep_errors:
        raise BibcvErrors(problems)
    design = _design(validated.design, data, theme_design)
    cv = _cv(validated, data, theme, path, files, languages, design, named)
    cv.errors = problems
    return cv, theme


def _theme(data: LocatedDict) -> tuple[Theme, list[BibcvError]]:
    """The CV's theme; one not found is a problem, and the built-in theme its name is
    nearest to (else the default) stands in, so that the rest of the CV is checked too."""
    name = data.get("theme", DEFAULT_THEME)
    origin = data.origin_of("theme")
    if isinstance(name, (int, float)) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str):  # the format says so: 'theme' must be text
        return load_theme(find_theme(DEFAULT_THEME, origin.file.parent)), []
    try:
        return load_theme(find_theme(name, origin.file.parent)), []
    except LookupError as error:
        stand_in = closest(name, builtin_themes()) or DEFAULT_THEME
        problem = BibcvError(f"{error}{did_you_mean(name, builtin_themes())} (the rest of the "
                             f"CV was checked against the theme {stand_in!r})", origin)
    except BibcvError as error:  # the theme's own files are broken
        stand_in = DEFAULT_THEME
        problem = BibcvError(f"{error.message} (the CV was checked against the theme "
                             f"{stand_in!r})", error.origin)
    return load_theme(find_theme(stand_in, origin.file.parent)), [problem]


# --- checks the format cannot make: files that must exist, sections that must be there ---

@dataclass
class _NamedFiles:
    """The files besides its chain that a CV names and load reads: which cannot be read,
    the .bib files that can, and what the venue table and the citation counts hold."""

    missing: dict[Path, Origin]  # each with the line that says it cannot be read
    venues: VenueTable
    counts: Counts | None
    bibliography: list[Path] = field(default_factory=list)


class FormatErrors(BibcvErrors):
    """A CV whose format is refused: no later stage can run, but its .bib files can be
    read, so that `check` reports their problems with the format's."""

    def __init__(self, problems: list[BibcvError], bibliography_files: list[Path],
                 warnings: list[BibcvError]) -> None:
        super().__init__(problems, warnings)
        self.bibliography_files = bibliography_files


def _named_files(data: LocatedDict) -> tuple[_NamedFiles, list[BibcvError]]:
    """Each file must exist; the venue table and the counts are read here, so that their
    problems join the CV's own.  Paths are relative to the YAML file that wrote them,
    wherever it sits in the chain."""
    named = []
    files = data.get("bibliography")
    if isinstance(files, str):
        named.append(("bibliography file", "bibliography", files, data.origin_of("bibliography")))
    elif isinstance(files, LocatedList):
        for index, item in enumerate(files):
            name = item.get("file") if isinstance(item, dict) else item
            if isinstance(name, str):
                named.append(("bibliography file", "bibliography", name, files.origin_of(index)))
    if isinstance(data.get("venues"), str):
        named.append(("venue table", "venues", data["venues"], data.origin_of("venues")))
    if isinstance(data.get("citations"), str):
        named.append(("citation counts file", "citations", data["citations"],
                      data.origin_of("citations")))
    found, problems = _NamedFiles({}, load_venue_table(), None), []
    for what, key, name, origin in named:
        path = path_from(data, key, name)
        problem = file_problem(path)
        if problem:
            found.missing[path] = origin
            problems.append(BibcvError(f"{what} {name!r} {problem}", origin))
            continue
        try:
            if key == "bibliography":
                found.bibliography.append(path)
            elif key == "venues":
                found.venues = load_venue_table(path)
            elif key == "citations":
                found.counts = read_counts(path)
        except BibcvError as error:
            problems += each_problem(error)
    return found, problems


def _counts_problems(validated: Any, data: LocatedDict) -> list[BibcvError]:
    """A section that shows citation counts needs the file that holds them."""
    if validated.citations:
        return []
    sections = data.get("sections") or LocatedDict(data.origin)
    return [BibcvError("cited_by and citation_summary need citation counts: add "
                       "`citations: ../bib/citations.yaml` to the CV and write that file with "
                       "`bibcv cite-counts`", sections.origin_of(section_id))
            for section_id, section in (validated.sections or {}).items()
            if getattr(section, "cited_by", False) or getattr(section, "citation_summary", False)]


def _order_problems(data: LocatedDict) -> list[BibcvError]:
    order, sections = data.get("order"), data.get("sections") or {}
    if not isinstance(order, LocatedList) or not isinstance(sections, dict):
        return []
    return [BibcvError(f"'order' names the section {section_id!r}, which is not under "
                       f"'sections'{did_you_mean(section_id, sections)}", order.origin_of(index))
            for index, section_id in enumerate(order)
            if isinstance(section_id, str) and section_id not in sections]


def _style_problems(data: LocatedDict) -> list[BibcvError]:
    """The CSL styles the CV and its sections name must exist."""
    sections = data.get("sections")
    places = [data, *(sections.values() if isinstance(sections, LocatedDict) else ())]
    problems = []
    for place in places:
        if isinstance(place, LocatedDict) and isinstance(place.get("style"), str):
            try:
                _style(place, place["style"])
            except BibcvError as error:
                problems.append(error)
    return problems


def _design_problems(data: LocatedDict, theme: Theme, defaults: Any) -> list[BibcvError]:
    """The font must be installed and the photo must exist (a build writes nothing else);
    ``defaults`` is the theme's design, checked."""
    design = data.get("design")
    raw = design if isinstance(design, LocatedDict) else LocatedDict(data.origin)
    problems = []
    written = raw.get("font")
    if isinstance(written, str):
        font, origin = written.strip(), raw.origin_of("font")
    else:
        font, origin = defaults.font or Design().font, theme.design.origin_of("font")
    if FONT_NAME.fullmatch(font) and not is_font_installed(font):
        problems.append(BibcvError(f"the font {font!r} is not installed on this machine"
                                   f"{did_you_mean(font, installed_font_families())}; "
                                   f"{FONT_INSTALL_HINT}", origin))
    photo = _photo_file(raw)
    if photo is not None and not photo[1].is_file():
        name, path, origin = photo
        problems.append(BibcvError(f"photo {name!r} not found (looked for {path.absolute()}); "
                                   "give the path of a JPEG or PNG file, relative to this file",
                                   origin))
    return problems


def query_problems(cv: CV, bibliography: Bibliography) -> list[BibcvError]:
    """Keys and entry types a query names must exist: a misspelling would hide entries."""
    from bibcv.select import all_queries

    keys = {publication.key.casefold(): publication.key for publication in bibliography}
    types_known = ENTRY_TYPES | {publication.entry_type for publication in bibliography}
    not_found = no_file_has(unread_files(cv, bibliography))
    problems = []
    for query in all_queries(cv):
        for key, origin in zip(query.keys, query.key_origins, strict=True):
            if key.casefold() not in keys:
                problems.append(BibcvError(
                    f"the query names the key {key!r}, which {not_found}"
                    + did_you_mean(key, keys.values()), origin))
        for entry_type in query.types:
            if entry_type not in types_known:
                problems.append(BibcvError(
                    f"the query names the entry type {entry_type!r}, which BibTeX does not "
                    f"know{did_you_mean(entry_type, types_known)}", query.origin))
    return problems


def unread_files(cv: CV, bibliography: Bibliography) -> str | None:
    """The CV's .bib files that cannot be read, and where each one's error is ('bib/b.bib,
    which cannot be read (see bib/b.bib:3)'); None when every one was read. An entry
    not found may be in one of them: its key is no misspelling, nor its query wrong."""
    unread = {**cv.bibliography_missing,
              **{error.origin.file: error.origin for error in bibliography.unread
                 if error.origin is not None}}
    if not unread:
        return None
    return (f"{' or '.join(map(str, unread))}, which cannot be read "
            f"(see {' and '.join(map(str, unread.values()))})")


def no_file_has(unread: str | None) -> str:
    """What says that a key is not found: 'no bibliography file has', or that it may be
    in a file that cannot be read (unread_files)."""
    if unread is None:
        return "no bibliography file has"
    return f"no bibliography file that could be read has; it may be in {unread}"


# --- the validated data as the CV model the later stages read ---

def _cv(validated: Any, data: LocatedDict, theme: Theme, path: Path, files: list[Path],
        languages: Resolved, design: Design, named: _NamedFiles) -> CV:
    """The CV model, without the files in ``missing``, the sections 'order' names that do
    not exist, and the styles not found (each reported by load_cv)."""
    sections = data.get("sections") or LocatedDict(data.origin)
    validated_sections = validated.sections or {}
    order = [section_id for section_id in validated.order or validated_sections
             if section_id in validated_sections]
    listed = set(order)  # a set: a CV of 20,000 sections is no quadratic search
    bibliography = [(path_from(data, "bibliography", item.file), item.encoding)
                    for item in validated.bibliography or ()]
    locale = load_locale(languages.locale)
    return CV(
        source=path,
        theme=theme.name,
        language=languages.language,
        locale=locale,
        person=_person(validated.person, data["person"], languages.names),
        sections=[_section(section_id, validated_sections[section_id], sections, theme)
                  for section_id in order],
        bibliography_files=[file for file, _ in bibliography if file not in named.missing],
        bibliography_missing={file: named.missing[file] for file, _ in bibliography
                              if file in named.missing},
        bibliography_encodings={file: encoding for file, encoding in bibliography if encoding},
        terms=_terms(locale, theme, languages,
                     validated.terms.model_dump(exclude_none=True) if validated.terms else {}),
        files=files,
        venue_table=_readable(path_from(data, "venues", validated.venues), named.missing)
        if validated.venues else None,
        venues=named.venues,
        citations=_readable(path_from(data, "citations", validated.citations), named.missing)
        if validated.citations else None,
        counts=named.counts,
        formats=tuple(dict.fromkeys(validated.formats)) or ("pdf",),
        last_updated=validated.last_updated,
        design=design,
        style=_found_style(data, validated.style),
        csl_language=languages.language if "language" in data else None,
        warnings=[*locale.warnings, *languages.warnings,
                  *(BibcvError(f"section {section_id!r} is not listed in 'order', so the CV "
                               "leaves it out; add it to 'order' (or delete the section)",
                               sections.origin_of(section_id))
                    for section_id in validated_sections if section_id not in listed)],
    )


def _readable(path: Path, missing: dict[Path, Origin]) -> Path | None:
    return None if path in missing else path


def _terms(locale: Locale, theme: Theme, languages: Resolved,
           own: dict[str, str]) -> dict[str, str]:
    """Every word the CV prints: its language's, then its theme's, then its own."""
    themes = {}
    for name, word in theme.terms.items():
        if isinstance(word, dict):  # per language, as CV text may be
            word = _theme_word(word, languages)
        if word is not None:
            themes[name] = word
    return {**locale.terms, **themes, **own}


def _theme_word(words: dict[str, str], languages: Resolved) -> str | None:
    """A theme's word in the CV's language, else none (the locale's word stands)."""
    for tag, word in words.items():
        if locale_code(tag) == languages.locale:
            return word
    return None


def _design(chosen: Any, data: LocatedDict, defaults: Any) -> Design:
    """The theme's design defaults (checked) with the CV's choices on top."""
    raw = data.get("design") or LocatedDict(data.origin)
    merged = {**_set_values(defaults), **_set_values(chosen)}
    colors = {**_set_values(defaults.colors), **_set_values(chosen and chosen.colors)}
    margins = {**_set_values(defaults.margins), **_set_values(chosen and chosen.margins)}
    base = Design()
    return Design(
        **{key: merged[key] for key in ("page_size", "font", "font_size", "line_spacing",
                                        "section_title", "header", "date_position")
           if key in merged},
        **colors,
        margins=Margins(**{**vars(base.margins), **margins}),
        photo=_photo(chosen.photo if chosen else None, raw),
        last_page_footer=_parse(chosen.last_page_footer, raw.origin_of("last_page_footer"))
        if chosen and chosen.last_page_footer else None,
        theme_font=defaults.font or base.font,
        theme_font_size=defaults.font_size or base.font_size,
    )


def _theme_design(theme: Theme) -> tuple[Any, list[BibcvError]]:
    """The theme's own `design:`, validated as a CV's is, with the same messages at the
    theme.yaml lines that hold the problems; an invalid one is reported and bibcv's
    defaults stand in, so that the rest of the CV is checked too."""
    data = LocatedDict(theme.design.origin)
    data["design"], data.key_origins["design"] = theme.design, theme.design.origin
    try:
        return ThemeFormat.model_validate(data).design, []
    except ValidationError as error:
        return DesignFormat(), validation_problems(error, data, ThemeFormat, theme)


def _set_values(model: Any) -> dict[str, Any]:
    """The keys a model's data gave (None: none), nested models as they are."""
    if model is None:
        return {}
    return {key: getattr(model, key) for key in model.model_fields_set
            if getattr(model, key) is not None}


def _photo(photo: Any, raw: LocatedDict) -> PhotoChoice | None:
    """The photo chosen; None without one, or when its file is missing (a problem)."""
    found = _photo_file(raw) if photo is not None else None
    if found is None or not found[1].is_file():
        return None
    _name, path, origin = found
    return PhotoChoice(path=path, shape=photo.shape, origin=origin)


def _photo_file(raw: LocatedDict) -> tuple[str, Path, Origin] | None:
    """The photo's name as written, its path (relative to the file that names it), its line;
    None without a photo, or with one the format refuses."""
    spec, key = raw.get("photo"), "photo"
    if isinstance(spec, LocatedDict):
        raw, spec, key = spec, spec.get("path"), "path"
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        spec = str(spec)  # `path: 2024` names the file 2024, as the format reads it
    if not isinstance(spec, str):
        return None
    return spec, path_from(raw, key, spec), raw.origin_of(key)


def _person(person: Any, raw: LocatedDict, other_names: list[str]) -> Person:
    """The name as the CV heads it, and every name to find in author lists: the name in
    each language it is given in, and the aliases."""
    names = [parse_name(name) for name in [person.name, *other_names, *person.aliases]]
    contact = raw.get("contact") or {}
    items = [ContactItem(kind=kind, value=getattr(person.contact, kind),
                         origin=contact.origin_of(kind))
             for kind in contact if getattr(person.contact, kind) is not None]
    return Person(display_name=person.name, names=names, contact=items)


def _section(section_id: str, section: Any, sections: LocatedDict, theme: Theme) -> Section:
    raw = sections[section_id]
    layout = theme.layouts[section.layout]
    result = Section(id=section_id, title=_parse(section.title, raw.origin_of("title")),
                     layout=section.layout, origin=sections.origin_of(section_id))
    if layout.kind == "text":
        result.text = _parse(section.text, raw.origin_of("text"), paragraphs=True)
    elif layout.kind == "items":
        result.items = _items(section.items, raw["items"], layout.fields)
    else:
        result.query = _query(section.query, raw, "query")
        result.numbered = section.numbered
        options = section.model_dump(exclude={"title", "layout", "query", "numbered"})
        result.options = PublicationOptions(**{
            **options, "omit": tuple(options["omit"]),
            "style": _found_style(raw, section.style),
            "builtin_style": section.style == BUILTIN_STYLE})
    return result


def _style(data: LocatedDict, name: str | None) -> CslStyle | None:
    """A CSL style by id or path (relative to the file that names it); None for bibcv's."""
    if name is None or name == BUILTIN_STYLE:
        return None
    origin = data.origin_of("style")
    try:
        return replace(find_style(name, origin.file.parent), origin=origin)
    except CslError as error:
        raise BibcvError(str(error), origin) from None


def _found_style(data: LocatedDict, name: str | None) -> CslStyle | None:
    """The style, or None (bibcv's) when it cannot be found: _style_problems said so."""
    try:
        return _style(data, name)
    except BibcvError:
        return None


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
        selected=query.selected,
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
