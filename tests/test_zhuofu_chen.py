"""The first users' CVs, compiled with the real XeLaTeX and read back from the PDF."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from conftest import SHARED, pdf_bold_runs, pdf_text, squash

REFERENCES = {
    "zhuofu-chen-v1": SHARED / "seeds" / "004_1feb514949de2bf3.txt",
    "zhuofu-chen-v2": SHARED / "seeds" / "002_c1d0a12eb9883e73.txt",
}


def test_publications_are_numbered_with_full_author_lists(built_cvs):
    text = squash(pdf_text(built_cvs["zhuofu-chen-v2"]))
    first = text.index("[1] Tianxia Wang*, Zhuofu Chen*, Xingda Wei, Jinyu Gu, Rong Chen, "
                       "Haibo Chen. Characterizing Network Requirements for GPU API Remoting "
                       "in AI Applications, Under review.")
    second = text.index("[2] Zikun Li*, Zhuofu Chen*, Remi Delacourt")
    third = text.index("[3] Lijie Yang*, Zhihao Zhang*, Zhuofu Chen, Zikun Li, Zhihao Jia. "
                       "TidalDecode: Fast and Accurate LLM Decoding")
    assert first < second < third
    assert "[4]" not in text


def test_equal_contribution_note_only_where_an_entry_has_one(built_cvs):
    assert "(* indicates equal contribution)" in pdf_text(built_cvs["zhuofu-chen-v2"])
    assert "equal contribution" not in pdf_text(built_cvs["zhuofu-chen-v1"])


def test_own_name_is_bold_and_no_coauthor_is(built_cvs):
    bold = pdf_bold_runs(built_cvs["zhuofu-chen-v2"])
    own = [run for run in bold if "Chen" in run and "Zhuofu" in run]
    # Twice with the equal-contribution mark, once without; never Zhuoming Chen.
    assert own.count("Zhuofu Chen*") == 2
    assert own.count("Zhuofu Chen") == 1
    assert not any("Zhuoming" in run or "Tianxia" in run for run in bold)


def test_entry_headings_put_institution_and_location_on_one_row(built_cvs):
    lines = pdf_text(built_cvs["zhuofu-chen-v2"]).splitlines()
    row = next(line for line in lines if "Tongji University" in line and "Shanghai" in line)
    assert row.split() == ["Tongji", "University", "Shanghai,", "China"]
    dates = next(line for line in lines if "B.S. in Computer Science" in line)
    assert dates.rstrip().endswith("Sept. 2021 – Present")


def test_contact_line_extracts_without_icon_garbage(built_cvs):
    text = pdf_text(built_cvs["zhuofu-chen-v2"])
    contact = next(line for line in text.splitlines() if "aetiurf@gmail.com" in line)
    assert contact.split() == ["aetiurf@gmail.com", "·", "chenzhuofu", "·",
                               "https://chenzhuofu.github.io/"]
    odd = {c for c in text if unicodedata.category(c) in ("Co", "Cn", "Cs")}
    assert odd == set()


def test_awards_have_superscript_ordinals_and_years(built_cvs):
    lines = pdf_text(built_cvs["zhuofu-chen-v1"]).splitlines()
    award = next(line for line in lines if "Bronze Medal" in line)
    assert award.split()[-1] == "2020"
    tex = built_cvs["zhuofu-chen-v1.tex"].read_text()
    assert r"National 1\textsuperscript{st} Prize (0.55\%)" in tex


def test_one_engine_pass_per_build(built_cvs):
    assert built_cvs["zhuofu-chen-v1.passes"] == 1
    assert built_cvs["zhuofu-chen-v2.passes"] == 1


@pytest.mark.parametrize("stem", sorted(REFERENCES))
def test_fidelity_against_the_real_cv(built_cvs, stem):
    tool = SHARED / "tools" / "cvfidelity.py"
    if not tool.is_file():
        pytest.skip(f"the reference texts live in {SHARED}, beside the repository")
    result = subprocess.run(
        [sys.executable, str(tool), str(built_cvs[stem]), str(REFERENCES[stem]), "--min", "0.99"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
