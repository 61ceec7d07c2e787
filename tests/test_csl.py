"""CSL citation styles: every entry of a 47-entry corpus as citeproc-js writes it, in six
styles, in the web page (word for word) and the PDF (your name bold, DOIs linked)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bibcv.bibliography import load_bibliography
from bibcv.cjk import is_cjk
from bibcv.csl import (
    CslError,
    csl_item,
    find_citeproc,
    find_style,
    locales_folder,
    markup_to_rich,
    run_citeproc,
)
from bibcv.errors import BibcvError
from bibcv.latexrich import FORMULA_END, FORMULA_MARK, FORMULA_START, FORMULA_TEXT, latex_markup
from bibcv.load import load_cv
from bibcv.pipeline import build_cv
from bibcv.richtext import Styled, Text
from bibcv.style import CitationStyle, doi_url
from bibcv.venues import load_venue_table
from conftest import REPO, elements, pdf_bold_runs, pdf_links, write

CORPUS = REPO / "tests" / "csl" / "corpus.bib"
ORACLE = REPO / "tests" / "csl" / "oracle.js"
STYLES = ("apa", "ieee", "chicago-author-date", "nature", "vancouver",
          "china-national-standard-gb-t-7714-2015-numeric")


def corpus_cv(folder: Path, name: str, person: str, theme: str = "classic") -> Path:
    """One section per style, each showing the whole corpus in the file's order."""
    sections = "".join(
        f"  s{index}:\n    title: {style}\n    layout: publications\n    style: {style}\n"
        f"    query: {{types: [{', '.join(TYPES)}], sort: [file]}}\n"
        for index, style in enumerate(STYLES))
    return write(folder / f"{name}.yaml", f"""\
theme: {theme}
bibliography: [{CORPUS}]
person:
  name: {person}
sections:
{sections}""")


TYPES = sorted({entry.entry_type for entry in load_bibliography([CORPUS])})


