"""Years and dates as written: nothing dropped, changed or cut short (issue 20, item 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibcv.bibliography import load_bibliography
from bibcv.locales import load_locale
from bibcv.model import Person
from bibcv.names import parse_name
from bibcv.richtext import plain
from bibcv.style import CitationStyle, format_citation
from bibcv.venues import load_venue_table


def cited(tmp_path: Path, date_fields: str) -> tuple[str, list[str]]:
    path = tmp_path / "refs.bib"
    path.write_text(f"@article{{k, author = {{Ada Lovelace}}, title = {{T}}, journal = {{J}}, "
                    f"{date_fields}}}\n", encoding="utf-8")
    bib = load_bibliography([path])
    style = CitationStyle(Person("Ada Lovelace", [parse_name("Ada Lovelace")]),
                          load_locale("en").terms, load_venue_table())
    return plain(format_citation(bib.entries["k"], style)), [w.message for w in bib.warnings]


@pytest.mark.parametrize(("fields", "shown"), [
    ("year = {forthcoming}", "forthcoming"),
    ("year = {n.d.}", "n.d."),
    ("year = {in press}", "in press"),
    ("year = {0}", "0"),
    ("year = {-44}", "-44"),
    ("year = {2024a}", "2024a"),
    ("year = {2024--2025}", "2024–2025"),
    ("year = {99999999999999999999}", "99999999999999999999"),
    ("year = {2024}, month = nov", "Nov. 2024"),
    ("date = {2024-02-29}", "Feb. 2024"),
    ("date = {2023/2024}", "2023–2024"),
])
def test_a_year_that_is_not_a_clean_one_is_printed_as_written(tmp_path, fields, shown):
    citation, warnings = cited(tmp_path, fields)
    assert citation == f"Ada Lovelace. T, J, {shown}" + ("" if shown.endswith(".") else ".")
    assert warnings == []


@pytest.mark.parametrize(("fields", "shown", "warning"), [
    ("date = {yesterday}", "yesterday",
     "entry 'k': cannot read the date 'yesterday', so the CV shows it as written; write it as "
     "2024, 2024-03 or 2024-03-23"),
    ("date = {2024-13-45}", "2024",
     "entry 'k': the date '2024-13-45' is not on the calendar, so the CV leaves out what is "
     "wrong in it; write it as 2024-03-23 (year-month-day)"),
    ("year = {2024}, month = feb, day = {45}", "Feb. 2024",
     "entry 'k': the day '45' is not a day of February 2024; the CV does not show it. Write "
     "the day of the month as a number"),
    ("date = {2023-02-29}", "Feb. 2023",
     "entry 'k': the date '2023-02-29' is not on the calendar, so the CV leaves out what is "
     "wrong in it; write it as 2024-03-23 (year-month-day)"),
])
def test_a_date_no_calendar_has_is_warned_about(tmp_path, fields, shown, warning):
    citation, warnings = cited(tmp_path, fields)
    assert citation == f"Ada Lovelace. T, J, {shown}."
    assert warnings == [warning]


def test_a_year_as_written_reaches_a_csl_style_too(tmp_path):
    """CSL got date parts only: "forthcoming" became APA's "n.d.", "2024--2025" and
    date = {2023/2024} their first year, and GB/T 7714 lost a Chinese book's reign year
    (thuthesis's refs.bib: year = {1865（清同治四年）})."""
    from bibcv.pipeline import build_cv

    years = ["forthcoming", "1865（清同治四年）", "2024--2025", "2024a"]
    (tmp_path / "refs.bib").write_text("".join(
        f"@book{{k{index}, author = {{Ada Lovelace}}, title = {{T{index}}}, publisher = {{P}}, "
        f"year = {{{year}}}}}\n" for index, year in enumerate(years))
        + "@book{k4, author = {Ada Lovelace}, title = {T4}, publisher = {P}, date = {2023/2024}}\n",
        encoding="utf-8")
    (tmp_path / "cv.yaml").write_text(
        "bibliography: [refs.bib]\nstyle: apa\nperson: {name: Ada Lovelace}\nsections:\n"
        "  p: {title: P, layout: publications, query: {keys: [k0, k1, k2, k3, k4]}}\n",
        encoding="utf-8")
    built = build_cv(tmp_path / "cv.yaml", tmp_path / "out", formats=["md"])
    lines = [line for line in built.outputs[0].read_text().splitlines() if line.startswith("- ")]
    assert [line.split("(")[1].split(")")[0] for line in lines] == [
        "forthcoming", "1865（清同治四年）", "2024–2025", "2024a", "2023–2024"]
