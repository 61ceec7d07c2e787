r"""Formulas in BibTeX fields ($O(n \log n)$): set as TeX math in the PDF when every piece
is known math, in bibcv's style and in CSL styles; their Unicode rendering in the web page
and Markdown; anything else printed as text, with a warning, never handed to TeX."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibcv.backends.academicpages import export_academicpages
from bibcv.backends.latex import render_tex
from bibcv.csl import markup_to_rich
from bibcv.document import load_document
from bibcv.latex import MATH_OPEN, math_latex, to_latex
from bibcv.latexrich import (
    FORMULA_END,
    FORMULA_START,
    FORMULA_TEXT,
    formula_problems,
    latex_markup,
)
from bibcv.pipeline import build_cv
from bibcv.richtext import Math, Text
from bibcv.texmath import (
    CONTROL_SYMBOLS,
    MAX_LENGTH,
    ONE_ARGUMENT,
    SYMBOLS,
    TWO_ARGUMENTS,
    FormulaError,
    formula_pieces,
)
from conftest import _pdf_xml, write

BIB = r"""
@article{sorting, author = {Lovelace, Ada}, journal = {Journal of Algorithms}, year = {2021},
  title = {Sorting in $O(n \log n)$ Time with $\mathcal{O}(1)$ Space}}
@inproceedings{approx, author = {Lovelace, Ada}, booktitle = {SODA}, year = {2022},
  title = {An $\alpha$-approximation of $x^2$ by $\frac{1}{2}$ in H\textsubscript{2}O}}
