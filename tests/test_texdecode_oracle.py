"""LaTeX text decoding checked against XeLaTeX itself.

Every accent command of LaTeX's standard set is put on every ASCII letter
(and on the dotless i and j), each special letter command is set alone, and
XeLaTeX compiles the table; the text of the PDF (NFC) is what bibcv must
decode each spelling of the same command to.
"""

from __future__ import annotations

import os
import re
import string
import subprocess
import unicodedata
from pathlib import Path

import pytest

from bibcv.latexrich import latex_markup
from bibcv.texdecode import AAS_JOURNALS, ACCENTS, LETTERS, decode_latex, to_ascii

BASES = [*string.ascii_letters, r"\i", r"\j"]
WORD_ACCENTS = {name for name in ACCENTS if name.isalpha()}
TABLE_ACCENTS = [name for name in ACCENTS if name != "t"]  # \t joins two letters: see below
# LaTeX's text symbols for characters that are TeX syntax, and a few common others.
TEXT_SYMBOLS = ["textasciicircum", "textasciitilde", "textbackslash", "textunderscore",
                "textbar", "textless", "textgreater", "S", "P", "copyright", "pounds", "ddag",
                "textregistered", "texttrademark", "textdagger", "textbullet", "textellipsis"]


def spellings(accent: str, base: str) -> list[str]:
    """Every way a .bib file writes the accent on the letter: \\~{a} \\~a {\\~a} \\c c ..."""
    bare = f"\\{accent} {base}" if accent in WORD_ACCENTS or base.startswith("\\") else \
        f"\\{accent}{base}"
    return [f"\\{accent}{{{base}}}", bare, f"{{{bare}}}", f"\\{accent}{{{{{base}}}}}"
            if base.startswith("\\") else f"{{\\{accent}{{{base}}}}}"]


def cells() -> list[str]:
    """The LaTeX of each table cell, in the canonical \\accent{letter} spelling."""
    table = [f"\\{accent}{{{base}}}" for accent in TABLE_ACCENTS for base in BASES]
    table += [f"\\{accent}{{}}" for accent in TABLE_ACCENTS]
    table += [f"\\{name}{{}}" for name in LETTERS]
    table += [f"\\{name}{{}}" for name in TEXT_SYMBOLS]
    table += ["a~b"]
    return table


_GLYPHS = re.compile(r"^\.+\\TU/\S+ (.*)$")  # ".\TU/DejaVuSerif(0)/m/n/10 ãb"


@pytest.fixture(scope="module")
def xelatex_text(tmp_path_factory) -> list[str]:
    """What XeLaTeX typesets for each cell: the characters of its box, from \\showbox."""
    folder = tmp_path_factory.mktemp("oracle")
    rows = "\n".join(f"\\typeout{{CELL {index}}}\\setbox0\\hbox{{{cell}}}\\showbox0"
                     for index, cell in enumerate(cells()))
    (folder / "table.tex").write_text(
        "\\documentclass{article}\n\\usepackage{fontspec}\n\\setmainfont{Gentium Book Plus}\n"
        "\\showboxdepth=100 \\showboxbreadth=10000 \\tracingonline=0\n"
        "\\begin{document}\n" + rows + "\n\\end{document}\n", encoding="utf-8")
    subprocess.run(["xelatex", "-no-shell-escape", "-interaction=batchmode", "table.tex"],
                   cwd=folder, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
                   env={**os.environ, "max_print_line": "10000"})  # \showbox stops with "OK"
    log = (folder / "table.log").read_text(encoding="utf-8")
    assert "Missing character" not in log, "the oracle's font lacks a glyph"
    printed: dict[int, str] = {}
    cell = -1
    for line in log.splitlines():
        if line.startswith("CELL "):
            cell = int(line.split()[1])
            printed[cell] = ""
        elif line.startswith(".\\penalty 10000"):
            printed[cell] += "\u00a0"  # ~: an unbreakable space
        elif (glyphs := _GLYPHS.match(line)) and cell >= 0:
            printed[cell] += glyphs.group(1)
    assert len(printed) == len(cells())
    return [unicodedata.normalize("NFC", printed[index]) for index in range(len(cells()))]


