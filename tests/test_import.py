"""bibcv import on real public files: each becomes a CV that builds to PDF and HTML as it is,
and every item of the source is on the page or listed as not carried over.

The items expected are read from each source here, independently of the importers: the
title or name of every entry, publication, talk and list item.  tests/imports/README.md
says where each file comes from and under which licence.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bibcv import DEFAULT_TIMEOUT
from bibcv.bibliography import load_bibliography
from bibcv.cli import main
from bibcv.pipeline import build_cv
from conftest import elements, pdf_text, squash

SOURCES = Path(__file__).parent / "imports"


def rendercv_items(path: Path) -> list[str]:
    sections = yaml.safe_load(path.read_text(encoding="utf-8"))["cv"]["sections"]
    found = []
    for entries in sections.values():
        for entry in entries:
            if isinstance(entry, str):
                found.append(entry)
                continue
            main_key = next(k for k in ("institution", "company", "title", "name", "label",
                                        "bullet", "number", "reversed_number") if k in entry)
            found.append(str(entry[main_key]))
    return found


JSON_RESUME_KEYS = {"work": "name", "volunteer": "organization", "education": "institution",
                    "awards": "title", "certificates": "name", "publications": "name",
                    "skills": "name", "languages": "language", "interests": "name",
                    "references": "reference", "projects": "name"}


def jsonresume_items(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [str(entry[key]) for section, key in JSON_RESUME_KEYS.items()
            for entry in data.get(section) or [] if entry.get(key)]


def al_folio_items(folder: Path) -> list[str]:
    titles = [entry.text("title") for entry in load_bibliography(
        [folder / "_bibliography" / "papers.bib"])]
    resume = json.loads((folder / "assets/json/resume.json").read_text(encoding="utf-8"))
    cv = yaml.safe_load((folder / "_data/cv.yml").read_text(encoding="utf-8"))
    from_resume = [str(entry[key]) for section, key in JSON_RESUME_KEYS.items()
                   if section != "publications" for entry in resume.get(section) or []
                   if entry.get(key)]
    from_cv = [str(item.get("title") or item.get("name")) if isinstance(item, dict) else item
               for section in cv for item in section.get("contents") or []]
    # A file carried over in no part is listed once, by name: its items count as listed.
    return titles + [f"{item} @ assets/json/resume.json" for item in from_resume] + [
        f"{item} @ _data/cv.yml" for item in from_cv]


def academicpages_items(folder: Path) -> list[str]:
    found = []
    for sub in ("_publications", "_talks", "_teaching"):
        for page in sorted((folder / sub).glob("*.md")):
            front = yaml.safe_load(page.read_text(encoding="utf-8").split("---")[1])
            found.append(str(front["title"]))
    return found


CASES = [
    *[("rendercv", f"rendercv/{name}", rendercv_items) for name in (
        "John_Doe_ClassicTheme_CV.yaml", "John_Doe_ClassicTheme_CV-v1.yaml", "fridljand_cv.yaml")],
    *[("jsonresume", f"jsonresume/{name}", jsonresume_items) for name in (
        "sample.resume.json", "milintsevich.resume.json", "al-folio-einstein.resume.json")],
    *[("al-folio", f"al-folio/{name}", al_folio_items) for name in (
        "milintsevich", "zhang", "al-folio-sample")],
    *[("academicpages", f"academicpages/{name}", academicpages_items) for name in (
        "ducellier", "batra", "park")],
]


def words(text: str) -> str:
    """Text as a reader sees it: no Markdown marks, no tags, one space, no case."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>|[*_`{}\\]", "", text)
    return " ".join(text.split()).casefold()


