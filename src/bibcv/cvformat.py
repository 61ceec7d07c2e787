"""The CV format as pydantic models, built from a theme's layouts.

One description of what a CV file may hold serves three purposes: validating a
CV (every problem at once, each with the path of the value at fault), the JSON
Schema that `bibcv schema` prints for editors, and the descriptions a reader
sees there.  Sections are a union over the theme's layouts, told apart by
their ``layout`` key; the fields of a layout's items come from theme.yaml.

To add a key, add one annotated field, with its description, to the model it
belongs to below.  ``load`` hands a section's own keys (``numbered`` and any new
one) to ``model.Section`` by name, so the later stages read them there; the
committed schema/*.json files are then refreshed with `bibcv schema`.
"""

from __future__ import annotations

import datetime
import importlib
import re
import sys
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bibcv import OUTPUT_FORMATS
from bibcv.locales import BASE_LANGUAGE, available, load_locale
from bibcv.names import parse_name
from bibcv.richtext import MarkupError, check_url, parse_markdown
from bibcv.theme import FieldType, Layout, Theme, builtin_themes

SORT_KEYS = ("date", "year", "title", "key", "file")
_PLUGIN_LOADER = "pydantic.plugin._loader"


def _no_plugin_lookup() -> None:
    """Spare every command pydantic's search for plugins, which bibcv uses none of.

    The first time pydantic builds a validator it asks its ``_loader`` module for the
    plugins installed (logfire's, for one), and that module imports importlib.metadata
    to read every installed package's entry points: about 0.015 s of a build's CPU, on
    the way to TeX's body. PYDANTIC_DISABLE_PLUGINS is read only after that import. So
    the module is stood in for by one whose ``get_plugins`` finds none; anything else
    asked of it (a later pydantic that asks for more) loads the real module and
    answers from it, so the stand-in can cost speed, never correctness.
    """
    if _PLUGIN_LOADER in sys.modules:
        return
    stand_in = types.ModuleType(_PLUGIN_LOADER, "pydantic's plugin loader, finding none")

    def real_module(name: str) -> Any:
        if name.startswith("__"):  # how imports and tools look a module over
            raise AttributeError(name)
        if sys.modules.get(_PLUGIN_LOADER) is stand_in:
            del sys.modules[_PLUGIN_LOADER]
        return getattr(importlib.import_module(_PLUGIN_LOADER), name)

    stand_in.get_plugins = lambda: ()  # type: ignore[attr-defined]
    stand_in.__getattr__ = real_module  # type: ignore[method-assign]
    sys.modules[_PLUGIN_LOADER] = stand_in


_no_plugin_lookup()


def _text(value: Any) -> Any:
    """YAML here reads scalars as text; explicit tags (!!int, !!timestamp) still print."""
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return str(value)
    return value


def _markup(value: Any) -> Any:
    """Refuse text the Markdown subset cannot set (a forbidden link, a control character)."""
    if isinstance(value, str):
        try:
            parse_markdown(value)
        except MarkupError as error:
            raise PydanticCustomError("markup", str(error)) from None
    return value


def _one_or_many(value: Any) -> Any:
    """A lone value written where a list is expected is a list of one."""
    return [value] if isinstance(value, (str, int, float)) and not isinstance(value, bool) \
        else value


def _name(value: Any) -> Any:
    """A person's name must split into parts, as BibTeX splits names."""
    if isinstance(value, str) and value != "self":
        try:
            parse_name(value)
        except ValueError as error:
            raise PydanticCustomError("name", str(error)) from None
    return value


def _whole_number(value: Any) -> Any:
    """YAML here reads `maxnames: 10` as the text "10"; true is not a number."""
    if isinstance(value, bool):
        raise PydanticCustomError("count", "must be a whole number, 1 or more, not true/false")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def _encoding(value: Any) -> Any:
    """A .bib file's encoding must be one Python can decode text with."""
    from bibcv.bibencoding import text_encoding

    if isinstance(value, str) and text_encoding(value) is None:
        raise PydanticCustomError("encoding", f"{value!r} is not an encoding bibcv knows; "
                                  "e.g. latin-1, windows-1252, utf-8")
    return value


