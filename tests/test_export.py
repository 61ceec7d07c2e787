"""BibTeX out: clean, stable, round-trips, and accepted by the real bibtex and biber."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bibcv.bibliography import Bibliography, load_bibliography
from bibcv.export import export_bibtex
from bibcv.pipeline import export_bib
from conftest import REPO, write

CORPUS = Path(__file__).parent / "bibtex"
HARD_FILES = [CORPUS / "hard-fields.bib", CORPUS / "hard-names.bib", REPO / "bib/zhuofu-chen.bib",
              REPO / "bib/pengfei-zuo.bib"]


def reexport(text: str, tmp_path: Path, name: str) -> tuple[str, Bibliography]:
    path = write(tmp_path / name, text)
    bibliography = load_bibliography([path])
    return export_bibtex(bibliography, bibliography.preambles), bibliography


def same_data(first: Bibliography, second: Bibliography) -> None:
    """Same entries, types, names and field texts: everything a reader or a style sees.
    The export may add a date's other form (year and month for bibtex, date for biber)."""
    assert list(first.entries) == list(second.entries)
    for key, entry in first.entries.items():
        other = second.entries[key]
        assert (entry.entry_type, entry.authors) == (other.entry_type, other.authors), key
        assert set(entry.raw_fields) <= set(other.raw_fields), key
        assert set(other.raw_fields) - set(entry.raw_fields) <= {"year", "month", "date"}, key
        # "11" and "nov" are the same month
        assert (entry.month, entry.season, entry.year_text) \
            == (other.month, other.season, other.year_text), key
        for name in entry.raw_fields.keys() - {"author", "month"}:
            assert entry.text(name) == other.text(name), (key, name)


@pytest.mark.parametrize("source", HARD_FILES, ids=lambda p: p.name)
def test_export_round_trips_byte_for_byte(tmp_path, source):
    original = load_bibliography([source])
    exported = export_bib([source]).text
    again, reparsed = reexport(exported, tmp_path, "again.bib")
    same_data(original, reparsed)
    assert again == exported
    assert reparsed.warnings == []


def test_export_resolves_macros_crossrefs_and_normalises(tmp_path):
    text = export_bib([CORPUS / "hard-fields.bib"]).text
    assert text.startswith("% Encoding: UTF-8\n\n@preamble{{\\providecommand{\\noopsort}[1]{}}}\n\n"
                           "@inproceedings{zuo-rolex,\n"
                           "  author = {Zuo, Pengfei and Sun, Jiazhao and Yang, Liu and ")
    assert ("  booktitle = {21st USENIX Conference on File and Storage Technologies (FAST'23)},\n"
            "  pages = {99--114},\n  month = feb,\n  year = {2023},\n") in text
    assert "  author = {King, Jr., Martin Luther and Gates, III, William Henry},\n" in text
    assert "  title = {Reaching 100\\% of 50\\% of \\#1 \\& more},\n" in text
    assert "  url = {https://example.org/a%20b?c=d&e=f},\n" in text
    assert "  month = nov,\n" in text
    assert ("@inproceedings{child,\n  author = {Author, Ann},\n  title = {A Child Paper},\n"
            "  booktitle = {Proceedings of the Parent Conference},\n") in text
    assert "crossref" not in text and "@string" not in text
    assert "  title = {Ünïcödé in many lines},\n" in text


def test_a_cv_exports_what_it_shows_in_its_order():
    exported = export_bib([REPO / "cv/zhuofu-chen-v2.yaml"])
    assert exported.count == 3
    assert [line.split("{")[1].rstrip(",") for line in exported.text.splitlines()
            if line.startswith("@")] == ["wang-gpu-api-remoting", "li-scsserve", "yang-tidaldecode"]
    assert "author+an = {1=equal; 2=equal}" in exported.text
    stripped = export_bib([REPO / "cv/zhuofu-chen-v2.yaml"], strip_cv_fields=True).text
    assert "+an" not in stripped
    assert "annote" not in export_bib([CORPUS / "hard-fields.bib"], strip_cv_fields=True).text


def exported_files(tmp_path: Path) -> list[Path]:
    paths = []
    for source in [*HARD_FILES, REPO / "cv/zhuofu-chen-v2.yaml", REPO / "cv/pengfei-zuo.yaml",
                   REPO / "bib/pengfei-zuo.bib"]:
        for strip in (False, True):
            path = tmp_path / f"{source.stem}{'-stripped' if strip else ''}.bib"
            path.write_text(export_bib([source], strip).text, encoding="utf-8")
            paths.append(path)
    return paths


def test_real_bibtex_accepts_every_export(tmp_path):
    for bib in exported_files(tmp_path):
        (tmp_path / "doc.aux").write_text(
            f"\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{bib.stem}}}\n", encoding="utf-8")
        result = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL)
        assert "error message" not in result.stdout, (bib.name, result.stdout)
        assert result.returncode in (0, 1), (bib.name, result.stdout)  # 1: warnings only
        assert (tmp_path / "doc.bbl").stat().st_size > 0


def test_real_biber_tool_accepts_every_export(tmp_path):
    assert shutil.which("biber"), "biber is installed by `make test` (Debian package biber)"
    for bib in exported_files(tmp_path):
        out = tmp_path / f"{bib.stem}.biber.bib"
        result = subprocess.run(["biber", "--tool", "--quiet", f"--output-file={out}", str(bib)],
                                cwd=tmp_path, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL)
        assert result.returncode == 0, (bib.name, result.stdout, result.stderr)
        assert "ERROR" not in result.stdout + result.stderr, (bib.name, result.stdout)
        assert out.stat().st_size > 0