class _Text(HTMLParser):
    """An entry's text: tags dropped, the number column of numbered styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if self.skip or ("class", "csl-left-margin") in attrs:
            self.skip += 1

    def handle_endtag(self, tag):
        self.skip = max(0, self.skip - 1) if self.skip else 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def oracle_text(entry_html: str) -> str:
    """The entry's text.  The CSL-JSON carries each formula's TeX in invisible marks
    (latexrich's FORMULA_MARK: Private Use Area characters, which citeproc-js passes
    through); bibcv turns them into a formula, so here exactly those marks are removed."""
    reader = _Text()
    reader.feed(FORMULA_MARK.sub("", entry_html))
    return " ".join("".join(reader.parts).split())


def oracle(folder: Path) -> dict[str, dict[str, str]]:
    """Stock citeproc-js over the CSL-JSON bibcv makes, highlighting off: one run.  GB/T
    7714 with its layout for English entries on, and an entry without a langid English
    there when its title and names hold no CJK character, as README says."""
    bibliography = load_bibliography([CORPUS])
    cv, _ = load_cv(corpus_cv(folder, "corpus", "Nobody Here"))
    style = CitationStyle(person=cv.person, terms=cv.terms, venues=load_venue_table(None))
    items = [style.csl_item(entry) for entry in bibliography]
    english = [as_english(item) for item in items]
    jobs = [{"style": bilingual(find_style(name, REPO).path.read_text(encoding="utf-8")),
             "items": english if name.startswith("china") else items} for name in STYLES]
    return {name: {key: oracle_text(entry) for key, entry in result.items()}
            for name, result in zip(STYLES, stock_citeproc(jobs), strict=True)}


def as_english(item: dict) -> dict:
    """README's rule for GB/T 7714: an entry without a langid and without a CJK character
    in its title and names is English."""
    plain = item.get("language") or any(is_cjk(char) for char in json.dumps(
        [item.get("title"), item.get("author"), item.get("editor")], ensure_ascii=False))
    return item if plain else {**item, "language": "en"}


def stock_citeproc(jobs: list[dict]) -> list[dict[str, str]]:
    """Each job's entries (its style's XML, its CSL-JSON items) by stock citeproc-js."""
    finished = subprocess.run(
        ["node", str(ORACLE), str(find_citeproc())], check=True, capture_output=True,
        text=True, input=json.dumps({"locales": str(locales_folder()), "jobs": jobs}))
    return json.loads(finished.stdout)


GBT_ENGLISH_LAYOUT = ('<!-- <layout suffix="." locale="en"><text variable="citation-number" '
                      'prefix="[" suffix="]"/><text macro="entry-layout"/></layout>\n    -->')


def bilingual(xml: str) -> str:
    """GB/T 7714 numeric with its comment marks around the English layout removed, as its
    comment says to; any other style as it is."""
    if "gb-t-7714-2015-numeric" not in xml:
        return xml
    assert GBT_ENGLISH_LAYOUT in xml
    return xml.replace(GBT_ENGLISH_LAYOUT, GBT_ENGLISH_LAYOUT[5:-8])


def test_the_corpus_covers_every_type_and_shape():
    entries = list(load_bibliography([CORPUS]))
    assert len(entries) >= 40
    assert {"article", "inproceedings", "incollection", "book", "phdthesis", "mastersthesis",
            "techreport", "online", "software", "dataset", "patent", "misc", "unpublished",
            } <= {entry.entry_type for entry in entries}
    assert max(len(entry.authors) for entry in entries) == 30


def test_every_entry_in_six_styles_is_word_for_word_what_citeproc_js_writes(tmp_path):
    """One build of the page (one citeproc-js run for all six styles) and one oracle run;
    one test, so that parallel test workers do not both pay for them."""
    page = build_cv(corpus_cv(tmp_path, "corpus", "Nobody Here"), tmp_path / "out",
                    formats=["html"]).outputs[0]
    expected_by_style = oracle(tmp_path)
    bibliography = list(load_bibliography([CORPUS]))
    texts = [text for _, text in elements(page).all("span", **{"class": "citation"})]
    assert len(texts) == len(STYLES) * len(bibliography)
    differences = {}
    for index, style in enumerate(STYLES):
        ours = texts[index * len(bibliography):(index + 1) * len(bibliography)]
        expected = [expected_by_style[style][entry.key] for entry in bibliography]
        differences[style] = [(entry.key, mine, theirs) for entry, mine, theirs
                              in zip(bibliography, ours, expected, strict=True)
                              if mine != theirs]
    assert differences == {style: [] for style in STYLES}


def test_styles_are_found_by_id_by_renamed_id_and_by_path(tmp_path):
    assert find_style("apa", tmp_path).path.name == "apa.csl"
    assert find_style("vancouver", tmp_path).path.name == "nlm-citation-sequence.csl"
    gbt = find_style("china-national-standard-gb-t-7714-2015-numeric", tmp_path)
    assert gbt.default_locale == "zh-CN"
    (tmp_path / "mine.csl").write_text(find_style("ieee", tmp_path).xml, encoding="utf-8")
    assert find_style("mine.csl", tmp_path).path == tmp_path / "mine.csl"


def test_an_unknown_style_is_an_error_at_its_line_with_a_suggestion(tmp_path):
    with pytest.raises(CslError, match="did you mean 'apa'"):
        find_style("apaa", tmp_path)
    # a part of an id, too far from any whole id for difflib: the ids that hold it
    with pytest.raises(CslError, match="did you mean 'china-national-standard-gb-t-7714-2015-note'"
                       " or 'china-national-standard-gb-t-7714-2015-numeric' or "
                       "'china-national-standard-gb-t-7714-2015-author-date'"):
        find_style("gb-t-7714", tmp_path)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: []
        person: {name: Ada Lovelace}
        style: chicago-autor-date
        """)
    with pytest.raises(BibcvError, match=r"cv.yaml:3: .*did you mean 'chicago-author-date'"):
        load_cv(cv)


def mark(source: str) -> str:
    """latexrich's mark before a formula: its TeX's bytes as Private Use Area characters."""
    return FORMULA_START + "".join(chr(0xE100 + b) for b in source.encode()) + FORMULA_TEXT


@pytest.mark.parametrize(("latex", "markup"), [
    (r"\emph{in vivo} and \textit{Drosophila}", "<i>in vivo</i> and <i>Drosophila</i>"),
    (r"H\textsubscript{2}O and x\textsuperscript{2}", "H<sub>2</sub>O and x<sup>2</sup>"),
    (r"\textsc{SQL} and \textbf{bold}", '<span style="font-variant:small-caps;">SQL</span>'
     " and <b>bold</b>"),
    (r"The {DNA} of {\em Things}", 'The <span class="nocase">DNA</span> of <i>Things</i>'),
    (r"$O(n \log n)$ time", '<span class="nocase">' + mark(r"O(n \log n)")
     + "<i>O</i>(<i>n</i> log <i>n</i>)" + FORMULA_END + "</span> time"),
    (r"$x^2 - \alpha_{i}$", '<span class="nocase">' + mark(r"x^2 - \alpha_{i}")
     + "<i>x</i><sup>2</sup> − α<sub><i>i</i></sub>" + FORMULA_END + "</span>"),
    (r"$\frac{a}{b}$", '<span class="nocase">' + mark(r"\frac{a}{b}") + "a/b" + FORMULA_END
     + "</span>"),
    (r"$\input{x}$ and $a # b$", '<span class="nocase">\\input{x}</span> and '
     '<span class="nocase">a # b</span>'),
    (r"{\"U}ber M\"uller \& Sons <b>", "Über Müller &amp; Sons &lt;b&gt;"),
])
def test_latex_formatting_in_fields_is_kept_as_csl_markup(latex, markup):
    assert latex_markup(latex) == markup


