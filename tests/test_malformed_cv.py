"""Any YAML at all gets a verdict -- ok, or file:line and exit 1 -- and never a traceback."""

from __future__ import annotations

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bibcv.cli import main

KEYS = st.sampled_from([
    "person", "name", "aliases", "contact", "email", "homepage", "sections", "title", "layout",
    "items", "text", "bullets", "date", "query", "author", "keys", "sort", "order", "theme",
    "extends", "bibliography", "terms", "numbered", "id", "entries", "publications", "self",
    "dated_list", "paragraph", "-year", "nonsense",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), KEYS,
                    st.text(max_size=12), st.just("[x](ftp://y)"), st.just("*a* **b**"))
TREES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)), max_leaves=25)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(KEYS, TREES, max_size=6))
def test_check_never_crashes(tmp_path, data):
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@misc{k, title = {T}, author = {A. B}}\n")
    result = CliRunner().invoke(main, ["check", str(cv)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output, result.exc_info)
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert result.output.startswith(str(cv)) or result.output.startswith(str(tmp_path))


VALID = {
    "bibliography": ["refs.bib"],
    "person": {"name": "A B", "aliases": ["B, A."], "contact": {"email": "a@b.c"}},
    "sections": {
        "work": {"title": "Work", "layout": "entries",
                 "items": [{"title": "x", "date": "2020", "bullets": ["y"]}]},
        "prizes": {"title": "Prizes", "layout": "dated_list", "items": [{"text": "p"}]},
        "about": {"title": "About", "layout": "paragraph", "text": "t"},
        "papers": {"title": "Papers", "layout": "publications",
                   "query": {"author": "self"}, "sort": ["-year"]},
    },
    "order": ["work", "prizes", "about", "papers"],
}
PATHS = [
    ("bibliography",), ("person",), ("person", "name"), ("person", "aliases"),
    ("person", "contact"), ("person", "contact", "email"), ("sections",),
    ("sections", "work"), ("sections", "work", "items"), ("sections", "work", "layout"),
    ("sections", "work", "items", 0), ("sections", "work", "items", 0, "bullets"),
    ("sections", "prizes", "items", 0, "text"), ("sections", "about", "text"),
    ("sections", "papers", "query"), ("sections", "papers", "query", "author"),
    ("sections", "papers", "sort"), ("sections", "papers", "numbered"), ("order",),
]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(PATHS), TREES)
@example(path=("person", "name"), value="")  # an empty name crashed the name parser
def test_one_bad_value_in_a_good_cv_is_reported_not_crashed(tmp_path, path, value):
    data = yaml.safe_load(yaml.safe_dump(VALID))  # a deep copy
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    test_check_never_crashes.hypothesis.inner_test(tmp_path, data)


BIB_TOKENS = st.sampled_from([
    "@misc{", "@article{", "@string{", "@preamble{", "@comment{", "key,", "k2,", "}", "{", "\"",
    " # ", "author = ", "title = ", "url = ", "year = ", "month = ", "crossref = ", "author+an = ",
    "{A. B and others}", "{von X, Jr, Y}", "{1=equal; x}", "{javascript:1}", "{https://x.org}",
    "jan", "undefinedmacro", "2020", ",", "\n", "=", "{\\'e}", "\\", "%", "A. B", " and ",
])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(BIB_TOKENS, max_size=40).map("".join))
def test_any_bibtex_gets_a_verdict(tmp_path, bib):
    data = yaml.safe_load(yaml.safe_dump(VALID))
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(cv)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output, result.exc_info)
    assert result.exit_code in (0, 1)
