"""bibcv add against a local server answering as doi.org and arXiv's API do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bibcv.bibliography import load_bibliography
from bibcv.cli import main
from fetchserver import FakeServices

DOI_BIBTEX = "application/x-bibtex"


def serve_he2016(services: FakeServices) -> None:
    services.serve("/doi/10.1109/CVPR.2016.90", "crossref-he2016.bib", DOI_BIBTEX, "x-bibtex")
    services.serve("/arxiv/query?id_list=1512.03385&max_results=1", "arxiv-1512.03385.xml",
                   "application/atom+xml")


def run(*args: str, cwd: Path):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False,
                                env={"PWD": str(cwd)})
    return result


@pytest.fixture
def bib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bib" / "ada.bib"
    path.parent.mkdir()
    path.write_text("% my papers\n@string{me = {Lovelace, Ada}}\n\n"
                    "@misc{old, author = me, title = {Notes on the Engine}, year = 1843}\n",
                    encoding="utf-8")
    return path


def test_a_doi_becomes_a_clean_entry_with_a_dblp_like_key(services, bib):
    serve_he2016(services)
    before = bib.read_text()
    result = run("add", "https://doi.org/10.1109/CVPR.2016.90", cwd=bib.parent.parent)
    assert result.exit_code == 0, result.output
    assert "added HeZRS16 to bib/ada.bib" in result.output
    text = bib.read_text()
    assert text.startswith(before.rstrip("\n"))  # the user's text, @string and all, untouched
    assert text.endswith(
        "@inproceedings{HeZRS16,\n"
        "  author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},\n"
        "  title = {Deep Residual Learning for Image Recognition},\n"
        "  booktitle = {2016 IEEE Conference on Computer Vision and Pattern Recognition "
        "(CVPR)},\n"
        "  pages = {770–778},\n  publisher = {IEEE},\n  month = jun,\n  year = {2016},\n"
        "  doi = {10.1109/cvpr.2016.90},\n}\n")
    entry = load_bibliography([bib]).entries["HeZRS16"]
    assert entry.text("title") == "Deep Residual Learning for Image Recognition"
    path, headers = services.requests[0]
    assert path == "/doi/10.1109/CVPR.2016.90"
    assert "x-bibtex" in headers["Accept"]
    assert "bibcv/" in headers["User-Agent"] and "mailto:ada@example.org" in headers["User-Agent"]


def test_an_arxiv_id_with_a_published_doi_becomes_the_published_entry_with_its_arxiv_id(
        services, bib):
    serve_he2016(services)
    result = run("add", "arXiv:1512.03385v1", cwd=bib.parent.parent)
    assert result.exit_code == 0, result.output
    entry = load_bibliography([bib]).entries["HeZRS16"]
    assert entry.entry_type == "inproceedings"
    assert (entry.text("doi"), entry.text("eprint"), entry.text("eprinttype"),
            entry.text("eprintclass")) == ("10.1109/cvpr.2016.90", "1512.03385", "arxiv", "cs.CV")


def test_an_arxiv_preprint_keeps_its_words_and_category(services, bib):
    services.serve("/arxiv/query?id_list=1706.03762&max_results=1", "arxiv-1706.03762.xml",
                   "application/atom+xml")
    result = run("add", "https://arxiv.org/abs/1706.03762", cwd=bib.parent.parent)
    assert result.exit_code == 0, result.output
    entry = load_bibliography([bib]).entries["VaswaniSPU17"]
    assert entry.text("title") == "Attention Is All You Need"
    assert entry.authors[5].display() == "Aidan N. Gomez"
    assert (entry.entry_type, entry.text("eprint"), entry.text("eprintclass"),
            entry.month) == ("misc", "1706.03762", "cs.CL", 6)


def test_special_characters_print_as_the_service_wrote_them(services, bib):
    services.serve("/doi/10.5555/12345678", "crossref-test-prefix.bib", DOI_BIBTEX, "x-bibtex")
    services.serve("/doi/10.5281/zenodo.3509134", "datacite-zenodo.json",
                   "application/vnd.citationstyles.csl+json", "csl+json")
    result = run("add", "10.5555/12345678", "doi:10.5281/zenodo.3509134", cwd=bib.parent.parent)
    assert result.exit_code == 0, result.output
    entries = load_bibliography([bib]).entries
    assert entries["WangMO21"].text("title") == "Zeroing In: Memory & Time for the K_8 Problem"
    assert entries["WangMO21"].authors[2].display() == "Seán O’Neil"
    assert "url" not in entries["WangMO21"].raw_fields
    dataset = entries["RobitailleBT19"]
    assert dataset.text("title") == "astropy/astropy: v4.0 (with units & tables)"
    assert dataset.authors[2].display() == "The Astropy Collaboration"
    assert (dataset.text("doi"), dataset.text("year"), dataset.text("publisher")) == (
        "10.5281/ZENODO.3509134", "2019", "Zenodo")


def test_a_duplicate_is_refused_naming_the_entry_it_duplicates(services, bib):
    serve_he2016(services)
    assert run("add", "10.1109/CVPR.2016.90", cwd=bib.parent.parent).exit_code == 0
    after_first = bib.read_text()
    result = run("add", "arXiv:1512.03385", cwd=bib.parent.parent)
    assert result.exit_code == 1
    assert "arXiv:1512.03385: already there as 'HeZRS16' (bib/ada.bib:" in result.output
    assert "same DOI" in result.output
    assert bib.read_text() == after_first


def test_a_key_pattern_can_be_chosen_and_keys_stay_unique(services, bib):
    serve_he2016(services)
    result = run("add", "10.1109/CVPR.2016.90", "--key-pattern", "{first_author}{year}{title}",
                 cwd=bib.parent.parent)
    assert result.exit_code == 0, result.output
    assert "He2016Deep" in load_bibliography([bib]).entries


@pytest.mark.parametrize("failure", ["offline", "dropped", "unknown"])
def test_a_failure_leaves_the_file_as_it_was(services, bib, failure, monkeypatch):
    serve_he2016(services)
    services.serve("/arxiv/query?id_list=1706.03762&max_results=1", "arxiv-1706.03762.xml",
                   "application/atom+xml")
    if failure == "offline":
        monkeypatch.setenv("BIBCV_DOI_URL", "http://127.0.0.1:9")  # nothing listens there
    elif failure == "dropped":
        services.drop("/doi/10.1109/CVPR.2016.90")
    before = bib.read_bytes()
    wanted = ["1706.03762", "10.1109/CVPR.2016.90" if failure != "unknown" else "10.5555/0"]
    result = run("add", *wanted, cwd=bib.parent.parent)
    assert result.exit_code == 1
    assert result.output.rstrip().endswith("nothing was changed")
    expected = {"offline": "cannot reach 127.0.0.1:9: could not connect",
                "dropped": "the connection was closed before the answer was complete",
                "unknown": "doi.org knows no DOI 10.5555/0"}[failure]
    assert expected in result.output
    assert bib.read_bytes() == before
    assert not list(bib.parent.glob(".*partial"))


def test_something_else_is_refused_before_any_request(services, bib):
    result = run("add", "https://example.org/paper", cwd=bib.parent.parent)
    assert result.exit_code == 1
    assert "is neither a DOI" in result.output and not services.requests


def test_a_file_in_another_encoding_is_refused_before_anything_is_added(services, bib):
    """Reading a Latin-1 file is fine; appending UTF-8 text to it would mix two encodings."""
    serve_he2016(services)
    bib.write_bytes("@misc{old, author = {Ada Lovelace}, title = {Caf\xe9}}\n".encode("latin-1"))
    before = bib.read_bytes()
    result = run("add", "https://doi.org/10.1109/CVPR.2016.90", cwd=bib.parent.parent)
    assert result.exit_code == 1
    assert "bibcv adds entries in UTF-8 only, and this file is in another encoding" in \
        result.output
    assert bib.read_bytes() == before