def test_your_name_is_bold_and_equal_contributions_marked_in_any_name_form():
    html = ('<div class="csl-entry"><div class="csl-left-margin">[1]</div>'
            '<div class="csl-right-inline"><span class="bibcv-equal">'
            '<span class="bibcv-owner">LOVELACE A</span></span>, <i>T</i> &#38; x</div></div>')
    rich = markup_to_rich(html)
    assert str(rich) == "LOVELACE A*, T & x"
    assert rich.parts[0] == Styled("strong", (Text("LOVELACE A"), Text("*")))


NAME_FORMS = {"apa": "Lovelace, A.", "ieee": "A. Lovelace", "chicago-author-date": "Lovelace",
              "nature": "Lovelace, A.", "vancouver": "Lovelace A",
              "china-national-standard-gb-t-7714-2015-numeric": "LOVELACE A"}


def test_the_corpus_in_the_pdf_has_your_name_bold_every_doi_linked_no_overfull_line(
        tmp_path):
    built = build_cv(corpus_cv(tmp_path, "corpus", "Ada Lovelace"), tmp_path / "out",
                     formats=["pdf"])
    pdf = built.outputs[0]
    assert [w for w in built.warnings if "margin" in w.message] == []
    bibliography = list(load_bibliography([CORPUS]))
    hers = [entry for entry in bibliography
            if any("Lovelace" in name.last for name in entry.authors or entry.editors)]
    runs = [run for run in pdf_bold_runs(pdf) if "lovelace" in run.casefold()]
    # Every entry of hers, in every style, has her name in bold, and nothing else is bold
    # with it (the rest of the author list stays regular).  Nature prints no editors of a
    # book, so her two edited volumes show no name there.  (A name broken across lines is
    # two runs, one of them with "Lovelace".)
    assert len(runs) == len(hers) * len(STYLES) - 2, runs
    for style, form in NAME_FORMS.items():
        assert any(form in run for run in runs), (style, form)
    assert all(len(run) <= len("Lovelace, Ada,*") for run in runs), runs
    links = set(pdf_links(pdf))
    dois = {doi_url(entry.text("doi")) for entry in bibliography if entry.text("doi")}
    assert dois <= links, sorted(dois - links)


def test_a_cv_adds_numbers_shortening_equal_marks_and_awards_to_a_csl_style(tmp_path):
    write(tmp_path / "mine.bib", r"""
        @article{late, author = {A Alpha and B Bravo and C Charlie and D Delta and E Echo and
                                 F Foxtrot and Ada Lovelace and G Golf},
          title = {Late}, journal = {J}, year = {2024}, doi = {10.1/late}, award = {Best Paper}}
        @inproceedings{equal, author = {Zoe Zulu and Lovelace, Ada}, author+an = {1=equal; 2=equal},
          title = {Equal}, booktitle = {Conf}, year = {2023}}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [mine.bib]
        style: ieee
        person: {name: Ada Lovelace}
        sections:
          journals:
            title: Journal Articles
            layout: publications
            query: {types: [article]}
            number_prefix: J
            maxnames: 3
            minnames: 2
          conferences:
            title: Conference Papers
            layout: publications
            query: {types: [inproceedings]}
            style: apa
            continue_numbers: true
            number_order: descending
        """)
    built = build_cv(cv, tmp_path / "out", formats=["md"])
    lines = [line for line in built.outputs[0].read_text().splitlines() if line.startswith("- ")]
    assert lines == [
        "- [J1] A. Alpha, B. Bravo, C. Charlie, D. Delta, E. Echo, F. Foxtrot, **A. Lovelace**, "
        "*et al.*, “Late,” *J*, 2024, doi: [10.1/late](https://doi.org/10.1/late). "
        "**Best Paper**.",
        "- [1] Zulu, Z.\\*, & **Lovelace, A.\\*** (2023). Equal. *Conf*.",
    ]


def test_the_cv_language_chooses_the_csl_locale():
    style = find_style("ieee", REPO)
    item = {"id": "x", "type": "book", "title": "T", "editor": [{"family": "E", "given": "F"}],
            "issued": {"date-parts": [[2020]]}}
    job = {"style": style.xml, "lang": "de-DE", "force": True, "items": [item]}
    german, english = run_citeproc([job, {**job, "lang": "en-US"}])
    assert "Hrsg." in german["entries"]["x"]
    assert "Ed." in english["entries"]["x"]