# Plain text, and text in the inline Markdown subset (*emphasis*, **bold**, ^sup^, [a](url)).
# bibcv reads `date: 2024` as the text "2024"; an editor's YAML reads a number, so the
# schema allows one.
# Any text may instead be a mapping of language codes to text, {en: …, zh: …}: load picks
# the CV's language before validating, so only the schema for editors shows it.
_PLAIN = {"type": ["string", "number"]}
_LANGUAGE_CODE = {"pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"}
_LIST = {"type": "array", "items": _PLAIN}
_TEXT = {"anyOf": [_PLAIN, {"type": "object", "propertyNames": _LANGUAGE_CODE,
                            "additionalProperties": _PLAIN,
                            "description": "The text in each language: {en: …, zh: …}."}]}
_ONE_OR_MANY = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT},
                          {"type": "object", "propertyNames": _LANGUAGE_CODE,
                           "additionalProperties": {"anyOf": [_PLAIN, _LIST]},
                           "description": "The list in each language: {en: […], zh: […]}."}]}
PlainText = Annotated[str, BeforeValidator(_text), WithJsonSchema(_TEXT)]
MarkdownText = Annotated[str, BeforeValidator(_markup), BeforeValidator(_text),
                         WithJsonSchema(_TEXT)]
PlainTextList = Annotated[list[PlainText], BeforeValidator(_one_or_many),
                          WithJsonSchema(_ONE_OR_MANY)]
MarkdownTextList = Annotated[list[MarkdownText], BeforeValidator(_one_or_many),
                         WithJsonSchema(_ONE_OR_MANY)]
NameText = Annotated[str, AfterValidator(_name), BeforeValidator(_text), WithJsonSchema(_TEXT)]
NameList = Annotated[list[NameText], BeforeValidator(_one_or_many), WithJsonSchema(_ONE_OR_MANY)]
OutputFormat = Literal[OUTPUT_FORMATS]  # type: ignore[valid-type]
_FORMAT = {"enum": list(OUTPUT_FORMATS)}
FormatList = Annotated[list[OutputFormat], BeforeValidator(_one_or_many),
                       WithJsonSchema({"anyOf": [_FORMAT, {"type": "array", "items": _FORMAT}]})]
Count = Annotated[int, BeforeValidator(_whole_number), Field(ge=1)]
SortKey = Literal[tuple(f"{sign}{key}" for key in SORT_KEYS for sign in ("", "-"))]  # type: ignore[valid-type]


STYLE_DESCRIPTION = ("The citation style: bibcv (the built-in one), a CSL style's id (apa, "
                     "ieee, chicago-author-date, nature, vancouver, "
                     "china-national-standard-gb-t-7714-2015-numeric, …) or the path of a "
                     ".csl file, relative to this file.")


