"""Property test: random bytes, random YAML and random BibTeX never crash bibcv.

Each example runs `check`, `build --format html,md` and `export-bib` in a child
process whose address space is limited to 1 GB (resource.setrlimit), so a
runaway expansion fails the test instead of the machine. Every command must end
with exit code 0 or 1 and no traceback, and write nothing outside the output
folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

MEMORY_LIMIT = 1 << 30  # bytes of address space for the child
EXAMPLES = int(os.environ.get("BIBCV_RANDOM_INPUT_EXAMPLES", "12"))

# The child: run each command through click's own entry point, as the `bibcv` script does,
# and report what happened; an exception escaping click is what a user would see as a
# traceback.
DRIVER = r"""
import contextlib, io, json, resource, sys, traceback
resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
from bibcv.cli import main
results = []
for args in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main.main(args, prog_name="bibcv", standalone_mode=True)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        code = "traceback"
        err.write(traceback.format_exc())
    results.append({"args": args, "code": code, "stderr": err.getvalue()})
print(json.dumps(results))
""".replace("MEMORY_LIMIT", str(MEMORY_LIMIT))

COMMANDS = [["check", "cv.yaml"],
            ["build", "cv.yaml", "-o", "out", "--format", "html,md"],
            ["export-bib", "cv.yaml", "-o", "out/cv.bib"],
            ["export-bib", "refs.bib"]]

# Mostly what people type, with the characters that mean something to TeX, Markdown,
# HTML or YAML; any other character (a control character too) now and then.
TYPED = st.sampled_from(list("aAz Ωé章 *^[]()\\%#&$_{}~<>\"'`:-,.!|@\n\x1b"))
TEXT = st.text(st.one_of(TYPED, TYPED, TYPED, TYPED, st.characters(
    codec="utf-8", exclude_categories=["Cs", "Cc"])), max_size=30)
WORDS = st.sampled_from(["Ada", "Lovelace", "{", "}", "\\", "%", "#", "&", "$", "@", "\"",
                         ",", "=", "and", "others", "{\\'e}", "~", "^", "[x](https://a.b)",
                         "*em*", "**b**", "\n", "\n\n", "jan", "2024", "-", "--", " "])
BIB_TEXT = st.lists(st.one_of(WORDS, TEXT), max_size=8).map("".join)
FIELD_NAMES = st.sampled_from(["author", "editor", "title", "journal", "booktitle", "year",
                               "month", "date", "url", "doi", "eprint", "crossref", "pages",
                               "note", "author+an", "keywords", "selected", "pdf", "pubstate",
                               "award", "howpublished", "x"])
ENTRY_TYPES = st.sampled_from(["article", "inproceedings", "misc", "book", "string",
                               "preamble", "comment", "unpublished", "phdthesis", "x"])


@st.composite
def bibtex(draw) -> bytes:
    """Text shaped like BibTeX: entries with random types, keys, fields and values."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        fields = []
        for _ in range(draw(st.integers(0, 5))):
            value = draw(BIB_TEXT)
            written = draw(st.sampled_from(["{%s}", '"%s"', "%s", "{%s", "%s # a"]))
            fields.append(f"{draw(FIELD_NAMES)} = {written % value}")
        key = draw(st.sampled_from(["a", "b", "a", "", "k:1", "{x}"]))
        close = draw(st.sampled_from(["}", "}", ")", ""]))
        parts.append(f"@{draw(ENTRY_TYPES)}{{{key},\n  " + ",\n  ".join(fields) + f"\n{close}")
        parts.append(draw(st.sampled_from(["\n", "\n% comment\n", "junk\n", ""])))
    return "".join(parts).encode("utf-8")


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), TEXT,
                    st.floats(allow_nan=True))
KEYS = st.one_of(TEXT, st.sampled_from(["person", "sections", "bibliography", "name", "title",
                                         "layout", "items", "text", "query", "order",
                                         "extends", "theme", "formats", "contact"]))
ANY_YAML = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                     st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12)
ITEM_FIELDS = {"entries": ["title", "subtitle", "location", "date", "bullets"],
               "bullets": ["text"], "dated_list": ["text", "date"]}
