"""bibcv sync against a local server answering as DBLP, ORCID and OpenAlex do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bibcv.bibliography import load_bibliography
from bibcv.cli import main
from fetchserver import FakeServices

# A file the user has edited: a preprint in Google Scholar's form with al-folio fields, a
# note and a data annotation; a paper with a corrected title and a shortened venue.
EDITED = r"""% Ada's papers
@article{he2015resnet,
  title = {Deep Residual Learning for Image Recognition},
  author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  journal = {arXiv preprint arXiv:1512.03385},
  year = {2015},
  note = {Best Paper Award},
  author+an = {1=highlight},
  selected = {true}, abbr = {CVPR}, pdf = {resnet.pdf},
}

@inproceedings{maskrcnn,
  title = {Mask {R-CNN}: corrected},
  author = {He, Kaiming and Gkioxari, Georgia and Doll{\'a}r, Piotr and Girshick, Ross},
  booktitle = {ICCV},
  year = {2017},
  doi = {10.1109/ICCV.2017.322},
  code = {https://github.com/facebookresearch/detectron},
}
"""


def serve_dblp(services: FakeServices) -> None:
    services.serve("/dblp/pid/34/4680.bib", "dblp-34-4680.bib", "application/x-bibtex")
    services.serve("/dblp/pid/34/4680.xml", "dblp-34-4680.xml", "application/xml")


@pytest.fixture
def bib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bib" / "ada.bib"
    path.parent.mkdir()
    path.write_text(EDITED, encoding="utf-8")
    return path


def sync(*args: str):
    return CliRunner().invoke(main, ["sync", *args], catch_exceptions=False)


def test_dblp_twice_keeps_edits_merges_the_preprint_and_then_changes_nothing(services, bib):
    serve_dblp(services)
    result = sync("dblp", "34/4680")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "bib/ada.bib: 5 papers of Kaiming He on dblp: 2 added, 3 matched (1 merged), "
        "0 conflicting")
    entries = load_bibliography([bib]).entries
    assert list(entries) == ["he2015resnet", "maskrcnn", "HeFWX20", "HeCXL21"]
    resnet = entries["he2015resnet"]  # the published version, under the user's key
    assert resnet.entry_type == "inproceedings"
    assert resnet.text("booktitle").startswith("2016 IEEE Conference on Computer Vision")
    assert (resnet.text("doi"), resnet.text("eprint"), resnet.text("eprinttype")) == (
        "10.1109/CVPR.2016.90", "1512.03385", "arxiv")
    for field, value in (("note", "Best Paper Award"), ("author+an", "1=highlight"),
                         ("selected", "true"), ("abbr", "CVPR"), ("pdf", "resnet.pdf")):
        assert resnet.raw_fields[field] == value
    assert "journal" not in resnet.raw_fields
    assert EDITED.split("@inproceedings{maskrcnn")[1] in bib.read_text()  # byte for byte
    mae = entries["HeCXL21"]
    assert "Xinlei Chen 0001" in mae.raw_fields["author"]  # DBLP's number kept
    assert mae.text("biburl") == "https://dblp.org/rec/journals/corr/abs-2111-06377.bib"
    assert "timestamp" not in mae.raw_fields
    after_first = bib.read_bytes()

    again = sync("dblp", "34/4680")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1].endswith("0 added, 5 matched (0 merged), 0 conflicting")
    assert bib.read_bytes() == after_first


def test_dry_run_says_what_would_change_and_writes_nothing(services, bib):
    serve_dblp(services)
    result = sync("dblp", "https://dblp.org/pid/34/4680.html", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would be added: HeFWX20: Momentum Contrast" in result.output
    assert "would be merged: he2015resnet" in result.output
    assert "nothing was written (--dry-run)" in result.output
    assert bib.read_text() == EDITED


def test_a_paper_with_the_title_of_an_entry_but_another_doi_is_a_conflict(services, bib):
    serve_dblp(services)
    bib.write_text(EDITED.replace("10.1109/ICCV.2017.322", "10.1109/TPAMI.2018.2844175")
                   .replace(": corrected", ""), encoding="utf-8")
    result = sync("dblp", "34/4680")
    assert result.exit_code == 0, result.output
    assert ("conflicting: Mask R-CNN (2017) has the same title as 'maskrcnn' but the DOI "
            "10.1109/iccv.2017.322, not 10.1109/tpami.2018.2844175; left as it is"
            ) in result.output
    assert "1 conflicting" in result.output


@pytest.mark.parametrize("cut", ["/dblp/pid/34/4680.bib", "/dblp/pid/34/4680.xml"])
def test_a_connection_dropped_halfway_changes_nothing(services, bib, cut):
    serve_dblp(services)
    services.drop(cut)
    result = sync("dblp", "34/4680")
    assert result.exit_code == 1
    assert "the connection was closed before the answer was complete; nothing was changed" \
        in result.output
    assert bib.read_text() == EDITED
    assert sorted(p.name for p in bib.parent.iterdir()) == ["ada.bib"]


def test_offline(services, bib, monkeypatch):
    monkeypatch.setenv("BIBCV_DBLP_URL", "http://127.0.0.1:9")
    result = sync("dblp", "34/4680")
    assert result.exit_code == 1
    assert result.output.strip() == ("cannot reach 127.0.0.1:9: could not connect (offline, "
                                     "or the address is wrong?); nothing was changed")
    assert bib.read_text() == EDITED


def test_orcid_works_by_doi_by_arxiv_id_and_from_orcids_own_record(services, bib):
    services.serve("/orcid/0000-0002-1825-0097/works", "orcid-works.json", "application/json")
    services.serve("/orcid/0000-0002-1825-0097/work/1003", "orcid-work-1003.json",
                   "application/json")
    services.serve("/doi/10.1109/CVPR.2016.90", "crossref-he2016.bib", "application/x-bibtex")
    services.serve("/arxiv/query?id_list=1706.03762&max_results=1", "arxiv-1706.03762.xml",
                   "application/atom+xml")
    bib.write_text("", encoding="utf-8")
    result = sync("orcid", "https://orcid.org/0000-0002-1825-0097")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(": 3 added, 0 matched (0 merged), "
                                                   "0 conflicting")
    entries = load_bibliography([bib]).entries
    assert sorted(entries) == ["CarberryM19", "HeZRS16", "VaswaniSPU17"]
    mugs = entries["CarberryM19"]
    assert (mugs.entry_type, mugs.text("journal"), mugs.text("year"), mugs.text("url")) == (
        "article", "Journal of Psychoceramics", "2019", "https://example.org/psychoceramics/mugs")
    assert [a.display() for a in mugs.authors] == ["Josiah Carberry", "Jane Q. Müller-Smith"]
    again = sync("orcid", "0000-0002-1825-0097")
    assert again.output.splitlines()[-1].endswith(": 0 added, 3 matched (0 merged), "
                                                  "0 conflicting")


OPENALEX_PAGE = "/openalex/works?filter=author.id:A5023888391&per-page=200&cursor={}" \
                "&mailto=ada@example.org"


def test_openalex_pages_and_the_preprint_beside_its_published_version(services, bib):
    services.serve(OPENALEX_PAGE.format("*"), "openalex-works-1.json", "application/json")
    services.serve(OPENALEX_PAGE.format("IlsxNjA5MzcyODAwMDAwLCAnaHR0cHM6Ly9vcGVuYWxleC5vcmcv"
                                        "VzI5NjMxMDkwNjAnXSI="), "openalex-works-2.json",
                   "application/json")
    result = sync("openalex", "https://openalex.org/A5023888391")
    assert result.exit_code == 0, result.output
    # Mask R-CNN's journal version (TPAMI) has the title of the ICCV paper the user has
    assert "conflicting: Mask R-CNN (2018) has the same title" not in result.output
    assert result.output.splitlines()[-1].endswith(
        "3 papers of Kaiming He on openalex: 1 added, 2 matched (1 merged), 0 conflicting")
    entries = load_bibliography([bib]).entries
    assert entries["he2015resnet"].text("doi") == "10.1109/cvpr.2016.90"
    tpami = entries["HeGDG18"]
    assert (tpami.entry_type, tpami.text("journal"), tpami.text("volume"), tpami.text("pages"),
            tpami.text("doi")) == ("article", "IEEE Transactions on Pattern Analysis and "
                                   "Machine Intelligence", "42", "386–397",
                                   "10.1109/tpami.2018.2844175")
    after_first = bib.read_bytes()
    assert sync("openalex", "A5023888391").exit_code == 0
    assert bib.read_bytes() == after_first


def test_openalex_cut_short_on_its_second_page_changes_nothing(services, bib):
    services.serve(OPENALEX_PAGE.format("*"), "openalex-works-1.json", "application/json")
    second = OPENALEX_PAGE.format("IlsxNjA5MzcyODAwMDAwLCAnaHR0cHM6Ly9vcGVuYWxleC5vcmcvVzI5Nj"
                                  "MxMDkwNjAnXSI=")
    services.serve(second, "openalex-works-2.json", "application/json")
    services.drop(second)
    result = sync("openalex", "A5023888391")
    assert result.exit_code == 1
    assert result.output.strip().endswith("nothing was changed")
    assert bib.read_text() == EDITED