@misc{hostile, author = {Lovelace, Ada}, year = {2019},
  title = {Hostile $\input{/etc/passwd}$ and $\def\x{}$ and $a # b$}}
@book{halving, author = {Lovelace, Ada}, publisher = {Press}, year = {2020},
  title = {The {DNA} of halving by $\frac{1}{2}$ when $\text{if } x \geq 0$ in $O(n)$}}
@article{titlecase, author = {Lovelace, Ada}, journal = {J}, year = {2018},
  title = {$n \log n$ bounds for $\mathcal{O}(1)$ sorting}}
"""


def math_cv(folder: Path, theme: str = "classic", csl: bool = True) -> Path:
    """bibcv's style, APA (a book's title in italics) and Chicago (title case), each on its
    own entries; without csl, bibcv's style only (no citeproc-js run)."""
    write(folder / "m.bib", BIB)
    sections = {"own": "style: bibcv, query: {keys: [sorting, approx, hostile], sort: [file]}"}
    if csl:
        sections["apa"] = "style: apa, query: {keys: [halving]}"
        sections["chicago"] = "style: chicago-author-date, query: {keys: [titlecase]}"
    return write(folder / "cv.yaml", f"theme: {theme}\nbibliography: [m.bib]\n"
                 "person: {name: Ada Lovelace}\nsections:\n" + "".join(
                     f"  {name}: {{title: {name}, layout: publications, {options}}}\n"
                     for name, options in sections.items()))


def pdf_runs(pdf: Path) -> list[tuple[str, str, int, int]]:
    """Each run of text in the PDF: its text, font (subset prefix dropped), top and left."""
    root = _pdf_xml(pdf)
    fonts = {spec.get("id"): spec.get("family", "").split("+")[-1]
             for spec in root.iter("fontspec")}
    return [("".join(text.itertext()), fonts[text.get("font")], int(text.get("top")),
             int(text.get("left"))) for text in root.iter("text")]


def test_formulas_are_math_in_the_pdf_and_unicode_elsewhere_in_two_styles(tmp_path):
    built = build_cv(math_cv(tmp_path), tmp_path / "out", formats=["pdf", "html", "md"])
    outputs = {path.suffix: path for path in built.outputs}
    tex = outputs[".tex"].read_text()
    assert tex.count(r"\(O(n \log n)\)") == 1 and r"\(\frac{1}{2}\)" in tex
    assert r"\(\text{if } x \geq 0\)" in tex and r"\(\mathcal{O}(1)\)" in tex
    assert "\\usepackage{amsmath,amssymb}" in tex
    # The hostile formulas: printed as text, never as TeX, each with a warning.
    assert r"\input{" not in tex and r"\def\x" not in tex
    warnings = [w.message for w in built.warnings]
    assert len(warnings) == 3, warnings
    for command in (r"\input", r"\def", "'#'"):
        assert any("entry 'hostile'" in w and command in w for w in warnings), warnings
    runs = pdf_runs(outputs[".pdf"])
    text = " ".join(run[0] for run in runs)
    assert r"\input{/etc/passwd}" in text and r"\def\x{}" in text and "a # b" in text
    # Letters of formulas in TeX's math italic, \mathcal in its symbol font, in every style.
    italic = [run[0] for run in runs if run[1] == "CMMI10"]
    assert {"O", "n", "α", "x"} <= set("".join(italic)), italic
    assert sum(run[0] == "O" and run[1] == "CMSY10" for run in runs) == 2
    # ½ as a fraction: 1 above 2, in the script size, twice (bibcv's style, APA).
    numerators = [r for r in runs if r[0] == "1" and r[1] == "CMR7"]
    fractions = [(one, two) for one in numerators for two in runs
                 if two[0] == "2" and two[1] == "CMR7" and abs(two[3] - one[3]) <= 1
                 and 5 < two[2] - one[2] < 20]
    assert len(fractions) == 2, runs
    # Web page and Markdown: the Unicode rendering, case kept by APA and Chicago.
    html, markdown = outputs[".html"].read_text(), outputs[".md"].read_text()
    for shown in ("<em>O</em>(<em>n</em> log <em>n</em>)", "𝒪(1)", "α-approximation",
                  "<em>x</em><sup>2</sup>", "1/2", "H<sub>2</sub>O", r"\input{/etc/passwd}",
                  # APA sets the book's title in italics: the formula's italics turn upright
                  "<em>The DNA of halving by 1/2 when if x ≥ 0 in O(n)</em>",
                  # Chicago's title case capitalises the words around the formulas only
                  "“<em>n</em> log <em>n</em> Bounds for 𝒪(1) Sorting.”"):
        assert shown in html, shown
    for shown in ("*O*(*n* log *n*)", "α-approximation of *x*²", "1/2 in H₂O",
                  r"Hostile \\input\{/etc/passwd\} and \\def\\x\{\} and a \# b"):
        assert shown in markdown, shown
    assert FORMULA_START not in html + markdown + tex  # the formulas' marks are gone
    assert "*The DNA of halving by 1/2 when if x ≥ 0 in O(n)*" in markdown
    assert "“*n* log *n* Bounds for 𝒪(1) Sorting.”" in markdown


def test_every_command_on_the_list_compiles_in_the_scholar_theme(tmp_path):
    """Each command texmath lets through is defined where a formula is set: one XeLaTeX
    run of them all, no error, no missing glyph (either would fail the build)."""
    pieces = ([f"\\{name}" for name in sorted(SYMBOLS)]
              + [f"\\{name}{{x}}" for name in sorted(ONE_ARGUMENT)]
              + [f"\\{name}{{a}}{{b}}" for name in sorted(TWO_ARGUMENTS)]
              + [f"\\{symbol}" for symbol in sorted(CONTROL_SYMBOLS - {"{", "}"})]
              + [r"\{ x \}", r"\text{a \& b}", r"\left( x \right.", r"\left\langle x \right\rangle",
                 r"\sqrt[3]{x}", "f'^2_i", r"x^\alpha_\infty", r"\frac12"])
    formulas = [""]
    for piece in pieces:
        if len(formulas[-1]) + len(piece) + 1 > MAX_LENGTH:
            formulas.append("")
        formulas[-1] += f" {piece}"
    for formula in formulas:
        formula_pieces(formula)  # all known
    write(tmp_path / "m.bib", "@misc{all, author = {Lovelace, Ada}, year = {2020}, title = {"
          + " ".join(f"${formula}$" for formula in formulas) + "}}\n")
    cv = write(tmp_path / "cv.yaml", """\
        theme: scholar
        bibliography: [m.bib]
        person: {name: Ada Lovelace}
        sections:
          pubs: {title: Publications, layout: publications, query: {keys: [all]}}
        """)
    built = build_cv(cv, tmp_path / "out", formats=["pdf"])
    assert [w for w in built.warnings if "margin" not in w.message] == []
    tex = next(path for path in built.outputs if path.suffix == ".tex").read_text()
    assert tex.count(MATH_OPEN) == len(formulas)


@pytest.mark.parametrize("theme", ["classic", "scholar", "moderncv", "sidebar", "compact"])
def test_every_theme_loads_math_support_only_for_a_cv_with_math(tmp_path, theme):
    with_math = render_tex(load_document(math_cv(tmp_path, theme, csl=False))).source
    write(tmp_path / "m.bib", re.sub(r"\$[^$]*\$", "x", BIB))
    without = render_tex(load_document(tmp_path / "cv.yaml")).source
    block = re.search(r"% Formulas from BibTeX fields.*?\\usepackage\{amsmath,amssymb\}\n",
                      with_math, re.DOTALL)
    assert block is not None
    preamble = with_math.split("\\begin{document}")[0]
    assert preamble.replace(block.group(), "") == without.split("\\begin{document}")[0]
    assert MATH_OPEN not in without


@pytest.mark.parametrize(("source", "tex"), [
    (r"O(n \log n)", r"O(n \log n)"),
    (r"\frac{1}{2}", r"\frac{1}{2}"),
    ("x^2_{i}\n  + y", "x^2_{i} + y"),
    (r"\text{if } x \geq 0", r"\text{if } x \geq 0"),
    (r"\text{M\"uller's 50\% \& co}", r"\text{Müller\textquotesingle{}s 50\% \& co}"),
    (r"\sqrt[3]{x} + \left( \frac ab \right)", r"\sqrt[3]{x} + \left( \frac ab \right)"),
    ("f'^2", "f'^2"),
    (r"\operatorname{arg\,max}_x f", r"\operatorname{arg\,max}_x f"),
    (r"50\% \{x\}", r"50\% \{x\}"),
])
def test_known_math_passes_as_written(source, tex):
    assert math_latex(source) == f"\\({tex}\\)"


@pytest.mark.parametrize(("source", "reason"), [
    (r"\input{/etc/passwd}", r"uses \\input"),
    (r"\def\x{}", r"uses \\def"),
    (r"\catcode`\^=11", r"uses \\catcode"),
    (r"\csname x\endcsname", r"uses \\csname"),
    (r"\begin{array}{c}x\end{array}", r"uses \\begin"),
    (r"\mathscr{L}", r"uses \\mathscr"),
    ("a # b", "character '#'"),
    ("a % b", "character '%'"),
    ("a & b", "character '&'"),
    ("x ~ y", "character '~'"),
    ("α + 1", "character 'α'"),
    (r"a \\ b", r"control symbol \\\\"),
    ("x^", "its \\^ has no argument"),
    (r"x^\log", "its \\^ has no argument"),
    (r"x^\frac{1}{2}", "its \\^ has no argument"),
    ("x^2^3", "two superscripts"),
    ("f^2'", "two superscripts"),
    ("f' '", "two superscripts"),
    ("x_1_2", "two subscripts"),
    ("{x", "opening brace"),
    ("x}", "closing brace"),
    (r"\frac{1}", "its \\\\frac has no argument"),
    (r"\left( x", r"\\left without \\right"),
    (r"x \right)", r"\\right without \\left"),
    (r"\left x \right)", "not followed by a delimiter"),
    (r"\sqrt[\left[a\right]]{x}", "not followed by a delimiter"),
    (r"\text{\input{x}}", r"\\text\{…\} uses \\input"),
    (r"\text x", r"\\text has no"),
    ("x" * (MAX_LENGTH + 1), "characters long"),
])
def test_anything_else_is_refused_and_printed_as_text(source, reason):
    with pytest.raises(FormulaError, match=reason):
        formula_pieces(source)
    assert math_latex(source) == ""


TEX_PIECES = st.sampled_from([
    *r"ab1 ^_{}[]()'#%&$~\,=+", r"\alpha", r"\frac", r"\text", r"\left", r"\right",
    r"\input", r"\def", r"\sqrt", r"\mathcal", r"\\", r"\{", r"\%", r"\ ", "\n", "é"])


@given(st.lists(TEX_PIECES, max_size=14).map("".join))
def test_whatever_passes_uses_only_listed_commands_and_no_raw_specials(source):
    try:
        pieces = formula_pieces(source)
    except FormulaError:
        return
    tex = "".join(piece for piece in pieces if isinstance(piece, str))
    known = SYMBOLS | ONE_ARGUMENT | TWO_ARGUMENTS | {"text", "left", "right"}
    assert set(re.findall(r"\\([A-Za-z]+)", tex)) <= known
    assert not re.search(r"(?<!\\)[#%&$~]", tex) and "\n" not in tex
    assert tex.count("{") - tex.count(r"\{") == tex.count("}") - tex.count(r"\}")
    assert all(char.isascii() for char in tex)


def test_academicpages_shows_the_unicode_rendering(tmp_path):
    document = load_document(math_cv(tmp_path, csl=False))
    export_academicpages(document, tmp_path / "site")
    page = next((tmp_path / "site" / "_publications").glob("*sorting*")).read_text()
    assert "title: Sorting in O(n log n) Time with 𝒪(1) Space\n" in page
    assert "Sorting in <em>O</em>(<em>n</em> log <em>n</em>) Time" in page  # the citation
    assert "Sorting in *O*(*n* log *n*) Time" in page  # the body


def test_display_math_and_escaped_dollars_in_a_field():
    assert formula_problems(r"A $$x^2$$ law") == (
        ("$$x^2$$", "it is display math ($$…$$), which does not fit in the line of a "
                    "reference; write $…$"),)
    assert str(markup_to_rich(latex_markup(r"A $$x^2$$ law"))) == "A x2 law"
    rich = markup_to_rich(latex_markup(r"Pay $\$5 + x$ or \$3"))
    assert rich.parts[1] == Math(r"\$5 + x", (Text("$5 + x"),))
    assert to_latex(rich) == r"Pay \(\$5 + x\) or \$3"


def test_marks_written_in_a_field_cannot_pass_a_formula_to_tex():
    """The Private Use Area characters that carry a formula through citeproc-js could be
    typed into a .bib file; the LaTeX backend checks every formula's TeX again."""
    forged = (FORMULA_START + "".join(chr(0xE100 + b) for b in rb"\input{x}") + FORMULA_TEXT
              + "hi" + FORMULA_END)
    rich = markup_to_rich(latex_markup(f"A {forged} title"))
    assert rich.parts[1] == Math(r"\input{x}", (Text("hi"),))
    assert to_latex(rich) == "A hi title"