def test_a_cv_in_german_cites_in_german_and_gb_t_keeps_its_chinese(tmp_path):
    cv = write(tmp_path / "cv.yaml", f"""\
        bibliography: [{CORPUS}]
        language: de
        style: ieee
        person: {{name: Ada Lovelace}}
        sections:
          german:
            title: Publikationen
            layout: publications
            query: {{keys: [proceedings_edited]}}
        """)
    built = build_cv(cv, tmp_path / "out", formats=["md"])
    assert "Hrsg." in built.outputs[0].read_text()
    without = write(tmp_path / "gbt.yaml", cv.read_text().replace("language: de\n", "").replace(
        "style: ieee", "style: china-national-standard-gb-t-7714-2015-numeric").replace(
        "proceedings_edited", "chinese_four_authors"))
    assert "等" in build_cv(without, tmp_path / "out", formats=["md"]).outputs[0].read_text()


def test_a_rebuild_reads_rendered_bibliographies_from_the_build_folder(tmp_path, monkeypatch):
    cv = write(tmp_path / "cv.yaml", f"""\
        bibliography: [{CORPUS}]
        style: ieee
        person: {{name: Ada Lovelace}}
        sections:
          pubs: {{title: Publications, layout: publications, query: {{keys: [particles]}}}}
        """)
    first = build_cv(cv, tmp_path / "out", formats=["md"]).outputs[0].read_text()
    monkeypatch.setenv("PATH", "")  # no node: only the cache can answer
    again = build_cv(cv, tmp_path / "out", formats=["md"]).outputs[0].read_text()
    assert again == first and "**A. Lovelace**" in again
    with pytest.raises(BibcvError, match=r"Node\.js"):
        build_cv(cv, tmp_path / "elsewhere", formats=["md"])


@pytest.mark.parametrize("style", ["bibcv", "apa"])
def test_formatting_in_titles_reaches_every_output(tmp_path, style):
    cv = write(tmp_path / "cv.yaml", f"""\
        bibliography: [{CORPUS}]
        style: {style}
        person: {{name: Ada Lovelace}}
        sections:
          pubs: {{title: Publications, layout: publications, query: {{keys: [rich_title]}}}}
        """)
    formats = ["html", "md", "pdf"] if style == "bibcv" else ["html", "md"]
    outputs = {path.suffix: path for path in build_cv(cv, tmp_path / "out",
                                                      formats=formats).outputs}
    html, markdown = outputs[".html"].read_text(), outputs[".md"].read_text()
    for markup in ("H<sub>2</sub>O", "<em>vivo</em>", "x<sup>2</sup>",
                   '<span style="font-variant:small-caps">SQL</span>',
                   "<em>O</em>(<em>n</em> log <em>n</em>)"):
        assert markup in html
    assert "(H₂O)" in markdown and "x²" in markdown
    if ".tex" in outputs:
        source = outputs[".tex"].read_text()
        assert r"H\textsubscript{2}O" in source and r"\textsc{SQL}" in source
        assert r"\emph{vivo}" in source and r"\(O(n \log n)\)" in source


def test_ampersands_angle_brackets_and_latex_quotes_reach_a_csl_entry_as_written(tmp_path):
    """Found on Beebe's printing-history.bib: `Field \\& Tuer` printed "Field &amp; Tuer" in
    every output of every CSL style (citeproc-js decodes no entity), and BibTeX's quotes were
    left as typed (`` ` `` printed as a grave accent)."""
    write(tmp_path / "a.bib", r"""
        @article{a, author = {Ada Lovelace}, journal = {Field \& Tuer <b>},
          title = {`Guard the Mysteries!' {Reveal} ``Them'' at O'Connor \& Sons <B>},
          year = 2011}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [a.bib]
        style: chicago-author-date
        person: {name: Ada Lovelace}
        sections:
          pubs: {title: Publications, layout: publications, query: {author: self}}
        """)
    page = build_cv(cv, tmp_path / "out", formats=["html"]).outputs[0]
    [entry] = [text for _, text in elements(page).all("li") if "Guard" in text]
    assert ("“‘Guard the Mysteries!’ Reveal ‘Them’ at O’Connor & Sons <B>.” "
            "Field & Tuer <b>") in entry, entry


