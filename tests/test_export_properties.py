"""Property tests: any entry bibcv can read exports to BibTeX that reads back the same."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibcv.bibliography import load_bibliography
from bibcv.export import export_bibtex
from test_export import same_data

WORDS = st.sampled_from([
    "Systems", "data", "GPU", "{RDMA}", "{\\\"u}ber", "Caf{\\'e}", "100\\%", "50%", "\\&", "&",
    "#1", "\\#2", "a--b", "x~y", "$x^2$", "{$\\alpha$}", "O(n)", "(FAST'23)", "naïve", "章梓立",
    "Ελένη", "{\\ss}", "e.g.,", "C++", "a_b", "{Deep} {Learning}", "\\url{https://x.org/a%20b&c}",
])
GIVEN = st.sampled_from(["Ann", "J.", "Jean-Paul", "{\\'E}mile", "Zhuofu", "Mary Ann", "Ελένη"])
VON = st.sampled_from(["", "van", "de la", "von der"])
LAST = st.sampled_from(["Smith", "Beethoven", "G{\\\"o}del", "{Brinch Hansen}", "López-García",
                        "Chen", "章"])
JR = st.sampled_from(["", "", "Jr.", "III"])
FIELDS = ["title", "journal", "booktitle", "note", "publisher", "abstract", "keywords"]


@st.composite
def names(draw) -> str:
    people = []
    for _ in range(draw(st.integers(1, 4))):
        given, von, last, jr = draw(GIVEN), draw(VON), draw(LAST), draw(JR)
        family = f"{von} {last}".strip()
        if jr:
            people.append(f"{family}, {jr}, {given}")
        elif draw(st.booleans()):
            people.append(f"{given} {family}")
        else:
            people.append(f"{family}, {given}")
    if draw(st.booleans()):
        people.append("others")
    return " and ".join(people)


@st.composite
def entries(draw) -> str:
    key = draw(st.from_regex(r"[A-Za-z][A-Za-z0-9:_-]{0,12}", fullmatch=True))
    entry_type = draw(st.sampled_from(["article", "inproceedings", "misc", "book"]))
    fields = {"author": draw(names())}
    for name in draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=4)):
        fields[name] = " ".join(draw(st.lists(WORDS, min_size=1, max_size=6)))
    if draw(st.booleans()):
        fields["year"] = str(draw(st.integers(1900, 2030)))
    if draw(st.booleans()):
        fields["month"] = draw(st.sampled_from(["jan", "{3}", "{December}", "oct"]))
    if draw(st.booleans()):
        fields["url"] = "https://example.org/p?a=1&b=2%20#frag"
    body = ",\n".join(f"  {name} = {value if name == 'month' else '{' + value + '}'}"
                      for name, value in fields.items())
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(entries(), min_size=1, max_size=4, unique_by=lambda e: e.split(",")[0].lower()))
def test_export_parse_export_is_stable(tmp_path: Path, sources: list[str]):
    source = tmp_path / "source.bib"
    source.write_text("\n".join(sources), encoding="utf-8")
    original = load_bibliography([source])
    exported = export_bibtex(original)
    copy = tmp_path / "exported.bib"
    copy.write_text(exported, encoding="utf-8")
    reparsed = load_bibliography([copy])
    same_data(original, reparsed)
    assert export_bibtex(reparsed) == exported