class Strict(BaseModel):
    """Unknown keys are mistakes (most often a misspelling), never silently ignored.

    Each model's validator is built when first used (defer_build): a build validates
    with the whole CV's model only, which holds the others, so building each of them
    as well when bibcv is imported would be wasted start-up time.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class Query(Strict):
    """Which bibliography entries to show; the criteria combine (all must hold)."""

    keys: PlainTextList = Field([], description="Exactly these entries (BibTeX keys), in this "
                                "order unless `sort` is given.")
    keywords: PlainTextList = Field([], description="Entries with any of these keywords.")
    types: PlainTextList = Field([], description="Entries of these BibTeX types, e.g. "
                                 "article, inproceedings.")
    author: NameText = Field(None, description="`self` for entries you are an author "
                                     "of, or another person's name.")
    exclude: PlainTextList = Field([], description="BibTeX keys to leave out.")
    selected: StrictBool = Field(None, description="true: only entries with selected = {true}; "
                                 "false: only those without.")
    sort: list[SortKey] = Field([], description="Sort keys (date, year, title, key, file); a "
                                "'-' in front sorts in descending order. Default: the order of "
                                "`keys`, else newest first by full date.")

    @model_validator(mode="after")
    def _selects_something(self) -> Query:
        if not (self.keys or self.keywords or self.types or self.author or self.exclude
                or self.selected is not None):
            raise PydanticCustomError(
                "empty_query", "the publication query selects nothing; give keys, keywords, "
                "types or author (author: self selects every entry you are an author of)")
        return self


class _Section(Strict):
    title: MarkdownText = Field(description="The section's heading (in scholar, \"\" for none).")


class _TextSection(_Section):
    text: MarkdownText = Field(description="The text; blank lines separate paragraphs.")


class _PublicationSection(_Section):
    """Its keys besides title, layout, query and numbered are model.PublicationOptions'."""

    query: Query = Field(description="Which entries of the bibliography the section shows.")
    numbered: StrictBool = Field(True, description="Number the entries [1], [2], …")
    number_order: Literal["ascending", "descending"] = Field(
        "ascending", description="descending: [12] … [1], the newest with the highest number.")
    number_prefix: PlainText = Field("", description="Before each number: J gives [J1] [J2].")
    continue_numbers: StrictBool = Field(False, description="Go on from the previous numbered "
                                         "section's numbers ([4] [5] …).")
    maxnames: Count = Field(None, description="Shorten longer author lists to `minnames` "
                            "names, plus you: \"A, B, C, …, You, et al.\"")
    minnames: Count = Field(1, description="How many names a shortened author list starts "
                            "with.")
    last_author: StrictBool = Field(False, description="A shortened list keeps its last author "
                                    "too: \"A, B, …, You, …, Z\".")
    group_by: Literal["year", "type"] = Field(None, description="Sub-headings by year, or by "
                                               "type (Journal Articles, Conference Papers, …).")
    omit: PlainTextList = Field([], description="Fields this section leaves out, e.g. "
                                "[award, note].")
    cited_by: StrictBool = Field(False, description="\"Cited by N\" after each entry, from "
                                 "the CV's `citations` file.")
    citation_summary: StrictBool = Field(False, description="A line under the heading with "
                                         "the section's total citations, h-index and their "
                                         "date, from the CV's `citations` file.")
    style: PlainText = Field(None, description="This section's citation style, instead of "
                             "the CV's `style`.")


class Person(Strict):
    name: NameText = Field(description="Your name as it heads the CV; it is set in bold "
                            "wherever it appears in an author list.")
    aliases: NameList = Field([], description="Other spellings of your name in author "
                                   "lists, e.g. \"Lovelace, A.\".")


# --- design: page, font, colours, layout choices; a theme's defaults, a CV's changes ---

PAGE_SIZES = ("a4", "a5", "b5", "letter", "legal", "us-executive")
_LENGTH = re.compile(r"(\d+(?:\.\d+)?|\.\d+) ?(mm|cm|in|pt)")
_COLOR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
# A font family as fontconfig names it; no quotes or braces, so it is safe in CSS and LaTeX.
FONT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._+-]*")