def test_translators_book_authors_and_languages_reach_a_csl_style(tmp_path):
    """From biblatex-archaeologie's examples: a translator, a bookauthor and the langid were
    never given to citeproc-js, so no style printed them, and Chicago title-cased German."""
    write(tmp_path / "a.bib", r"""
        @book{Vitr, author = {Vitruvius}, title = {Zehn Bücher über Architektur},
          translator = {Fensterbusch, Curt}, publisher = {WBG}, year = {2008}}
        @inbook{Ganzert1984, author = {Herz, Peter}, title = {Gaius Caesar und Artavasdes},
          booktitle = {Das Kenotaph für Gaius Caesar in Limyra}, bookauthor = {Ganzert, Joachim},
          publisher = {Wasmuth}, year = {1984}, pages = {118--126}, langid = {ngerman}}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [a.bib]
        style: chicago-author-date
        person: {name: Ada Lovelace}
        sections:
          pubs: {title: Sources, layout: publications, query: {keys: [Vitr, Ganzert1984]}}
        """)
    markdown = build_cv(cv, tmp_path / "out", formats=["md"]).outputs[0].read_text()
    assert "Translated by Curt Fensterbusch" in markdown, markdown
    assert "Joachim Ganzert" in markdown, markdown
    # langid: a German title is not title-cased as an English one ("Und", "Für")
    assert "“Gaius Caesar und Artavasdes.” In *Das Kenotaph für Gaius" in markdown, markdown
    assert "*Zehn Bücher Über Architektur*" in markdown, markdown  # no langid: as English


def slow_cv(folder: Path) -> Path:
    """A CV whose bibliography takes citeproc-js half a minute of CPU or more: 600 papers of
    40 authors whose names keep APA's disambiguation busy (bibcv's part takes 2-3 s)."""
    papers = "\n".join(
        f"@article{{k{i}, author = {{{' and '.join(f'Fam{j % 7}, G{i % 5}' for j in range(40))}}},"
        f" title = {{Study {i}}}, journal = {{J}}, year = {{{2000 + i % 3}}}}}"
        for i in range(600))
    write(folder / "slow.bib", papers)
    return write(folder / "cv.yaml", """\
        bibliography: [slow.bib]
        style: apa
        person: {name: Ada Lovelace}
        sections:
          pubs: {title: Publications, layout: publications, query: {types: [article]}}
        """)


def node_children(pid: int) -> list[int]:
    """The Node.js processes a process started, with the CPU seconds each has used."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().split("(", 1)[1].rsplit(")", 1)
        except (OSError, IndexError, ValueError):
            continue
        if name == "node" and int(fields.split()[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_citeproc_js_is_stopped_at_the_builds_time_limit(tmp_path):
    """It had a fixed 120 s of its own, whatever --timeout said."""
    with pytest.raises(BibcvError, match=r"cv\.yaml: citeproc-js did not finish within 2 "
                                         r"seconds and was stopped.*--timeout"):
        build_cv(slow_cv(tmp_path), tmp_path / "out", timeout=2, formats=["md"])
    assert node_children(os.getpid()) == []


@pytest.mark.parametrize("stop", ["SIGTERM to bibcv", "Ctrl-C"])
def test_a_signal_stops_citeproc_js_at_once_and_leaves_no_node(tmp_path, stop):
    """SIGTERM (to bibcv alone) and Ctrl-C (SIGINT to the terminal's process group, which
    citeproc-js, in a session of its own, is not in) both waited for Node to finish."""
    build = subprocess.Popen([sys.executable, "-m", "bibcv", "build", str(slow_cv(tmp_path)),
                              "-o", str(tmp_path / "out"), "-f", "md"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (nodes := node_children(build.pid)) or cpu_seconds(nodes[0]) < 0.5:
            assert time.monotonic() < deadline and build.poll() is None, build.stderr
            time.sleep(0.05)
        signalled = time.monotonic()
        if stop == "Ctrl-C":
            os.killpg(build.pid, signal.SIGINT)
        else:
            build.send_signal(signal.SIGTERM)
        _stdout, stderr = build.communicate(timeout=60)
        stopped_in = time.monotonic() - signalled
    finally:
        build.kill()
    number = signal.SIGINT if stop == "Ctrl-C" else signal.SIGTERM
    assert build.returncode == 128 + number, stderr
    assert "stopped: the outputs of the CVs not finished are unchanged" in stderr
    assert "Traceback" not in stderr
    assert not Path(f"/proc/{nodes[0]}").exists()
    assert stopped_in < 10  # Node had half a minute of work left (seconds more under load)
    assert not (tmp_path / "out" / "cv.md").exists()


LANGUAGES = r"""
@article{en_langid, langid = {english}, title = {English}, AUTHORS}
@article{en_american, langid = {american}, title = {American}, AUTHORS}
@article{en_british, langid = {british}, title = {British}, AUTHORS}
@article{en_usenglish, langid = {USenglish}, title = {USenglish}, AUTHORS}
@article{en_language, language = {English}, title = {Language Field}, AUTHORS}
@article{en_tag, language = {en-GB}, title = {A Tag}, AUTHORS}
@article{en_none, title = {No Langid}, AUTHORS}
@article{de_langid, langid = {ngerman}, title = {Deutsch mit Langid}, AUTHORS}
@article{fr_langid, langid = {french}, title = {En français}, AUTHORS}
@article{ja_langid, langid = {japanese}, title = {計算機}, AUTHORS}
@article{zh_langid, langid = {chinese}, title = {An English Title of a Chinese Paper}, AUTHORS}
@article{zh_none, author = {张三 and 李四 and 王五 and 赵六}, title = {分析机的计算方法},
  journal = {计算机学报}, year = {2020}}
