"""Localized CVs: every word bibcv generates comes from the CV's language.

tests/locales/every-word.bib holds one entry of every type and, between them,
every word bibcv generates; its own words are Latin.  Built in English, the CV
shows every English word of the locale (so the data covers them all); built in
any other language, it shows none of the English words that language says
differently, in the PDF (one XeLaTeX run per language), the web page and the
Markdown, and its dates are in the language's form.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bibcv.cjk import join_unspaced_lines
from bibcv.errors import BibcvError, BibcvErrors
from bibcv.load import load_cv
from bibcv.locales import available, load_locale, locale_code
from bibcv.pipeline import build_cv
from bibcv.yamlsource import read_yaml
from conftest import pdf_bold_runs, pdf_text, write

HERE = Path(__file__).parent / "locales"
BIB = HERE / "every-word.bib"
# Keys checked otherwise: separators and punctuation, and the ordinals, the date pattern and
# the citation summary, whose filled-in forms ("2nd edition", "Mar. 2024") are checked instead.
NOT_WORDS = {"colon", "list_separator", "name_separator", "date", "ordinal", "ordinal_1",
             "ordinal_2", "ordinal_3", "citation_summary", "quote", "quote_inner"}
ENGLISH = load_locale("en").terms


def every_word_cv(folder: Path, language: str, theme: str) -> Path:
    contact = ("{email: ada@example.org, phone: '+39 06 1234', location: Roma, homepage: "
               "'https://example.org/ada', github: ada, scholar: 'https://example.org/s', "
               "orcid: 0000-0002-1825-0097, linkedin: ada, twitter: ada}")
    return write(folder / f"{theme}-{language}.yaml", f"""\
        theme: {theme}
        language: {language}
        bibliography: [{BIB}]
        citations: {HERE / "citations.yaml"}
        person:
          name: Ada Lovelace
          contact: {contact}
        sections:
          works:
            title: Opera
            layout: publications
            query: {{author: self}}
            group_by: type
            cited_by: true
            citation_summary: true
        last_updated: MMXXVI
        """)


def phrase(pattern: str) -> str:
    """A term's words without its placeholders: "pp. {}" -> "pp.", "{} (eds.)" -> "(eds.)"."""
    return " ".join(re.sub(r"\{\w*\}", " ", pattern).split())