def _length(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError("length", "a length needs its unit: 2cm, 15mm, 0.75in or 36pt")
    if isinstance(value, str):
        if not _LENGTH.fullmatch(value.strip()):
            raise PydanticCustomError("length", "'{value}' is not a length; write a number and "
                                      "a unit: 2cm, 15mm, 0.75in or 36pt", {"value": value})
        return value.strip().replace(" ", "")
    return value


def _color(value: Any) -> Any:
    if isinstance(value, str):
        found = _COLOR.fullmatch(value.strip())
        if not found:
            raise PydanticCustomError("color", "'{value}' is not a colour; write it as "
                                      "#RRGGBB, e.g. #163E6E", {"value": value})
        digits = found.group(1)
        return "#" + (digits if len(digits) == 6 else "".join(d * 2 for d in digits)).upper()
    return value


def _font(value: Any) -> Any:
    if isinstance(value, str) and not FONT_NAME.fullmatch(value.strip()):
        raise PydanticCustomError("font", "'{value}' is not a font family name (letters, "
                                  "digits, spaces, . _ + -), e.g. Gentium Book Plus",
                                  {"value": value})
    return value.strip() if isinstance(value, str) else value


def _photo(value: Any) -> Any:
    """`photo: me.jpg` is `photo: {path: me.jpg}`."""
    return {"path": value} if isinstance(value, str) else value


_LENGTH_SCHEMA = {"type": "string", "pattern": f"^{_LENGTH.pattern}$",
                  "examples": ["2cm", "15mm", "0.75in", "36pt"]}
Length = Annotated[str, BeforeValidator(_length), WithJsonSchema(_LENGTH_SCHEMA)]
Color = Annotated[str, BeforeValidator(_color),
                  WithJsonSchema({"type": "string", "pattern": f"^{_COLOR.pattern}$",
                                  "examples": ["#163E6E"]})]
FontName = Annotated[str, BeforeValidator(_font), WithJsonSchema({"type": "string"})]


class Margins(Strict):
    """Each side's margin; a side not given keeps the theme's."""

    top: Length = Field(None, description="Top margin, e.g. 1.5cm.")
    bottom: Length = Field(None, description="Bottom margin.")
    left: Length = Field(None, description="Left margin.")
    right: Length = Field(None, description="Right margin.")


def _margins(value: Any) -> Any:
    """One length is every side's margin."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        length = _length(value)
        return {"top": length, "bottom": length, "left": length, "right": length}
    return value


class Colors(Strict):
    primary: Color = Field(None, description="The theme's accent: the name, section titles "
                           "and rules, e.g. #163E6E.")
    links: Color = Field(None, description="Links. Default: in the PDF, as the text around "
                         "them; on the web page, the theme's link colour.")
    text: Color = Field(None, description="The body text.")


class Photo(Strict):
    path: PlainText = Field(description="A JPEG or PNG file, relative to this file; turned "
                            "upright as its EXIF orientation says and cropped to a square.")
    shape: Literal["round", "square"] = Field("round", description="round or square.")


class _OneOrObject:
    """The JSON Schema of a key that takes a short form (one value) or the model's keys,
    inline; made when a schema is asked for (`bibcv schema`), not when bibcv is imported,
    where building the model's schema would be most of the import's time."""

    def __init__(self, short: dict[str, Any], model: type[BaseModel]) -> None:
        self.short, self.model = short, model

    def __get_pydantic_json_schema__(self, _core_schema: Any, _handler: Any) -> dict[str, Any]:
        return {"anyOf": [self.short, self.model.model_json_schema()]}


class Design(Strict):
    """How the CV looks; every key defaults to the theme's choice."""

    page_size: Literal[PAGE_SIZES] = Field(  # type: ignore[valid-type]
        None, description="The paper: " + ", ".join(PAGE_SIZES) + " (also the web page's "
        "print size).")
    margins: Annotated[Margins, BeforeValidator(_margins),
                       _OneOrObject(_LENGTH_SCHEMA, Margins)] = Field(
        None, description="The page margins: one length for every side (2cm), or "
        "{top, bottom, left, right}.")
    font: FontName = Field(None, description="The main font: any font family installed on "
                           "this machine (`fc-list : family` lists them), e.g. Latin Modern "
                           "Roman. The web page uses it when installed on the reader's machine.")
    font_size: Literal["10pt", "11pt", "12pt"] = Field(None, description="The body text size.")
    line_spacing: Annotated[float, Field(ge=0.8, le=2.0)] = Field(
        None, description="A factor of the font's normal line spacing, from 0.8 to 2 "
        "(1.15: a little looser).")
    colors: Colors = Field(None, description="Colours as #RRGGBB: primary, links, text.")
    section_title: Literal["rule", "plain", "filled"] = Field(
        None, description="Section titles: rule (a line under the title), plain (no "
        "line), filled (the title on a band of the primary colour).")
    header: Literal["left", "center", "right"] = Field(
        None, description="How the name and the contact line are aligned.")
    date_position: Literal["left", "right"] = Field(
        None, description="Where entries and dated items put their dates: right (a column at "
        "the right) or left (a column at the left, as moderncv does).")
    photo: Annotated[Photo, BeforeValidator(_photo),
                     _OneOrObject({"type": "string"}, Photo)] = Field(
        None, description="Your photo: a path, or {path, shape}; the theme places it.")
    last_page_footer: MarkdownText = Field(None, description="Text at the foot of the last "
                                           "page (and the end of the web page).")


class ThemeFormat(Strict):
    """What load checks of a theme.yaml: its `design:`, the keys a CV's design takes."""

    design: Design


_FILE = "A BibTeX file, relative to this file."
_FILE_ENCODING = ("Its encoding, when it is not UTF-8 and does not say so on a first line "
                  "('% Encoding: ...'): e.g. latin-1, windows-1252.")


class BibliographyFile(Strict):
    file: PlainText = Field(description=_FILE)
    encoding: Annotated[PlainText, AfterValidator(_encoding)] = Field(
        None, description=_FILE_ENCODING)


def _file_item(value: Any) -> Any:
    """A bibliography file is its path, or {file: path, encoding: name}."""
    return {"file": _text(value)} if isinstance(value, (str, int, float)) else value


_FILE_ITEM = {"anyOf": [_TEXT, {
    "type": "object", "additionalProperties": False, "required": ["file"],
    "properties": {"file": {**_TEXT, "description": _FILE},
                   "encoding": {"type": "string", "description": _FILE_ENCODING}}}]}
BibliographyFiles = Annotated[
    list[Annotated[BibliographyFile, BeforeValidator(_file_item)]],
    BeforeValidator(_one_or_many), WithJsonSchema({"anyOf": [_FILE_ITEM, {
        "type": "array", "items": _FILE_ITEM}]})]


class _CV(Strict):
    extends: PlainText = Field(None, description="A base CV (a path relative to this "
                                      "file) whose keys this file adds to or overrides.")
    theme: PlainText = Field(None, description="A built-in theme (" + ", ".join(builtin_themes())
                             + "; `bibcv themes` describes them) or "
                                    "the folder of one, relative to this file.")
    bibliography: BibliographyFiles = Field([], description=(
        "BibTeX files, relative to this file; a file given as {file: old.bib, encoding: "
        "latin-1} is read in that encoding."))
    venues: PlainText = Field(None, description="A YAML file of extra venue "
                                     "abbreviations (\"Full Name: ABBR\"), relative to this file.")
    order: PlainTextList = Field([], description="Section ids in the order to print them; "
                                 "default: as written.")
    formats: FormatList = Field(["pdf"], description="What `bibcv build` writes "
                                        "when not told: " + ", ".join(OUTPUT_FORMATS) + ".")
    citations: PlainText = Field(None, description="Citation counts (bib/citations.yaml, "
                                 "written by `bibcv cite-counts`), relative to this file, "
                                 "for sections with cited_by or citation_summary.")
    last_updated: PlainText = Field(None, description="Printed at the end of the CV as "
                                           "\"Last updated: …\", e.g. November 2026.")
    language: PlainText = Field(BASE_LANGUAGE, description="The CV's language, a BCP 47 code "
                                "(built in: " + ", ".join(available()) + "): every word bibcv "
                                "prints, and which text of a {en: …, zh: …} value is shown.")
    design: Design = Field(None, description="Page size, margins, font, colours, photo and "
                           "layout choices; each defaults to the theme's.")
    style: PlainText = Field(None, description=STYLE_DESCRIPTION)


FIELD_DESCRIPTIONS = {
    "text": "Inline Markdown text.",
    "list": "A list of inline Markdown texts.",
    "query": "A publication query: which bibliography entries to show here.",
}
CONTACT = "Contact details, printed in the order written."
TERMS = "Words the theme prints, to change for this CV."
ITEM_ID = "An id, so that a CV extending this one can change this item."


def cv_model(theme: Theme) -> type[BaseModel]:
    """The model of a whole CV file for one theme, made once per theme as it is now."""
    cached = _MODELS.get(theme.folder)
    if cached is None or cached[0] != theme:
        cached = _MODELS[theme.folder] = (theme, _build_cv_model(theme))
    return cached[1]


_MODELS: dict[Path, tuple[Theme, type[BaseModel]]] = {}


def _build_cv_model(theme: Theme) -> type[BaseModel]:
    contact = create_model(  # type: ignore[call-overload]
        "Contact", __base__=Strict,
        __doc__=CONTACT,
        **{kind: (_contact_text(kind, spec.link),
                  Field(None, description=_contact_description(kind, spec)))
           for kind, spec in theme.contact.items()})
    person = create_model("Person", __base__=Person,
                          contact=(contact | None, Field(None, description=CONTACT)))
    english = load_locale(BASE_LANGUAGE).terms
    terms = create_model(  # type: ignore[call-overload]
        "Terms", __base__=Strict, __doc__=TERMS,
        **{term: (PlainText, Field(None, description=f"In English: {word!r}."))
           for term, word in {**english, **_english_words(theme.terms)}.items()})
    layouts = [_section_model(name, layout) for name, layout in theme.layouts.items()]
    section = Annotated[Union[tuple(layouts)],  # noqa: UP007 -- a tuple of models
                        Field(discriminator="layout")]
    return create_model(
        "CV", __base__=_CV, __doc__=f"A bibcv CV for the theme {theme.name!r}.",
        person=(person, Field(description="Who the CV is about.")),
        sections=(dict[str, section] | None,
                  Field(None, description="The CV's sections by id; each has a title and a "
                        "layout.")),
        terms=(terms | None, Field(None, description=TERMS)),
    )


def _english_words(terms: dict[str, Any]) -> dict[str, str]:
    return {name: word.get(BASE_LANGUAGE, "") if isinstance(word, dict) else word
            for name, word in terms.items()}


def _contact_text(kind: str, link: str | None) -> Any:
    """Text, and when the theme links this kind of contact, text that makes a web link.

    Checked here, with everything else a CV may get wrong, so that one run
    reports a bad address together with the other mistakes.
    """
    if link is None:
        return PlainText

    def links(value: str) -> str:
        try:
            check_url(link.replace("{value}", value))
        except MarkupError as error:
            pattern = link.replace("{value}", "…")
            advice = "the whole address" if pattern == "…" else "only the …"
            raise PydanticCustomError("contact", f"contact {kind!r}: {error}; the theme links "
                                      f"it as {pattern}, so write {advice}") from None
        return value

    return Annotated[PlainText, AfterValidator(links)]


def _contact_description(kind: str, spec: Any) -> str:
    label = spec.label or kind.capitalize()
    return f"{label}; linked to {spec.link}." if spec.link else f"{label}."


def _section_model(name: str, layout: Layout) -> type[BaseModel]:
    base = {"text": _TextSection, "publications": _PublicationSection}.get(layout.kind, _Section)
    fields: dict[str, Any] = {
        "layout": (Literal[name], Field(description=layout.description or f"Layout {name}.")),
    }
    if layout.kind == "items":
        item = _item_model(f"{name} item", layout.fields, layout.required)
        fields["items"] = (list[item], Field(description="The section's items."))
    return create_model(name, __base__=base, **fields)


def _item_model(name: str, fields: dict[str, FieldType],
                required: tuple[str, ...]) -> type[BaseModel]:
    members: dict[str, Any] = {
        "id": (PlainText, Field(None, description=ITEM_ID)),
    }
    for field_name, ftype in fields.items():
        if isinstance(ftype, dict):
            annotation: Any = list[_item_model(f"{name} {field_name}", ftype, ())]
            description = "A list of items."
        else:
            annotation = {"text": MarkdownText, "list": MarkdownTextList, "query": Query}[ftype]
            description = FIELD_DESCRIPTIONS[ftype]
        if field_name in required:
            members[field_name] = (annotation, Field(description=f"{description} Required."))
        else:
            default = [] if isinstance(ftype, dict) or ftype == "list" else None
            members[field_name] = (annotation, Field(default, description=description))
    return create_model(name, __base__=Strict, **members)


def json_schema(theme: Theme) -> dict[str, Any]:
    """The schema an editor checks each CV file against, as the file is written.

    A file that ``extends`` another holds only what it changes, so the schema
    requires nothing: it checks names and types while typing, and `bibcv
    check` checks completeness once the chain is merged.  Likewise a section
    may omit its layout, so the layouts are alternatives (anyOf), not a
    choice made by the ``layout`` key.
    """
    schema = cv_model(theme).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"bibcv CV ({theme.name} theme)"
    return _lenient(schema)


def _lenient(node: Any, in_properties: bool = False) -> Any:
    """Drop "required" and the discriminator; keep properties of those names, if any."""
    if isinstance(node, list):
        return [_lenient(item) for item in node]
    if not isinstance(node, dict):
        return node
    if in_properties:
        return {key: _lenient(value) for key, value in node.items()}
    return {("anyOf" if key == "oneOf" else key): _lenient(value, key == "properties")
            for key, value in node.items() if key not in ("required", "discriminator")}