def test_every_accent_on_every_letter_in_every_spelling(xelatex_text):
    wrong = []
    for accent in TABLE_ACCENTS:
        for base in BASES:
            expected = xelatex_text[cells().index(f"\\{accent}{{{base}}}")]
            for spelling in spellings(accent, base):
                if unicodedata.normalize("NFC", decode_latex(spelling)) != expected:
                    wrong.append((spelling, decode_latex(spelling), expected))
    assert wrong == []


def test_letters_empty_accents_and_no_break_space(xelatex_text):
    for index, cell in enumerate(cells()):
        if cell.endswith("{}") or not cell.startswith(
                tuple(f"\\{accent}{{" for accent in TABLE_ACCENTS)):
            assert unicodedata.normalize("NFC", decode_latex(cell)) == xelatex_text[index], cell


def test_logos_tie_accent_and_letters_in_words():
    """XeLaTeX draws logos and \\t with boxes and kerns, so these are checked by hand."""
    assert decode_latex(r"the {\TeX}book of \LaTeX{} and {\BibTeX}") == \
        "the TeXbook of LaTeX and BibTeX"
    assert decode_latex(r"Br\o nsted, {\AA}ngstr{\"o}m, Stra{\ss}e, \L{}\'od\'z") == \
        "Brønsted, Ångström, Straße, Łódź"
    assert decode_latex("Jo\\~{a}o a\u00a0b x~y") == "João a\u00a0b x\u00a0y"
    assert decode_latex(r"\t{oo} \t{ts}") == "o\u0361o t\u0361s"



@pytest.mark.parametrize(("latex", "text"), [
    (r"\Thanh{} Nguyen", "Thanh Nguyen"),  # undefined in LaTeX: the name is kept, not lost
    # Beebe's printing-history.bib (its @preamble defines \booktitle); biblatex-archaeologie's
    # place macros: an unknown command's argument is the text, babel's \iflanguage its "then"
    (r"Review: {Young, \booktitle{Field \& Tuer}}", "Review: Young, Field & Tuer"),
    (r"\iflanguage{english}{Tuebingen}{\iflanguage{german}{T\"ubingen}{}}", "Tuebingen"),
    (r"\noopsort{a}Zeta, \label{l}x\index{i}", "Zeta, x"),
    (r"one\newline two {\em three} \textsc{four}", "one two three four"),
    (r"\url{https://x.org/a%20b} 100\% \S 3", "https://x.org/a%20b 100% §3"),
])
def test_commands_beyond_accents(latex, text):
    assert decode_latex(latex) == text


@pytest.mark.parametrize(("text", "ascii_text"), [
    ("Zoë van der Berg-Ørsted", "Zoe van der Berg-Orsted"),
    ("Łódź Straße Æsir Œuvre þing Đorđe ıi", "Lodz Strasse AEsir OEuvre thing DJordje ii"),
])
def test_letters_without_an_accent_to_drop_become_ascii_as_latex_spells_them(text, ascii_text):
    """`bibcv init --name "Zoë van der Berg-Ørsted"` wrote cv/zoe-van-der-berg-rsted.yaml:
    NFKD drops accents but has no ASCII for ø, ł, ß, æ (also academicpages slugs, sync keys)."""
    assert to_ascii(text) == ascii_text


def aastex_journals() -> dict[str, str]:
    """Each journal macro of the AASTeX class TeX Live ships, as its last definition
    reads: \\newcommand\\mnras{\\ref@jnl{MNRAS}}."""
    found = subprocess.run(["kpsewhich", "aastex631.cls"], capture_output=True, text=True)
    assert found.stdout.strip(), "aastex631.cls comes with texlive-publishers, a test package"
    source = Path(found.stdout.strip()).read_text(encoding="latin-1")
    return dict(re.findall(r"^\\(?:re)?newcommand\\(\w+)\{\\ref@jnl\{(.*?)\}\}", source, re.M))


def test_ads_journal_macros_read_as_aastex_defines_them():
    """ADS exports write journal = {\\aap}: found printed as "aap" in a French CV built
    from an astronomer's public .bib."""
    journals = aastex_journals()
    assert len(journals) == len(AAS_JOURNALS) == 60
    for name, body in journals.items():
        assert decode_latex(f"\\{name}") == decode_latex(body) == AAS_JOURNALS[name], name
    assert latex_markup(r"{\aap} and \mnras") == "A&amp;A and MNRAS"  # what citeproc-js gets