def test_stripped_export_publishes_no_local_file_paths(tmp_path):
    """Zotero, JabRef and BibDesk keep the user's own copy in the entry: never published."""
    bib = write(tmp_path / "refs.bib", """\
        @article{z, author = {Ada Lovelace}, title = {Notes}, journal = {J}, year = {1843},
          file = {Full Text PDF:/home/ada/Zotero/storage/X1/notes.pdf:application/pdf},
          owner = {ada}, timestamp = {2024-01-01}, bdsk-file-1 = {YnBsaXN0MDA=},
          doi = {10.1/x}}
        """)
    kept = export_bib([bib]).text
    assert "/home/ada/Zotero" in kept and "bdsk-file-1" in kept  # a plain export loses nothing
    stripped = export_bib([bib], strip_cv_fields=True).text
    for private in ("file =", "/home/ada", "owner", "timestamp", "bdsk-file-1"):
        assert private not in stripped
    assert "doi = {10.1/x}" in stripped


def test_an_export_of_a_cv_without_publications_says_why_it_is_empty(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bibcv", "export-bib", str(REPO / "cv/zhuofu-chen-v1.yaml"),
         "-o", str(tmp_path / "v1.bib")], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stderr.strip() == (f"wrote 0 entries to {tmp_path / 'v1.bib'} "
                                     "(no publications section or query selects any entry)")
    assert (tmp_path / "v1.bib").read_text() == ""


def test_a_season_in_month_survives_bibtex_biber_and_bibcv(tmp_path):
    """export-bib wrote month = {Winter} as written: bibtex prints it, but biber reads a
    month as a number alone and `biber --tool` made the date 2007-00.  The export keeps the
    month for bibtex and adds biblatex's season date (2007-24) for biber."""
    source = write(tmp_path / "a.bib", """\
        @article{w, author = {Ada Lovelace}, title = {Notes}, journal = {J}, year = {2007},
          month = {Winter}}
        @article{f, author = {Ada Lovelace}, title = {Sketch}, journal = {J}, year = {1843},
          month = {fall}}
        """)
    exported = tmp_path / "exported.bib"
    exported.write_text(export_bib([source]).text, encoding="utf-8")
    out = tmp_path / "biber.bib"
    subprocess.run(["biber", "--tool", "--quiet", f"--output-file={out}", str(exported)],
                   cwd=tmp_path, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    biber = out.read_text(encoding="utf-8")
    assert "DATE = {2007-24}" in biber and "DATE = {1843-23}" in biber, biber
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{exported}\n",
                                      encoding="utf-8")
    subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, stdin=subprocess.DEVNULL)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert "{\\em J}, Winter 2007." in bbl and "{\\em J}, fall 1843." in bbl, bbl
    again, reread = reexport(exported.read_text(encoding="utf-8"), tmp_path, "again.bib")
    assert again == exported.read_text(encoding="utf-8")
    assert [(entry.season, entry.month) for entry in reread] == [("winter", None),
                                                                ("autumn", None)]
    assert reread.warnings == []


def test_a_date_given_only_in_date_reaches_bibtex(tmp_path):
    """export-bib left date = {2020-24} (a season), {2020-05-12} or {2019/2020} alone, and
    bibtex, which reads no date field, printed no date at all ("empty year").  The export
    adds the year and month bibtex reads; biber still takes the date."""
    source = write(tmp_path / "a.bib", """\
        @article{season, author = {Ada Lovelace}, title = {S}, journal = {J}, date = {2020-24}}
        @article{day, author = {Ada Lovelace}, title = {D}, journal = {J}, date = {2021-05-12}}
        @article{days, author = {Ada Lovelace}, title = {R}, journal = {J},
          date = {2022-06-12/2022-06-14}}
        @article{years, author = {Ada Lovelace}, title = {Y}, journal = {J}, date = {2018/2019}}
        @article{months, author = {Ada Lovelace}, title = {M}, journal = {J},
          date = {2017-05/2017-07}}
        """)
    exported = tmp_path / "exported.bib"
    exported.write_text(export_bib([source]).text, encoding="utf-8")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{exported}\n",
                                      encoding="utf-8")
    subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, stdin=subprocess.DEVNULL)
    bbl = " ".join((tmp_path / "doc.bbl").read_text(encoding="utf-8").split())
    assert re.findall(r"\{\\em J\}, ([^.]*)\.", bbl) == [
        "2017", "2018--2019", "Winter 2020", "May 2021", "June 2022"]
    out = tmp_path / "biber.bib"
    subprocess.run(["biber", "--tool", "--quiet", f"--output-file={out}", str(exported)],
                   cwd=tmp_path, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    biber = out.read_text(encoding="utf-8")
    assert [line.strip() for line in biber.splitlines() if "DATE" in line] == [
        "DATE = {2020-24},", "DATE = {2021-05-12},", "DATE = {2022-06-12/2022-06-14},",
        "DATE = {2018/2019},", "DATE = {2017-05/2017-07},"]
    again, reread = reexport(exported.read_text(encoding="utf-8"), tmp_path, "again.bib")
    assert again == exported.read_text(encoding="utf-8")
    assert reread.warnings == []