@article{zh_title, title = {分析机}, AUTHORS}
@article{unknown, language = {Klingon}, title = {Unknown Language}, AUTHORS}
""".replace("AUTHORS", "author = {Alpha, A and Bravo, B and Charlie, C and Delta, D}, "
                       "journal = {J}, year = {2020}")
# The CSL language each entry gets: its langid or language as a BCP 47 tag; None: none.
LANGUAGE_TAGS = {"en_langid": "en", "en_american": "en-US", "en_british": "en-GB",
                 "en_usenglish": "en-US", "en_language": "en", "en_tag": "en-GB",
                 "en_none": None, "de_langid": "de", "fr_langid": "fr", "ja_langid": "ja",
                 "zh_langid": "zh", "zh_none": None, "zh_title": None, "unknown": "Klingon"}


def test_langids_and_languages_become_csl_language_tags(tmp_path):
    """biblatex's langid (english, american, ngerman, …) and BibTeX's language (English)
    went to citeproc-js as written, which it reads as no language it knows."""
    bibliography = load_bibliography([write(tmp_path / "a.bib", LANGUAGES)])
    assert {entry.key: csl_item(entry).get("language") for entry in bibliography} \
        == LANGUAGE_TAGS


def test_gb_t_7714_writes_et_al_for_entries_in_latin_languages_and_deng_for_cjk_ones(tmp_path):
    """It wrote 等 after every entry's third author; the official style's English layout
    (commented out, to be turned on) chooses by the entry's CSL language.  An entry without
    a langid is English there when its title and names are in Latin letters only.  A German
    or French entry kept 等, as the style has no layout for them: the oracle is CSL-M's own
    way to give them the English one, a layout for "en de fr"."""
    write(tmp_path / "a.bib", LANGUAGES)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [a.bib]
        style: china-national-standard-gb-t-7714-2015-numeric
        person: {name: Ada Lovelace}
        sections:
          pubs: {title: Publications, layout: publications, query: {types: [article], sort: [file]}}
        """)
    page = build_cv(cv, tmp_path / "out", formats=["html"]).outputs[0]
    ours = [text for _, text in elements(page).all("span", **{"class": "citation"})]
    bibliography = list(load_bibliography([tmp_path / "a.bib"]))
    latin_script = {"en_none", "unknown"}  # no language it knows; a title in Latin letters
    items = [{**csl_item(entry), "language": "en" if entry.key in latin_script
              else LANGUAGE_TAGS[entry.key] or ""} for entry in bibliography]
    xml = bilingual(find_style("china-national-standard-gb-t-7714-2015-numeric", REPO)
                    .path.read_text(encoding="utf-8"))
    assert xml.count('locale="en"') == 1
    [expected] = stock_citeproc([{"style": xml.replace('locale="en"', 'locale="en de fr"'),
                                  "items": items}])
    assert ours == [oracle_text(expected[entry.key]) for entry in bibliography]
    cjk = {"ja_langid", "zh_langid", "zh_none", "zh_title"}
    assert [("et al." in text, "等" in text) for text in ours] == [
        (entry.key not in cjk, entry.key in cjk) for entry in bibliography]


def test_howpublished_gives_a_misc_entry_its_address_or_publisher(tmp_path):
    """A historian's public .bib gave a blog post as @misc with howpublished = {\\url{…}}, as
    BibTeX-era files do: every CSL style printed the entry without it."""
    bibliography = load_bibliography([write(tmp_path / "a.bib", r"""
        @misc{web, author = {A Alpha}, title = {Charts}, year = {2015},
          howpublished = {\url{https://example.org/charts}}}
        @booklet{print, author = {A Alpha}, title = {Notes}, year = {1843},
          howpublished = {Privately printed}}
        @article{art, author = {A Alpha}, title = {A}, journal = {J}, year = {2020},
          howpublished = {Privately printed}}
        """)])
    items = {entry.key: csl_item(entry) for entry in bibliography}
    assert (items["web"]["URL"], items["web"].get("publisher")) == (
        "https://example.org/charts", None)
    assert (items["print"].get("URL"), items["print"]["publisher"]) == (None, "Privately printed")
    assert "publisher" not in items["art"]