QUERIES = st.one_of(
    st.just({"author": "self"}), st.just({"keys": ["a", "b"]}),
    st.just({"author": "self", "sort": ["-date", "title"]}), st.just({"types": ["article"]}),
    st.dictionaries(st.sampled_from(["author", "keys", "sort", "types", "keywords"]), ANY_YAML,
                    max_size=2))


@st.composite
def section(draw) -> dict:
    layout = draw(st.sampled_from([*ITEM_FIELDS, "paragraph", "publications", "x"]))
    result = {"title": draw(TEXT), "layout": layout}
    if layout == "publications":
        result["query"] = draw(QUERIES)
        result.update(draw(st.dictionaries(st.sampled_from(
            ["numbered", "group_by", "maxnames", "number_prefix", "omit"]),
            st.sampled_from([True, "year", "type", 2, "J", ["note"]]), max_size=2)))
    elif layout == "paragraph":
        result["text"] = draw(TEXT)
    elif layout in ITEM_FIELDS:
        fields = ITEM_FIELDS[layout]
        result["items"] = draw(st.lists(st.fixed_dictionaries(
            {fields[0]: TEXT},
            optional={name: st.lists(TEXT, max_size=2) if name == "bullets" else TEXT
                      for name in fields[1:]}), max_size=3))
    return result


@st.composite
def cv_yaml(draw) -> bytes:
    """A CV that is often valid, with random text wherever a user types it."""
    sections = {f"s{index}": draw(section()) for index in range(draw(st.integers(0, 3)))}
    data = {"bibliography": draw(st.sampled_from([["refs.bib"], "refs.bib", ["refs.bib"],
                                                  ["missing.bib"], [".."], ["/dev/zero"]])),
            "person": {"name": draw(st.one_of(st.just("Ada Lovelace"), TEXT)),
                       "contact": draw(st.dictionaries(st.sampled_from(
                           ["email", "homepage", "github", "phone", "fax"]), st.one_of(
                           st.sampled_from(["ada@example.org", "https://example.org/a%20b#c",
                                            "ada", "ftp://x"]), TEXT), max_size=2))},
            "sections": sections}
    if draw(st.integers(0, 3)) == 0:
        data.update(draw(st.dictionaries(st.sampled_from(
            ["theme", "order", "last_updated", "formats", "terms", "venues"]), ANY_YAML,
            max_size=2)))
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


def random_yaml() -> st.SearchStrategy[bytes]:
    return ANY_YAML.map(lambda data: yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


CV_INPUTS = st.one_of(cv_yaml(), cv_yaml(), cv_yaml(), random_yaml(), st.binary(max_size=200))
BIB_INPUTS = st.one_of(bibtex(), bibtex(), st.binary(max_size=200))
GOOD_BIB = b"@article{a, author = {Ada Lovelace}, title = {T}, journal = {J}, year = 2024}\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder except the output folder, with its content."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.is_relative_to(folder / "out")}


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cv=CV_INPUTS, bib=BIB_INPUTS)
@example(cv=b"person: {name: Ada Lovelace}\nbibliography: refs.bib\nsections: {}\n", bib=GOOD_BIB)
@example(cv=b"x0: &x0 [a]\nx1: &x1 [*x0, *x0]\n", bib=b"@string{a = \"x\"}\n")
@example(cv=b"\xff\xfe", bib=b"\x00\x01\xff")
@example(cv=b"bibliography: [refs.bib]\nperson: {name: ''}\nsections: {}\n", bib=b"")
@example(cv=b"bibliography: [refs.bib]\nperson: {name: Ada Lovelace}\nsections:\n"
            b"  p: {title: P, layout: publications, query: {author: self}}\n",
         bib=b"@article{a, author = {,}, title = {T}}\n@misc{b, author = {Ada Lovelace and ,}}\n")
def test_random_input_never_crashes_or_writes_outside_the_output_folder(tmp_path_factory, cv,
                                                                         bib):
    folder = tmp_path_factory.mktemp("random")
    (folder / "cv.yaml").write_bytes(cv)
    (folder / "refs.bib").write_bytes(bib)
    before = snapshot(folder)
    child = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(COMMANDS)], cwd=folder,
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]  # a MemoryError would be a traceback
    for result in json.loads(child.stdout):
        assert result["code"] in (0, 1), (result["args"], result["stderr"][-3000:])
        assert "Traceback" not in result["stderr"], result["stderr"][-3000:]
    assert snapshot(folder) == before
