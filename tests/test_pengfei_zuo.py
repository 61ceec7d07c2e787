"""A second person in a second theme: Pengfei Zuo's CV, built from his homepage's data."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from bibcv.bibliography import load_bibliography
from bibcv.cli import main
from bibcv.pipeline import build_cv, export_bib
from bibcv.venues import load_venue_table
from conftest import REPO, SHARED, pdf_text, squash, write

CV = REPO / "cv" / "pengfei-zuo.yaml"
BIB = REPO / "bib" / "pengfei-zuo.bib"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result = build_cv(CV, tmp_path_factory.mktemp("pz"))
    assert result.warnings == []
    return result.outputs[0]


def test_research_topics_are_generated_from_the_bibliography(built):
    text = squash(pdf_text(built))
    for line in [
        "LLM Serving Systems: CachedAttention (USENIX ATC’24), Adrenaline (ArXiv’25), "
        "TaiJi (SC’26), SparseServe (ICS’26), DualMap (ICLR’26), TileSparse (ICML’26), "
        "SPEX (OSDI’26)",
        "Generative Recommendation: RelayGR (Technical Report’26)",
        "Disaggregated Memory Indexes: RACE (USENIX ATC’21), ROLEX (FAST’23, Best Paper), "
        "SMART (OSDI’23), CHIME (SOSP’24)",
        "Persistent Memory Architectures: DPEC (DATE’18), DeWrite (MICRO’18), SecPM "
        "(HotStorage’18), SuperMem (MICRO’19), SimCom (DAC’20)",
    ]:
        assert line in text
    areas = [text.index(area) for area in ("AI Systems and Algorithms",
                                          "Memory Systems and Architectures", "Storage Systems")]
    assert areas == sorted(areas)


def test_news_contact_and_selected_publications(built):
    text = squash(pdf_text(built))
    assert "EMAIL: pfzuo.cs@gmail.com" in text  # the label is set in small caps
    assert "Jul 02, 2026 Our papers “TaiJi: Unifying" in text
    assert ("SC Maze: A Distributed Framework for Large Language Model Agents Proceedings of "
            "the International Conference for High Performance Computing, Networking, Storage, "
            "and Analysis (SC), 2026") in text
    assert "FAST ROLEX: A Scalable RDMA-oriented Learned Key-Value Store" in text


def test_fidelity_against_the_homepage(built):
    tool = SHARED / "tools" / "cvfidelity.py"
    if not tool.is_file():
        pytest.skip(f"the reference texts live in {SHARED}, beside the repository")
    reference = SHARED / "seeds" / "000_d94eb067fdb17dd2.txt"
    result = subprocess.run([sys.executable, str(tool), str(built), str(reference),
                             "--min", "0.95"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_bib_holds_the_listing_without_inventions():
    bib = load_bibliography([BIB])
    listed = [p for p in bib if p.has("abstract")]
    assert len(listed) == 12
    assert all(p.has("title") and p.has("eprintclass") and p.authors for p in listed)
    assert bib.entries["relaygr-tr26"].authors[-1].is_others
    assert not bib.entries["secpm-arxiv19"].authors[-1].is_others  # all three authors listed
    untitled = [p for p in bib if not p.has("title")]
    assert untitled and all(p.has("shorttitle") and not p.authors for p in untitled)
    assert bib.warnings == []


def test_export_bib_gives_the_papers_the_cv_shows(tmp_path):
    exported = export_bib([CV])
    assert exported.count == 40  # every paper in a research topic or selected
    keys = [line[line.index("{") + 1:-1] for line in exported.text.splitlines()
            if line.startswith("@")]
    assert keys[:3] == ["cachedattention-atc24", "adrenaline-arxiv25", "taiji-sc26"]
    assert "igtcache-arxiv25" not in keys
    result = CliRunner().invoke(main, ["export-bib", str(CV)])
    assert result.exit_code == 0
    assert result.stdout == exported.text


def test_venue_table_is_data_and_a_cv_can_extend_it(tmp_path):
    table = load_venue_table()
    assert table.abbreviate("USENIX Annual Technical Conference") == "USENIX ATC"
    assert table.abbreviate("Proceedings of the 21st USENIX Conference on File and "
                            "Storage Technologies (FAST)") == "FAST"
    assert table.abbreviate("Workshop on Something New (WSN)") == "WSN"
    assert table.abbreviate("Unknown Venue") == "Unknown Venue"
    extra = write(tmp_path / "venues.yaml", "Unknown Venue: UV\n")
    assert load_venue_table(extra).abbreviate("Proc. of the Unknown Venue") == "UV"


def test_the_same_data_renders_in_either_theme(tmp_path):
    cv = write(tmp_path / "zhuofu-scholar.yaml",
               f"extends: {REPO / 'cv' / 'zhuofu-chen-v2.yaml'}\ntheme: scholar\n")
    result = CliRunner().invoke(main, ["build", str(cv), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(tmp_path / "out" / "zhuofu-scholar.pdf"))
    assert "(* indicates equal contribution)" in text
    assert "Zikun Li*, Zhuofu Chen*, Remi Delacourt" in text
    # scholar puts dates in a column at the left (design.date_position)
    assert "May. 2024 – Present Catalyst Group, Carnegie Mellon University Research Intern " \
           "advised by Zhihao Jia" in text


def test_nested_items_are_validated_with_their_line(tmp_path):
    cv = write(tmp_path / "cv.yaml", """\
        theme: scholar
        person: {name: X}
        sections:
          research:
            title: Research
            layout: topics
            items:
              - area: Systems
                topics:
                  - {name: Storage, paper: {keywords: [storage]}}
        """)
    result = CliRunner().invoke(main, ["check", str(cv)])
    assert result.exit_code == 1
    assert result.output.startswith(
        f"{cv}:10: unknown key 'paper' in item 1 of 'topics' in item 1 of section 'research'; "
        "did you mean 'papers'?")


def test_a_new_cv_builds_as_it_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    created = runner.invoke(main, ["new", "grace-hopper"])
    assert created.exit_code == 0, created.output
    built = runner.invoke(main, ["build", "cv/grace-hopper.yaml"])
    assert built.exit_code == 0, built.output
    text = squash(pdf_text(tmp_path / "build" / "grace-hopper.pdf"))
    assert "GRACE HOPPER" in text
    assert "[1] Grace Hopper, Ada Example. An Example Paper Title" in text
    again = runner.invoke(main, ["new", "grace-hopper"])
    assert again.exit_code == 1
    assert "already exists" in again.output


@pytest.mark.parametrize(("venue", "short"), [
    ("Proceedings of the 29th Symposium on Operating Systems Principles", "SOSP"),  # ACM DL
    ("ACM Symposium on Operating Systems Principles", "SOSP"),  # DBLP
    ("ACM Transactions on Computer Systems", "TOCS"),
    ("ACM Trans. Comput. Syst.", "TOCS"),  # DBLP's journal abbreviation
    ("Communications of the ACM", "CACM"),
    ("Proceedings of the 2023 ACM SIGMOD International Conference on Management of Data",
     "SIGMOD"),
])
def test_venue_table_knows_how_common_exports_name_a_venue(venue, short):
    assert load_venue_table().abbreviate(venue) == short