def test_your_name_last_in_a_long_list_is_not_cut_off(tmp_path):
    """IEEE cuts seven or more names to one: with you last of eight, the list was cut after
    seven names and your name lost (a physics CV, the 37th author of 37). citeproc-js kept
    the style's et-al-min as the length of a list the CV's rule did not shorten."""
    names = " and ".join([*(f"{letter} Author" for letter in "ABCDEFG"), "Ada Lovelace"])
    write(tmp_path / "mine.bib", f"@article{{last, author = {{{names}}}, title = {{Last}},"
                                 " journal = {J}, year = {2016}}\n")
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [mine.bib]
        style: ieee
        person: {name: Ada Lovelace}
        sections:
          ieee: {title: IEEE, layout: publications, query: {author: self}}
          short: {title: Short, layout: publications, query: {author: self}, maxnames: 3}
        """)
    built = build_cv(cv, tmp_path / "out", formats=["md"])
    lines = [line for line in built.outputs[0].read_text().splitlines() if line.startswith("- ")]
    assert lines == 2 * ["- [1] A. Author, B. Author, C. Author, D. Author, E. Author, F. Author, "
                         "G. Author, and **A. Lovelace**, “Last,” *J*, 2016."]


@pytest.mark.parametrize("node", [True, False])
def test_a_missing_citeproc_names_a_command_that_installs_it_for_a_cv_kept_anywhere(
        monkeypatch, tmp_path, node):
    """The advice was `make cv` in bibcv's folder, which installs citeproc-js only when one of
    that folder's own CVs has a CSL style: none does, so it installed nothing (a newcomer's
    French CV with `style: apa`, kept in a folder of its own). Node.js was said to be missing
    when only citeproc-js was."""
    import bibcv.csl

    monkeypatch.delenv("BIBCV_CITEPROC", raising=False)
    monkeypatch.setattr(bibcv.csl, "_MODULE_FILE", Path("node_modules/nothing-here.js"))
    monkeypatch.setattr(bibcv.csl.shutil, "which", lambda name: "/usr/bin/node" if node else None)
    with pytest.raises(CslError) as error:
        find_citeproc(tmp_path)
    assert ("citeproc-js is not installed here" if node else "neither is installed") \
        in str(error.value)
    assert "`npm install citeproc@2.4.63` in your CV's folder" in str(error.value)
    assert "make cv" not in str(error.value)


AND_OTHERS = r"""
@article{three, author = {Alpha, A and Bravo, B and Charlie, C and others},
  title = {Three and Others}, journal = {J}, year = {2020}}
@article{three_zh, author = {张三 and 李四 and 王五 and others}, title = {分析机},
  journal = {计算机学报}, year = {2020}}
@book{editors, editor = {Foxtrot, F and Golf, G and Hotel, H and others},
  title = {Edited and Others}, publisher = {P}, year = {2020}}
