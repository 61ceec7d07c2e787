"""bibcv cite-counts against a local OpenAlex, and the counts in a built CV (offline)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bibcv import DEFAULT_TIMEOUT
from bibcv.cli import main
from bibcv.errors import BibcvError
from bibcv.pipeline import build_cv
from conftest import elements, pdf_text, squash

BIB = r"""@inproceedings{HeZRS16, author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and
  Sun, Jian}, title = {Deep Residual Learning for Image Recognition}, booktitle = {CVPR},
  year = 2016, doi = {10.1109/CVPR.2016.90}}
@article{HeGDG20, author = {He, Kaiming and Gkioxari, Georgia and Doll{\'a}r, Piotr and
  Girshick, Ross}, title = {Mask {R-CNN}}, journal = {IEEE TPAMI}, year = 2020,
  doi = {https://doi.org/10.1109/TPAMI.2018.2844175}}
@misc{attention, author = {Vaswani, Ashish and He, Kaiming}, title = {Attention Is All You
  Need}, year = 2017, eprint = {1706.03762}, eprinttype = {arxiv}}
@misc{unindexed, author = {He, Kaiming}, title = {A Note Nobody Has Indexed Yet}, year = 2026}
"""
SELECT = "&select=id,doi,title,publication_year,cited_by_count&mailto=ada@example.org"
BY_DOI = ("/openalex/works?filter=doi:10.1109/cvpr.2016.90|10.1109/tpami.2018.2844175"
          "&per-page=50" + SELECT)
BY_TITLE = "/openalex/works?filter=title.search:{}&per-page=5" + SELECT


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "he.bib").write_text(BIB, encoding="utf-8")
    return tmp_path


def serve(services) -> None:
    services.serve(BY_DOI, "openalex-cites-doi.json", "application/json")
    services.serve(BY_TITLE.format("Attention Is All You Need"), "openalex-cites-title.json",
                   "application/json")
    services.serve(BY_TITLE.format("A Note Nobody Has Indexed Yet"), "openalex-empty.json",
                   "application/json")


def test_counts_by_doi_then_by_title_into_the_lock_file(services, repository):
    serve(services)
    result = CliRunner().invoke(main, ["cite-counts"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert f"wrote 3 counts to bib/citations.yaml (OpenAlex, {today}); 1 not found" \
        in result.output
    assert "unindexed: OpenAlex has no work with this title; no count" in result.output
    written = (repository / "bib" / "citations.yaml").read_text(encoding="utf-8")
    assert written.startswith("# How often each paper is cited")
    # the near miss ("… In Speech Separation", 512) is not taken for the paper
    assert yaml.safe_load(written) == {"source": "OpenAlex", "fetched": today, "counts": {
        "HeGDG20": 4321, "HeZRS16": 212345, "attention": 100000}}
    assert len(services.requests) == 3  # both DOIs in one request


def test_a_dropped_connection_leaves_the_old_counts(services, repository):
    serve(services)
    old = "source: OpenAlex\nfetched: 2026-01-01\ncounts: {HeZRS16: 1}\n"
    (repository / "bib" / "citations.yaml").write_text(old, encoding="utf-8")
    services.drop(BY_TITLE.format("Attention Is All You Need"))
    result = CliRunner().invoke(main, ["cite-counts", "bib/he.bib"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.strip().endswith("the connection was closed before the answer was "
                                          "complete; nothing was changed")
    assert (repository / "bib" / "citations.yaml").read_text(encoding="utf-8") == old


CV = """person: {name: Kaiming He}
bibliography: [../bib/he.bib]
citations: ../bib/citations.yaml
formats: [pdf, html, md]
sections:
  papers:
    title: Publications
    layout: publications
    query: {author: self}
    cited_by: true
    citation_summary: true
"""
COUNTS = """source: OpenAlex
fetched: 2026-12-01
counts: {HeZRS16: 212345, HeGDG20: 4321, attention: 100000, unindexed: 0}
"""


@pytest.mark.parametrize("theme", ["classic", "scholar"])
def test_a_cv_shows_cited_by_and_the_h_index_as_of_the_fetch_date(repository, theme,
                                                                  monkeypatch):
    monkeypatch.setenv("BIBCV_OPENALEX_URL", "http://127.0.0.1:9")  # a build never asks
    (repository / "bib" / "citations.yaml").write_text(COUNTS, encoding="utf-8")
    cv = repository / "cv" / "he.yaml"
    cv.parent.mkdir()
    cv.write_text(f"theme: {theme}\n" + CV, encoding="utf-8")
    build_cv(cv, repository / "build", DEFAULT_TIMEOUT, ("pdf", "html", "md"))
    summary = "Citations: 316666; h-index: 3 (OpenAlex, as of 2026-12-01)"
    pdf = squash(pdf_text(repository / "build" / "he.pdf"))
    page = elements(repository / "build" / "he.html").all("main")[0][1]
    markdown = (repository / "build" / "he.md").read_text(encoding="utf-8")
    for text in (pdf, page, markdown):
        assert summary in text
        assert "Cited by 212345." in text and "Cited by 100000." in text
        assert "Cited by 0." in text


@pytest.mark.parametrize(("counted", "said"), [
    ("{HeZRS16: 212345, HeGDG20: 4321, attention: 100000}",
     "1 of the section's papers has no count in {counts} (unindexed);"),
    ("{HeZRS16: 212345, HeGDG20: 4321}",
     "2 of the section's papers have no count in {counts} (unindexed, attention);"),
])
def test_papers_without_a_count_are_named_in_a_warning(repository, counted, said):
    (repository / "bib" / "citations.yaml").write_text(
        f"source: OpenAlex\nfetched: 2026-12-01\ncounts: {counted}\n", encoding="utf-8")
    cv = repository / "cv" / "he.yaml"
    cv.parent.mkdir()
    cv.write_text(CV, encoding="utf-8")
    result = build_cv(cv, repository / "build", DEFAULT_TIMEOUT, ("md",))
    assert [str(w) for w in result.warnings if "no count" in str(w)] == [
        f"{cv}:6: {said.format(counts=repository / 'bib' / 'citations.yaml')} the total "
        "and h-index leave them out. Run `bibcv "
        "cite-counts` to fetch them"]


def test_counts_without_a_citations_file_are_an_error_at_the_section(repository):
    cv = repository / "cv" / "he.yaml"
    cv.parent.mkdir()
    cv.write_text(CV.replace("citations: ../bib/citations.yaml\n", ""), encoding="utf-8")
    with pytest.raises(BibcvError) as raised:
        build_cv(cv, repository / "build", DEFAULT_TIMEOUT, ("html",))
    assert "add `citations: ../bib/citations.yaml` to the CV" in str(raised.value)
    assert "cv/he.yaml:5" in str(raised.value)