def occurs(words: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def checked_words(code: str) -> dict[str, str]:
    """Each English word that this language says differently, by term key."""
    own = " | ".join(phrase(word) for word in load_locale(code).terms.values())
    return {key: phrase(word) for key, word in ENGLISH.items()
            if key not in NOT_WORDS and phrase(word) and not occurs(phrase(word), own)}


class _Text(HTMLParser):
    """A page's text as a reader meets it: visible text, and its description."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name") == "description":
            self.parts.append(attributes.get("content") or "")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Each language's CV as text: the classic PDF, both themes' pages and Markdown."""
    folder = tmp_path_factory.mktemp("languages")
    texts: dict[str, dict[str, str]] = {}
    for code in available():
        out = folder / "build"
        classic = every_word_cv(folder, code, "classic")
        scholar = every_word_cv(folder, code, "scholar")
        build_cv(classic, out, formats=["pdf", "html", "md"])
        build_cv(scholar, out, formats=["html", "md"])
        texts[code] = {
            "pdf": " ".join(pdf_text(out / f"classic-{code}.pdf").split()),
            "html": page_text((out / f"classic-{code}.html").read_text(encoding="utf-8")),
            "scholar html": page_text((out / f"scholar-{code}.html").read_text("utf-8")),
            "md": (out / f"classic-{code}.md").read_text(encoding="utf-8"),
            "scholar md": (out / f"scholar-{code}.md").read_text(encoding="utf-8"),
            "raw html": (out / f"classic-{code}.html").read_text(encoding="utf-8"),
        }
    return texts


def test_at_least_ten_languages_are_built_in_and_complete():
    codes = available()
    assert {"en", "zh", "zh-Hant", "de", "fr", "es", "ja", "ko", "pt", "it"} <= set(codes)
    for code in codes:
        locale = load_locale(code)
        assert locale.warnings == ()
        assert set(locale.terms) == set(ENGLISH)
        assert set(locale.sections) == set(load_locale("en").sections)
        assert set(locale.import_words) == set(load_locale("en").import_words)


def test_the_english_cv_shows_every_english_word(outputs):
    """The test data exercises every word, so the other languages' checks mean something."""
    english = outputs["en"]
    everything = " ".join(english[kind] for kind in ("pdf", "html", "scholar html"))
    # The test CV lists no GitLab address, so no theme prints the word; it names one original
    # language (test_style_fields checks every language's name against CLDR), and writes no
    # season in month, which is warned about (test_style_fields prints "Fall"), and no
    # biblatex key for a patent's or a report's kind (test_style_fields prints them).
    missing = [key for key, word in ENGLISH.items()
               if key not in NOT_WORDS | {"contact_gitlab", "season_fall", "resreport"}
               and not (key.startswith("language_") and key != "language_it")
               and not (key.startswith(("patent", "patreq")) and key != "patent")
               and not occurs(phrase(word), everything)]
    assert missing == []
    assert "2nd edition" in english["pdf"] and "Mar. 2022" in english["pdf"]


@pytest.mark.parametrize("code", [code for code in available() if code != "en"])
def test_no_english_generated_word_in_any_format(outputs, code):
    words = checked_words(code)
    assert len(words) > 40  # a language shares few words with English (DOI, PDF, GitHub)
    for kind, text in outputs[code].items():
        if kind == "raw html":
            continue
        found = sorted({word for word in words.values() if occurs(word, text)})
        assert found == [], f"{code} {kind}"


@pytest.mark.parametrize("code", available())
def test_the_citation_summary_in_the_language_form(outputs, code):
    """tests/locales/citations.yaml: 20 papers cited 0 to 22 times, 226 in all, h-index 11."""
    summary = load_locale(code).terms["citation_summary"].format(
        total=226, h_index=11, source="OpenAlex", date="2026-12-01")
    for kind in ("pdf", "html", "scholar html", "md", "scholar md"):
        # xeCJK spaces CJK text from digits and Latin letters, which pdftotext reads as spaces.
        assert "".join(summary.split()) in "".join(outputs[code][kind].split()), kind


@pytest.mark.parametrize("code", [code for code in available() if code != "en"])
def test_dates_and_editions_in_the_language_form(outputs, code):
    terms = load_locale(code).terms
    march = terms["date"].format(month=terms["month_3"], year=2022)
    edition = terms["edition"].format(terms["ordinal_2"].format(2))
    event_day = terms["date_day"].format(month=terms["month_9"], day=5, year=2008)
    for kind in ("pdf", "html", "md"):
        # xeCJK spaces Chinese from digits ("2022 年 3 月"), which pdftotext reads as spaces.
        text = "".join(outputs[code][kind].split())
        assert "".join(march.split()) in text, kind
        assert "".join(edition.split()) in text, kind
        assert "".join(event_day.split()) in text, kind
    assert f'<html lang="{code}">' in outputs[code]["raw html"]


@pytest.mark.parametrize("code", available())
def test_enquote_in_the_languages_quotation_marks(outputs, code):
    """every-word.bib's \\enquote{Verbum \\enquote{citatum} est}, nested as csquotes nests."""
    terms = load_locale(code).terms
    quoted = terms["quote"].format("Verbum " + terms["quote_inner"].format("citatum") + " est")
    for kind in ("pdf", "html", "scholar html", "md", "scholar md"):
        assert "".join(quoted.split()) in "".join(outputs[code][kind].split()), kind


def test_known_forms_of_dates():
    def date(code, month):
        terms = load_locale(code).terms
        return terms["date"].format(month=terms[f"month_{month}"], year=2024)

    assert date("de", 3) == "März 2024"
    assert date("zh", 3) == "2024年3月"
    assert date("ja", 11) == "2024年11月"
    assert date("ko", 3) == "2024년 3월"
    assert date("fr", 2) == "févr. 2024"


def test_language_tags_find_their_locale():
    assert locale_code("de-AT") == "de"
    assert locale_code("zh-CN") == "zh"
    assert locale_code("zh-TW") == "zh-Hant"
    assert locale_code("zh-Hant-HK") == "zh-Hant"
    assert locale_code("pt-BR") == "pt"
    assert locale_code("xx") is None


# --- text in several languages from one source ----------------------------------------

def test_text_values_in_several_languages(tmp_path):
    cv = write(tmp_path / "cv.yaml", f"""\
        language: zh
        bibliography: [{BIB}]
        person:
          name: {{en: Ada Lovelace, zh: 艾达}}
        sections:
          education:
            title: {{en: Education, zh: 教育背景}}
            layout: entries
            items:
              - title: {{en: University of London, zh: 伦敦大学}}
                bullets: [{{en: One, zh: 一}}, Two]
          research:
            title: {{en: Research, de: Forschung}}
            layout: paragraph
            text: {{en: Engines., zh: 引擎。}}
        """)
    loaded, _ = load_cv(cv)
    assert loaded.language == "zh" and loaded.locale.code == "zh"
    assert loaded.person.display_name == "艾达"
    education, research = loaded.sections
    assert str(education.title) == "教育背景"
    assert str(education.items[0]["title"]) == "伦敦大学"
    assert [str(b) for b in education.items[0]["bullets"]] == ["一", "Two"]
    assert str(research.title) == "Research"  # no zh: English, with a warning at its line
    assert [str(w) for w in loaded.warnings] == [
        f"{cv}:13: 'title' has no zh text (it has en, de), so the English is printed; add "
        "`zh: …` to it"]
    # Both names are the owner's: the English one is bold in a Chinese CV's author lists.
    assert [name.last for name in loaded.person.names] == [("艾达",), ("Lovelace",)]


def test_text_with_neither_the_language_nor_english_is_an_error(tmp_path):
    cv = write(tmp_path / "cv.yaml", """\
        language: fr
        person: {name: Ada Lovelace}
        sections:
          research:
            title: {de: Forschung, zh: 研究}
            layout: paragraph
            text: x
        """)
    with pytest.raises(BibcvErrors) as caught:
        load_cv(cv)
    assert str(caught.value) == (
        f"{cv}:5: 'title' has no fr text and no English one to fall back on (it has de, zh); "
        "add `fr: …` to it")


def test_an_unknown_language_names_the_built_in_ones(tmp_path):
    cv = write(tmp_path / "cv.yaml", "language: tlh\nperson: {name: Ada Lovelace}\n")
    with pytest.raises(Exception, match=r"cv.yaml:1: bibcv has no words for the language "
                       r"'tlh'; built in: de, en, es, fr, it, ja, ko, pt, zh, zh-Hant"):
        load_cv(cv)


def test_a_theme_word_per_language_and_the_cv_word_win(tmp_path):
    theme = tmp_path / "mytheme"
    theme.mkdir()
    classic = Path(__file__).parent.parent / "src/bibcv/themes/classic/theme.yaml"
    (theme / "theme.yaml").write_text(
        classic.read_text(encoding="utf-8")
        + "terms:\n  submitted: {en: Submitted, de: Eingereicht}\n", encoding="utf-8")
    cv = write(tmp_path / "cv.yaml", "theme: mytheme\nlanguage: de\nperson: {name: A B}\n")
    assert load_cv(cv)[0].terms["submitted"] == "Eingereicht"
    cv.write_text(cv.read_text().replace("de", "fr"))
    assert load_cv(cv)[0].terms["submitted"] == "En cours d’évaluation"  # the locale's
    cv.write_text(cv.read_text() + "terms: {submitted: Soumis}\n")
    assert load_cv(cv)[0].terms["submitted"] == "Soumis"


def test_a_locale_missing_words_falls_back_to_english_naming_them(tmp_path, monkeypatch):
    import bibcv.locales as locales

    folder = tmp_path / "locales"
    folder.mkdir()
    for code in ("en", "de"):
        (folder / f"{code}.yaml").write_text(
            (locales.LOCALES / f"{code}.yaml").read_text("utf-8"), encoding="utf-8")
    german = folder / "de.yaml"
    german.write_text(german.read_text("utf-8").replace("  month_3: März\n", "").replace(
        "  last_updated: Stand\n", "  last_update: Stand\n"), encoding="utf-8")
    monkeypatch.setattr(locales, "LOCALES", folder)
    locales.load_locale.cache_clear()
    try:
        locale = locales.load_locale("de")
    finally:
        locales.load_locale.cache_clear()
    assert locale.terms["month_3"] == "Mar." and locale.terms["last_updated"] == "Last updated"
    assert [str(w) for w in locale.warnings] == [
        f"{german}: the de locale lacks month_3, last_updated; English is used for them until "
        "they are translated",
        f"{german}: the de locale has words English does not: last_update; they are never "
        "printed (check their spelling against en.yaml)"]


# --- the Chinese CV -------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
# CJK punctuation that must never begin a line (GB/T 15834, JIS X 4051 line-start rules).
NO_LINE_START = "，。、；：？！）》」』】〉”’…—·％"


@pytest.fixture(scope="module")
def chinese_cv(tmp_path_factory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("zh")
    built = build_cv(REPO / "cv" / "zhuofu-chen-zh.yaml", out, formats=["pdf", "html", "md"])
    return out, built.warnings


def test_chinese_cv_is_one_page_with_nothing_overfull(chinese_cv):
    out, warnings = chinese_cv
    assert warnings == []  # an overfull line over 1 pt would be a warning
    info = subprocess.run(["pdfinfo", str(out / "zhuofu-chen-zh.pdf")], check=True,
                          capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)


def test_chinese_cv_has_no_punctuation_at_a_line_start(chinese_cv):
    out, _ = chinese_cv
    lines = [line.strip() for line in pdf_text(out / "zhuofu-chen-zh.pdf").splitlines()]
    assert len([line for line in lines if line]) > 40
    assert [line for line in lines if line and line[0] in NO_LINE_START] == []


def test_chinese_cv_text_own_name_and_words(chinese_cv):
    out, _ = chinese_cv
    text = pdf_text(out / "zhuofu-chen-zh.pdf")
    assert text.lstrip().startswith("陈卓夫")
    for words in ("教育背景", "研究兴趣", "发表论文", "(* 表示同等贡献)", "审稿中",
                  "全国大学生数学建模竞赛国家一等奖"):
        assert words in text
    assert "Under review" not in text and "equal contribution" not in text
    # The publications stay as the .bib writes them, the owner's name in bold.
    assert [run for run in pdf_bold_runs(out / "zhuofu-chen-zh.pdf")
            if "Zhuofu" in run] == ["Zhuofu Chen*", "Zhuofu Chen*", "Zhuofu Chen"]
    page = (out / "zhuofu-chen-zh.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and '"Noto Serif CJK SC"' in page
    assert "<h1>陈卓夫</h1>" in page
    markdown = (out / "zhuofu-chen-zh.md").read_text(encoding="utf-8")
    assert markdown.startswith("陈卓夫\n===")
    # YAML folds a long Chinese line with a space; Chinese has none.
    assert "带来更好的**性能、可扩展性**与**易用性**" in markdown


def test_folded_chinese_lines_join_without_a_space():
    assert join_unspaced_lines("性能、\n可扩展性 and AI 推理") == "性能、可扩展性 and AI 推理"
    assert join_unspaced_lines("第一段\n\n第二段") == "第一段\n\n第二段"
    assert join_unspaced_lines("한국어 문장\n입니다") == "한국어 문장\n입니다"  # Korean: spaced


def test_only_a_line_break_between_chinese_characters_is_dropped(tmp_path):
    """A space typed between two characters on one line is the writer's (two names,
    张三 李四); only a value written over several lines had its breaks folded by YAML."""
    data = read_yaml(write(tmp_path / "cv.yaml", "typed: 张三 李四\n"
                           "folded: >\n  性能、\n  可扩展性\nplain: 第一\n  第二 三\n"))
    assert data["typed"] == "张三 李四"
    assert data["folded"] == "性能、可扩展性\n"
    assert data["plain"] == "第一第二三"  # within a value written over lines, every one


# --- a bilingual pair: one base, two languages ------------------------------------------

def test_a_bilingual_pair_builds_both_and_follows_the_base(tmp_path):
    base = write(tmp_path / "_ada.yaml", f"""\
        bibliography: [{BIB}]
        person:
          name: {{en: Ada Lovelace, zh: 艾达·洛夫莱斯}}
          contact: {{email: ada@example.org}}
        sections:
          education:
            title: {{en: Education, zh: 教育背景}}
            layout: entries
            items:
              - title: {{en: University of London, zh: 伦敦大学}}
                date: {{en: 1840 – 1842, zh: 1840年 – 1842年}}
          works:
            title: {{en: Publications, zh: 发表论文}}
            layout: publications
            query: {{keys: [book-series]}}
        """)
    english = write(tmp_path / "ada-en.yaml", "extends: _ada.yaml\n")
    chinese = write(tmp_path / "ada-zh.yaml", "extends: ada-en.yaml\nlanguage: zh\n")
    out = tmp_path / "out"

    def both() -> tuple[str, str]:
        for cv in (english, chinese):
            assert build_cv(cv, out, formats=["md"]).warnings == []
        return ((out / "ada-en.md").read_text("utf-8"), (out / "ada-zh.md").read_text("utf-8"))

    en, zh = both()
    assert "University of London" in en and "1840 – 1842" in en and "2nd edition" in en
    assert "伦敦大学" in zh and "1840年 – 1842年" in zh and "第2版" in zh
    assert zh.startswith("艾达·洛夫莱斯\n") and en.startswith("Ada Lovelace\n")
    assert "**Ada Lovelace**" in en and "**Ada Lovelace**" in zh  # own name in both scripts
    # One shared fact changes in the base: both variants follow it.
    base.write_text(base.read_text("utf-8").replace("ada@example.org", "ada@example.com"),
                    encoding="utf-8")
    en, zh = both()
    assert "ada@example.com" in en and "ada@example.com" in zh
    assert "ada@example.org" not in en + zh


def test_names_in_cjk_characters_read_family_name_first(tmp_path):
    bib = write(tmp_path / "zh.bib", """\
        @article{zh, author = {陈, 卓夫 and 王, 天霞 and Ada Lovelace}, title = {论文},
                 journal = {计算机学报}, year = {2024}, month = mar}
        """)
    cv = write(tmp_path / "cv.yaml", f"""\
        language: zh
        bibliography: [{bib}]
        person: {{name: {{en: Zhuofu Chen, zh: 陈卓夫}}}}
        sections:
          works: {{title: 论文, layout: publications, query: {{author: self}}}}
        """)
    build_cv(cv, tmp_path / "out", formats=["md"])
    markdown = (tmp_path / "out" / "cv.md").read_text("utf-8")
    assert "**陈卓夫**, 王天霞, Ada Lovelace. 论文, *计算机学报*, 2024年3月." in markdown


def test_a_japanese_cv_without_its_font_names_the_fonts_it_looked_for(tmp_path, monkeypatch):
    import bibcv.backends.latex

    asked = []
    monkeypatch.setattr(bibcv.backends.latex, "find_cjk_font",
                        lambda *wanted: asked.append(wanted))
    cv = write(tmp_path / "cv.yaml", "language: ja\nperson: {name: 山田太郎}\n")
    with pytest.raises(BibcvError, match=r"cv.yaml: this CV has Chinese, Japanese or Korean "
                       r"text but no font for it is installed \(looked for Noto Serif CJK JP, "
                       r"Noto Sans CJK JP, Source Han Serif JP, Source Han Sans JP with "
                       r"fontconfig's fc-list :lang=ja\); install a CJK font"):
        build_cv(cv, tmp_path / "out")
    assert asked == [("ja", load_locale("ja").cjk_fonts)]