"""
# Chicago left out: its rules are plain, and each run of it costs citeproc-js 3 s.
AND_OTHERS_STYLES = [style for style in STYLES if style != "chicago-author-date"]


def cut_after_three(xml: str) -> str:
    """The style with et-al rules that shorten a list of four names to three (and no
    "… last author")."""
    xml = re.sub(r'et-al-min="\d+"', 'et-al-min="4"', xml)
    xml = re.sub(r'et-al-use-first="\d+"', 'et-al-use-first="3"', xml)
    return xml.replace('et-al-use-last="true"', 'et-al-use-last="false"')


def test_and_others_is_et_al_in_every_csl_style(tmp_path):
    """BibTeX's `and others` reached citeproc-js as nothing (the names before it alone), so
    a style wrote "et al." only past its own et-al-min: GB/T lost its 等 or "et al." after
    three authors, APA and IEEE after any number below 20 and 7.  Stock citeproc-js, given
    a fourth name in place of "others" and et-al rules that cut the list after three,
    writes the same."""
    write(tmp_path / "a.bib", AND_OTHERS)
    sections = "".join(f"  s{index}: {{title: {style}, layout: publications, style: {style}, "
                       "query: {types: [article, book], sort: [file]}}\n"
                       for index, style in enumerate(AND_OTHERS_STYLES))
    cv = write(tmp_path / "cv.yaml", "bibliography: [a.bib]\nperson: {name: Nobody Here}\n"
                                     f"sections:\n{sections}")
    page = build_cv(cv, tmp_path / "out", formats=["html"]).outputs[0]
    ours = [text for _, text in elements(page).all("span", **{"class": "citation"})]
    bibliography = list(load_bibliography([tmp_path / "a.bib"]))
    items = []
    for entry in bibliography:
        item = {k: v for k, v in csl_item(entry).items() if k != "bibcv-and-others"}
        variable = "author" if entry.authors else "editor"
        items.append({**item, variable: [*item[variable], {"family": "Fourth", "given": "F"}]})
    jobs = [{"style": cut_after_three(bilingual(find_style(style, REPO).path.read_text(
        encoding="utf-8"))), "items": [as_english(item) for item in items]
        if style.startswith("china") else items} for style in AND_OTHERS_STYLES]
    assert ours == [oracle_text(result[entry.key]) for result in stock_citeproc(jobs)
                    for entry in bibliography]
    apa, gbt = ours[:3], ours[-3:]
    assert gbt[0].startswith("ALPHA A, BRAVO B, CHARLIE C, et al. Three"), gbt
    assert gbt[1].startswith("张三, 李四, 王五, 等. 分析机"), gbt
    assert apa[0].startswith("Alpha, A., Bravo, B., Charlie, C., et al. (2020)"), apa


def test_and_others_after_your_name_keeps_it(tmp_path):
    """The list is cut after your name, and "et al." still says there are more."""
    write(tmp_path / "a.bib", r"""
        @article{mine, author = {Alpha, A and Bravo, B and Charlie, C and Lovelace, Ada and
                                 others}, title = {Mine}, journal = {J}, year = {2020}}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [a.bib]
        style: china-national-standard-gb-t-7714-2015-numeric
        person: {name: Ada Lovelace}
        sections:
          pubs: {title: Publications, layout: publications, query: {author: self}}
        """)
    markdown = build_cv(cv, tmp_path / "out", formats=["md"]).outputs[0].read_text()
    assert "ALPHA A, BRAVO B, CHARLIE C, **LOVELACE A**, et al. Mine" in markdown, markdown


def test_gb_t_newspapers_and_years_with_their_era_as_the_standard_writes_them(tmp_path):
    """The examples of GB/T 7714-2015 (8.1.1, 8.8.2) as thuthesis writes them for
    biblatex-gb7714: the newspaper's 版次 (its number) was not printed, and "1865（清同治四
    年）" lost its era.  Stock citeproc-js on the CSL-JSON Zotero would hold writes the same."""
    write(tmp_path / "a.bib", r"""
        @newspaper{fugang, author = {傅刚 and 赵承 and 李佳路}, title = {大风沙过后的思考},
          journal = {北京青年报}, date = {2000-04-12}, number = {14}}
        @book{wangfuzhi, author = {王夫之}, title = {宋论}, edition = {刻本}, address = {金陵},
          publisher = {湘乡曾国荃}, year = {1865（清同治四年）}}
        """)
    cv = write(tmp_path / "cv.yaml", """\
        bibliography: [a.bib]
        style: china-national-standard-gb-t-7714-2015-numeric
        person: {name: 张昆}
        sections:
          refs: {title: 参考文献, layout: publications, query: {types: [newspaper, book],
                 sort: [file]}}
        """)
    page = build_cv(cv, tmp_path / "out", formats=["html"]).outputs[0]
    ours = [text for _, text in elements(page).all("span", **{"class": "citation"})]
    assert ours == ["傅刚, 赵承, 李佳路. 大风沙过后的思考[N]. 北京青年报, 2000-04-12(14).",
                    "王夫之. 宋论[M]. 刻本. 金陵: 湘乡曾国荃, 1865（清同治四年）."]
    zotero = [{"id": "fugang", "type": "article-newspaper", "title": "大风沙过后的思考",
               "container-title": "北京青年报", "page": "14",
               "issued": {"date-parts": [[2000, 4, 12]]}, "author": [
                   {"family": "傅", "given": "刚"}, {"family": "赵", "given": "承"},
                   {"family": "李", "given": "佳路"}]},
              {"id": "wangfuzhi", "type": "book", "title": "宋论", "edition": "刻本",
               "publisher-place": "金陵", "publisher": "湘乡曾国荃",
               "issued": {"literal": "1865（清同治四年）"}, "author": [{"literal": "王夫之"}]}]
    xml = find_style("china-national-standard-gb-t-7714-2015-numeric", REPO).xml
    [expected] = stock_citeproc([{"style": xml, "items": zotero}])
    assert ours == [oracle_text(expected[key]) for key in ("fugang", "wangfuzhi")]