@pytest.mark.parametrize(("kind", "source", "items"), CASES, ids=[c[1] for c in CASES])
def test_a_real_file_becomes_a_cv_that_builds_with_every_item_accounted_for(
        kind, source, items, tmp_path):
    cv = tmp_path / "cv" / "imported.yaml"
    cv.parent.mkdir()
    result = CliRunner().invoke(main, ["import", kind, str(SOURCES / source), "-o", str(cv)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    built = build_cv(cv, tmp_path / "build", DEFAULT_TIMEOUT, ("pdf", "html"))
    page = elements(tmp_path / "build" / "imported.html").all("main")[0][1]
    pdf = squash(pdf_text(tmp_path / "build" / "imported.pdf"))
    header = "".join(line for line in cv.read_text(encoding="utf-8").splitlines()
                     if line.startswith("#"))
    missing = []
    for item in items(SOURCES / source):
        item, _, file = item.partition(" @ ")
        expected = words(item)[:60]
        on_page = expected in words(page)
        listed = expected in words(header) or (file and f"{file}: the CV of" in header)
        if not (on_page or listed):
            missing.append(item)
        if on_page:  # the PDF too; a hyphen may have been a line's end
            assert expected[:25].replace("-", "") in words(pdf).replace("-", ""), item
    assert not missing, f"neither shown nor listed as not carried over: {missing}"
    assert built.main_outputs


def test_authors_are_read_from_an_apa_or_mla_citation_and_an_import_never_overwrites(tmp_path):
    cv = tmp_path / "cv" / "batra.yaml"
    cv.parent.mkdir()
    arguments = ["import", "academicpages", str(SOURCES / "academicpages" / "batra"), "-o",
                 str(cv)]
    assert CliRunner().invoke(main, arguments).exit_code == 0
    entries = load_bibliography([tmp_path / "bib" / "batra.bib"]).entries
    names = {key: [a.display(tied=False) for a in entry.authors]
             for key, entry in entries.items()}
    assert names["Pushpull2020"] == ["Priya Batra", "V. R. Krithika", "T. S. Mahesh"]
    assert names["Experimental2021"][:2] == ["Soham Pal", "Priya Batra"]
    assert names["Robust2021"] == []  # "MH Ram, VR Krithika, … - arXiv preprint": not read
    before = cv.read_bytes()
    again = CliRunner().invoke(main, arguments)
    assert again.exit_code == 1
    assert f"{cv} exists already" in again.output and cv.read_bytes() == before


def rendercv_import(tmp_path: Path, text: str) -> tuple[Path, str]:
    """Import RenderCV YAML text; the CV written and what `bibcv import` printed."""
    source = tmp_path / "cv.yaml"
    source.write_text(text, encoding="utf-8")
    cv = tmp_path / "cv" / "imported.yaml"
    result = CliRunner().invoke(main, ["import", "rendercv", str(source), "-o", str(cv)])
    assert result.exit_code == 0, result.output
    return cv, result.output


@pytest.mark.parametrize(("name", "expected"), [
    ("John_Doe_ClassicTheme_CV.yaml", {  # "NeurIPS 2022, Spotlight": a conference's name
        "DoeWP23": ("inproceedings", "booktitle", "NeurIPS 2023"),
        "LiuD22": ("inproceedings", "booktitle", "NeurIPS 2022, Spotlight"),
        "GarciaDA22": ("inproceedings", "booktitle", "ICML 2022"),
        "DoeW21": ("inproceedings", "booktitle", "ICLR 2021, Best Paper Award")}),
    ("fridljand_cv.yaml", {"GeldsetzerFKB24": ("article", "journal", "Nature Medicine")}),
    ("John_Doe_ClassicTheme_CV-v1.yaml", {"SmithDDT04": ("misc", "howpublished", "")}),
])
def test_a_rendercv_venue_makes_an_article_or_a_conference_paper(tmp_path, name, expected):
    text = (SOURCES / "rendercv" / name).read_text(encoding="utf-8")
    rendercv_import(tmp_path, text)
    entries = load_bibliography([tmp_path / "bib" / "imported.bib"]).entries
    assert {key: (entry.entry_type, field, entry.text(field))
            for key, entry in entries.items()
            for field in ("journal", "booktitle", "howpublished")
            if entry.text(field) or field == expected[key][1]} == expected


def test_rendercv_venue_words_tell_the_type():
    from bibcv.importers.rendercv import _venue_kind

    assert [_venue_kind(venue)[0] for venue in (
        "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition",
        "ICML'22", "NeurIPS Workshop on Efficient Learning", "arXiv preprint arXiv:2310.03138",
        "bioRxiv", "IEEE Transactions on Applied Superconductivity", "Science", "")] == [
        "inproceedings", "inproceedings", "inproceedings", "misc", "misc", "article",
        "article", "misc"]


@pytest.mark.parametrize(("written", "language", "listed"), [
    ("language: spanish", "es", None),  # RenderCV 2.4 and later name the language
    ("language: mandarin_chinese", "zh", None),
    ("language: de", "de", None),  # RenderCV 2.0 to 2.3: an ISO 639-1 code
    ("language: english", None, None),
    ("language: russian", None, "locale: language 'russian' (bibcv has no words for it"),
])
def test_a_rendercv_locale_becomes_the_cvs_language(tmp_path, written, language, listed):
    text = (SOURCES / "rendercv" / "John_Doe_ClassicTheme_CV.yaml").read_text(encoding="utf-8")
    assert "\n  language: english\n" in text
    cv, output = rendercv_import(tmp_path, text.replace("language: english", written))
    assert yaml.safe_load(cv.read_text(encoding="utf-8")).get("language") == language
    assert (listed in output) if listed else "not carried over: locale" not in output
    checked = CliRunner().invoke(main, ["check", str(cv)])
    assert checked.exit_code == 0 and checked.output.strip() == f"{cv}: ok", checked.output


def test_a_section_titled_with_accents_keeps_its_letters_in_its_id(tmp_path):
    """A French RenderCV section `résumé` became `r_sum`, the id a CV's `order:` and a
    variant's `extends` name it by."""
    cv, _ = rendercv_import(tmp_path, "cv:\n  name: Jeanne Dupré\n  sections:\n"
                                      "    résumé: [Historienne.]\n    Études: [Lyon.]\n")
    assert list(yaml.safe_load(cv.read_text(encoding="utf-8"))["sections"]) == [
        "resume", "etudes"]


def test_an_al_folio_papers_site_files_become_their_addresses_on_the_site(tmp_path):
    """al-folio links `pdf = {example_pdf.pdf}` to the site's /assets/pdf/example_pdf.pdf
    (and html to /assets/html/); imported as written, each was 'not a web address' and
    lost its button. A value with :// stays as written."""
    cv = tmp_path / "cv" / "einstein.yaml"
    result = CliRunner().invoke(main, ["import", "al-folio",
                                       str(SOURCES / "al-folio" / "al-folio-sample"),
                                       "-o", str(cv)])
    assert result.exit_code == 0, result.output
    papers = {entry.key: entry for entry in load_bibliography([tmp_path / "bib" /
                                                                "einstein.bib"])}
    assert papers["PhysRev.47.777"].raw_fields["pdf"] == (
        "https://alshedivat.github.io/al-folio/assets/pdf/example_pdf.pdf")
    assert papers["PhysRev.47.777"].raw_fields["html"] == (
        "https://journals.aps.org/pr/abstract/10.1103/PhysRev.47.777")
    linked = [entry.raw_fields["html"] for entry in papers.values()
              if entry.raw_fields.get("html", "").endswith("relativity.html")]
    assert linked == ["https://alshedivat.github.io/al-folio/assets/html/relativity.html"]
    built = CliRunner().invoke(main, ["build", str(cv), "-o", str(tmp_path / "out"),
                                      "--format", "html"])
    assert built.exit_code == 0, built.output
    assert "not a web address" not in built.output
    page = (tmp_path / "out" / "einstein.html").read_text(encoding="utf-8")
    assert 'href="https://alshedivat.github.io/al-folio/assets/pdf/example_pdf.pdf"' in page


def test_a_site_imported_from_its_own_folder_is_named_in_the_cvs_first_comment(
        tmp_path, monkeypatch):
    """`bibcv import al-folio . -o …`, run in the site, wrote "from the al-folio site ."."""
    site = tmp_path / "ada-site"
    site.mkdir()
    (site / "_config.yml").write_text("first_name: Ada\nlast_name: Lovelace\n", encoding="utf-8")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["import", "al-folio", ".", "-o", "cv/ada.yaml"])
    assert result.exit_code == 0, result.output
    first = (site / "cv" / "ada.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# Imported by `bibcv import` from the al-folio site ada-site."
@pytest.mark.parametrize(("language", "titles"), [
    ("french", ["Welcome to RenderCV", "Formation", "Expérience professionnelle", "Projets",
                "Publications", "Selected Honors", "Compétences", "Brevets", "Invited Talks"]),
    ("mandarin_chinese", ["Welcome to RenderCV", "教育背景", "工作经历", "项目经历", "发表论文",
                          "Selected Honors", "技能", "专利", "Invited Talks"]),
    ("english", ["Welcome to RenderCV", "Education", "Experience", "Projects", "Publications",
                 "Selected Honors", "Skills", "Patents", "Invited Talks"]),
])
def test_a_rendercv_cvs_known_sections_are_titled_in_its_language(tmp_path, language, titles):
    """A French CV's `education:` was titled "Education": the keys the locales know are
    titled in the CV's language, any other as written; the ids stay the keys."""
    text = (SOURCES / "rendercv" / "John_Doe_ClassicTheme_CV.yaml").read_text(encoding="utf-8")
    cv, _ = rendercv_import(tmp_path, text.replace("language: english", f"language: {language}"))
    sections = yaml.safe_load(cv.read_text(encoding="utf-8"))["sections"]
    assert [section["title"] for section in sections.values()] == titles
    assert list(sections) == ["welcome_to_rendercv", "education", "experience", "projects",
                              "publications", "selected_honors", "skills", "patents",
                              "invited_talks"]


def test_venue_words_tell_journals_cited_with_a_year_from_conferences():
    """"PNAS 2021" was a conference paper (a short name with a year, as NeurIPS 2023 is),
    and so were "Proceedings of the National Academy of Sciences" and "Proceedings of the
    IEEE"; "Proc. ICML 2020" was a journal article, as "Proc." never matched (a word
    boundary does not follow a dot)."""
    from bibcv.importers.common import venue_kind

    journals = ["PNAS 2021", "JMLR 2020", "TPAMI 2022", "Nature Communications 2019",
                "Proceedings of the National Academy of Sciences", "Proceedings of the IEEE",
                "Proc. IEEE, 2019", "Phys. Rev. Lett. 2020", "J. Mach. Learn. Res.",
                "IEEE Robotics and Automation Letters 2022", "Annalen der Physik"]
    conferences = ["NeurIPS 2023", "ICML'22", "ACL 2023", "CVPR 2024", "Proc. ICML 2020",
                   "Proceedings of the IEEE International Conference on Robotics and Automation",
                   "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern "
                   "Recognition", "NeurIPS Workshop on Efficient Learning",
                   "Conf. on Uncertainty in Artificial Intelligence"]
    assert {venue: venue_kind(venue) for venue in journals} == dict.fromkeys(
        journals, ("article", "journal"))
    assert {venue: venue_kind(venue) for venue in conferences} == dict.fromkeys(
        conferences, ("inproceedings", "booktitle"))
    assert (venue_kind("MIT Press"), venue_kind("Hooli")) == (("book", "publisher"), None)




@pytest.mark.parametrize(("name", "expected"), [
    ("al-folio-einstein.resume.json", [("article", "journal", "Annalen der Physik")] * 3),
    ("milintsevich.resume.json", [
        ("inproceedings", "booktitle", "6th Clinical Natural Language Processing Workshop "
         "(Clinical NLP) at NAACL 2024"),
        ("inproceedings", "booktitle", "9th Workshop on Computational Linguistics and Clinical "
         "Psychology (CLPsych 2024)"),
        ("inproceedings", "booktitle", "Joint International Conference on Computational "
         "Linguistics, Language Resources and Evaluation (LREC-COLING 2024)")]),
    ("sample.resume.json", [("misc", "howpublished", "Hooli")]),
])
def test_a_json_resume_publisher_makes_an_article_a_conference_paper_or_misc(
        tmp_path, name, expected):
    """Every JSON Resume publication was @misc, its publisher as howpublished: Einstein's
    papers in Annalen der Physik and workshop papers alike.  The publisher's words choose
    the type, by the rule RenderCV's venues go by."""
    cv = tmp_path / "cv" / "imported.yaml"
    result = CliRunner().invoke(main, ["import", "jsonresume",
                                       str(SOURCES / "jsonresume" / name), "-o", str(cv)])
    assert result.exit_code == 0, result.output
    entries = load_bibliography([tmp_path / "bib" / "imported.bib"]).entries.values()
    assert sorted((entry.entry_type, field, entry.text(field)) for entry in entries
                  for field in ("journal", "booktitle", "howpublished", "publisher")
                  if entry.text(field)) == expected




def imported_sample_resume(tmp_path: Path, language: str | None,
                           work: dict | None = None) -> dict:
    """The CV `bibcv import jsonresume` writes for JSON Resume's sample, with
    `meta.language` (None: none) and, when given, one more job."""
    data = json.loads((SOURCES / "jsonresume" / "sample.resume.json").read_text(encoding="utf-8"))
    if work:
        data["work"].append(work)
    if language:
        data["meta"]["language"] = language
    source = tmp_path / "resume.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    cv = tmp_path / "cv" / "imported.yaml"
    result = CliRunner().invoke(main, ["import", "jsonresume", str(source), "-o", str(cv)])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(cv.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("language", "titles"), [
    ("fr", ["Profil", "Expérience professionnelle", "Bénévolat", "Formation", "Prix",
            "Publications", "Compétences", "Langues", "Centres d’intérêt", "Références",
            "Projets"]),
    ("zh-CN", ["个人简介", "工作经历", "志愿服务", "教育背景", "获奖", "发表论文", "技能", "语言",
               "兴趣", "推荐人", "项目经历"]),
    (None, ["Summary", "Experience", "Volunteering", "Education", "Awards", "Publications",
            "Skills", "Languages", "Interests", "References", "Projects"]),
])
def test_a_json_resumes_sections_are_titled_in_its_meta_language(tmp_path, language, titles):
    """A JSON Resume with `meta.language: fr` was titled in English ("Experience"): its
    sections take the locales' titles, as a RenderCV CV's do; without one, English."""
    written = imported_sample_resume(tmp_path, language)
    assert written.get("language") == language
    assert [section["title"] for section in written["sections"].values()] == titles
    assert list(written["sections"]) == ["summary", "experience", "volunteering", "education",
                                         "awards", "publications", "skills", "languages",
                                         "interests", "references", "projects"]


@pytest.mark.parametrize(("lang", "language", "titles", "listed"), [
    ("zh", "zh", ["个人简介", "工作经历", "教育背景", "语言", "发表论文"], None),
    ("de", "de", ["Profil", "Berufserfahrung", "Ausbildung", "Sprachen", "Publikationen"], None),
    ("en", None, ["Summary", "Experience", "Education", "Languages", "Publications"], None),
    ("ru", None, ["Summary", "Experience", "Education", "Languages", "Publications"],
     "_config.yml lang: language 'ru' (bibcv has no words for it"),
])
def test_an_al_folio_sites_lang_is_the_cvs_language(tmp_path, lang, language, titles, listed):
    """al-folio's `lang: zh` was not read: the CV was in English, its sections (from the
    site's JSON Resume and .bib) titled "Experience", "Publications", its dates "May 2022"."""
    site = tmp_path / "site"
    shutil.copytree(SOURCES / "al-folio" / "milintsevich", site)
    config = site / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nlang: en " in text
    config.write_text(text.replace("\nlang: en ", f"\nlang: {lang} "), encoding="utf-8")
    cv = tmp_path / "cv" / "imported.yaml"
    result = CliRunner().invoke(main, ["import", "al-folio", str(site), "-o", str(cv)])
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(cv.read_text(encoding="utf-8"))
    assert written.get("language") == language
    assert [section["title"] for section in written["sections"].values()] == titles
    assert list(written["sections"]) == ["summary", "experience", "education", "languages",
                                         "publications"]
    assert (listed in result.output) if listed else "_config.yml lang" not in result.output
    dates = {"zh": "2022年5月 – 2022年8月", "de": "Mai 2022 – Aug. 2022"}
    first = written["sections"]["experience"]["items"][0]["date"]
    assert first == dates.get(lang, "May 2022 – Aug. 2022")


@pytest.mark.parametrize(("language", "education", "experience"), [
    ("french", ["sept. 2018 – mai 2023", "sept. 2014 – juin 2018"], "juin 2023 – aujourd’hui"),
    ("mandarin_chinese", ["2018年9月 – 2023年5月", "2014年9月 – 2018年6月"], "2023年6月 – 至今"),
    ("english", ["Sept. 2018 – May 2023", "Sept. 2014 – June 2018"], "June 2023 – present"),
])
def test_a_rendercv_cvs_dates_are_written_in_its_language(tmp_path, language, education,
                                                          experience):
    """A French CV's dates were English ("Sept 2018 – May 2023", "June 2023 – present"):
    they take the month words and date pattern its citations use, and the locale's
    word for an open end (RenderCV's `end_date: present` too)."""
    text = (SOURCES / "rendercv" / "John_Doe_ClassicTheme_CV.yaml").read_text(encoding="utf-8")
    assert "end_date: present" in text
    cv, _ = rendercv_import(tmp_path, text.replace("language: english", f"language: {language}"))
    sections = yaml.safe_load(cv.read_text(encoding="utf-8"))["sections"]
    assert [item["date"] for item in sections["education"]["items"]] == education
    assert sections["experience"]["items"][0]["date"] == experience


@pytest.mark.parametrize(("language", "work", "award"), [
    ("fr", "déc. 2013 – déc. 2014", "nov. 2014"),
    ("ko", "2013년 12월 – 2014년 12월", "2014년 11월"),
    (None, "Dec. 2013 – Dec. 2014", "Nov. 2014"),
])
def test_a_json_resumes_dates_are_written_in_its_meta_language(tmp_path, language, work,
                                                               award):
    """`meta.language: fr` gave "Dec 2013 – Dec 2014": the dates are the language's."""
    sections = imported_sample_resume(
        tmp_path, language, work={"name": "Hooli", "startDate": "2015-01-01"})["sections"]
    assert sections["experience"]["items"][0]["date"] == work
    assert sections["awards"]["items"][0]["date"] == award
    present = {"fr": "aujourd’hui", "ko": "현재", None: "present"}[language]
    assert sections["experience"]["items"][-1]["date"].endswith(f" – {present}")
    # The sample's project of one day, 2016-08-24 to 2016-08-24, was "Aug 2016 – Aug 2016".
    assert sections["projects"]["items"][0]["date"] == {
        "fr": "août 2016", "ko": "2016년 8월", None: "Aug. 2016"}[language]
