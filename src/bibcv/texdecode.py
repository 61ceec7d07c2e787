"""LaTeX-encoded BibTeX values to Unicode text.

LaTeX's text accents (``\\~{a}``, ``\\~a``, ``{\\~a}``, ``\\c c``, ``\\"{\\i}``), its
special letters (``\\o``, ``\\ss``, ``\\aa``...), the TeX logos and ``~`` are
decoded here first, exactly as XeLaTeX prints them (a test compiles the
whole table with XeLaTeX and compares); pylatexenc then handles what is left
(math, symbols, braces).  Decoding costs up to a millisecond a value, so it
is done only for what is shown, and each distinct value is decoded once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import get_default_latex_context_db as default_parsing_context
from pylatexenc.macrospec import LatexContextDb, MacroSpec

from bibcv.bibtex_values import BARE_SPECIAL

# LaTeX's text accent commands and the Unicode combining mark each one puts on its letter.
ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
    ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323",
    "c": "\u0327", "k": "\u0328", "b": "\u0332", "t": "\u0361",
}
# LaTeX's commands for letters (the T1 ones included), and the TeX logos as plain words.
LETTERS = {
    "i": "ı", "j": "ȷ", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "aa": "å", "AA": "Å",
    "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "ss": "ß", "SS": "ẞ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "dj": "đ", "DJ": "Đ", "ng": "ŋ", "NG": "Ŋ",
}
LOGOS = {
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX", "pdfTeX": "pdfTeX",
    "pdfLaTeX": "pdfLaTeX", "ConTeXt": "ConTeXt", "AmS": "AMS", "AmSTeX": "AMS-TeX",
    "eTeX": "ε-TeX", "MF": "METAFONT", "METAFONT": "METAFONT", "MP": "METAPOST",
    "METAPOST": "METAPOST", "SliTeX": "SLiTeX", "BibLaTeX": "BibLaTeX", "biblatex": "biblatex",
}
# XeLaTeX (TU encoding) puts these accents on \i and \j as the precomposed letter (í, ĵ);
# any other accent goes on the dotless letter itself (ı̇).
_DOTLESS_COMPOSED = {"ı": ("i", "`'^\"~=uvk"), "ȷ": ("j", "^v")}
_ALONE = {"^": "^", "~": "~"}  # an accent on nothing: these two are characters of their own
_SPACE = r"[ \t\n]*"
_ARGUMENT = (rf"(?:\{{{_SPACE}(?P<braced>\\[ij](?![A-Za-z])|\{{\\[ij]\}}|[^{{}}\\]{{1,2}}|)"
             rf"{_SPACE}\}}|(?P<bare>\\[ij](?![A-Za-z])|[A-Za-z0-9]))")
# A control symbol (\' \" ...) takes its argument at once; a control word (\c \v ...) needs
# a space or a brace before a bare letter.
_ACCENT = re.compile(
    rf"\\(?:(?P<symbol>[`'^~=.\"]){_SPACE}|(?P<word>[uvHtcdbrk])(?:{_SPACE}(?=\{{)|[ \t\n]+))"
    rf"{_ARGUMENT}")
_LETTER = re.compile(r"\\(" + "|".join(sorted(LETTERS, key=len, reverse=True))
                     + r")(?![A-Za-z])[ \t\n]*(?:\{\})?")
_LOGO = re.compile(r"\\(" + "|".join(sorted(LOGOS, key=len, reverse=True))
                   + r")(?![A-Za-z])[ \t\n]*(?:\{\})?")
_ASCII_SPACE = " \t\n\r"  # str.strip() would also strip no-break spaces, which are text
_SPACES = re.compile(r"[ \t\n]{2,}")
_TIE = re.compile(r"(?<!\\)~")
_NO_BREAK_STAND_IN = "\ue000"  # a private-use character: not expected in any text
# csquotes' \enquote{…} (and biblatex's \mkbibquote{…}) stand as these private-use marks
# until the CV's language puts its quotation marks there (set_quotes).
QUOTE_OPEN, QUOTE_CLOSE = "\ue020", "\ue021"
QUOTE_COMMANDS = ("enquote", "mkbibquote")
Quotes = tuple[str, str, str, str]  # outer opening and closing marks, then inner ones
ENGLISH_QUOTES: Quotes = ("\u201c", "\u201d", "\u2018", "\u2019")


@cache
def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.add_context_category("bibcv", prepend=True, macros=[
        MacroTextSpec("url", simplify_repl="%s"),
        *(MacroTextSpec(name, simplify_repl="") for name in _INVISIBLE + _HIDDEN_ARGUMENT),
        *(MacroTextSpec(name, simplify_repl="%s") for name in _ONE_ARGUMENT_AS_TEXT),
        *(MacroTextSpec(name, simplify_repl=char) for name, char in _SYMBOLS.items()),
        *(MacroTextSpec(name, simplify_repl=wrapped) for name, wrapped in _WRAPPERS.items()),
        *(MacroTextSpec(name, simplify_repl=text) for name, text in AAS_JOURNALS.items()),
        *(MacroTextSpec(name, simplify_repl=" ") for name in _LINE_BREAKS),
        MacroTextSpec("iflanguage", simplify_repl="%(2)s"),
        *(MacroTextSpec(name, simplify_repl=f"{QUOTE_OPEN}%(2)s{QUOTE_CLOSE}")
          for name in QUOTE_COMMANDS),
    ])
    # A command LaTeX does not define (\Thanh, a private macro) keeps its name as the word:
    # dropping it would lose a word of a name or title; see _command_name.
    context.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_command_name))
    return LatexNodes2Text(latex_context=context, math_mode="text", keep_braced_groups=False)


@cache
def _parsing_context() -> LatexContextDb:
    """What pylatexenc's parser must know beyond its defaults: arguments of sort tricks."""
    context = default_parsing_context()
    context.add_context_category(
        "bibcv", prepend=True,
        macros=[*(MacroSpec(name, "{") for name in (*_HIDDEN_ARGUMENT, *_ONE_ARGUMENT_AS_TEXT,
                                                    *_WRAPPERS)),
                MacroSpec("iflanguage", "{{{"),
                *(MacroSpec(name, "*{") for name in QUOTE_COMMANDS)])
    return context


# Commands pylatexenc does not know.  Any other unknown command keeps its name as the
# word (\Thanh): dropping it would lose a word of a name or title.
_INVISIBLE = (
    "relax", "protect", "xspace", "null", "ignorespaces", "unskip", "nobreak", "leavevmode",
    "nolinebreak", "allowbreak", "bgroup", "egroup", "em", "it", "bf", "sl", "sc", "rm", "sf",
    "tt", "upshape", "itshape", "bfseries", "mdseries", "normalfont", "small", "large", "Large",
    "LARGE", "footnotesize", "scriptsize", "tiny", "huge", "Huge", "normalsize", "selectfont",
    "slshape", "scshape", "rmfamily", "sffamily", "ttfamily", "/", "@", "noindent", "par",
    "smallskip", "medskip", "bigskip", "vfill", "hfill", "clearpage", "newpage", "pagebreak",
    "centering", "raggedright", "raggedleft",
    # biblatex's break points and its punctuation tracker's commands, which its manuals
    # tell .bib files to use ({Museu da Imigração\nopunct}, jan.\isdot): nothing printed
    "hyphenate", "allowhyphens", "noligature", "nopunct", "unspace", "isdot")
_LINE_BREAKS = ("newline", "linebreak")  # a space in running text
# \label{x}, and the sorting tricks .bib files define in @preamble (\noopsort{a}): hidden.
_HIDDEN_ARGUMENT = ("label", "index", "nocite", "noopsort", "sortnoop", "SortNoop", "noop",
                    "NOOP")
_ONE_ARGUMENT_AS_TEXT = ("mbox", "hbox", "textsf", "texttt", "textup", "textnormal", "textmd",
                         "textsuperscript", "textsubscript", "path", "doi", "nolinkurl")
_SYMBOLS = {"S": "§", "P": "¶", "copyright": "©", "pounds": "£", "ddag": "‡",
            "textunderscore": "_", "textbar": "|", "textless": "<", "textgreater": ">",
            "euro": "€", "textasciicircum": "^", "slash": "/", "space": " ",
            "nobreakspace": "\u00a0", "thinspace": " ", "enspace": " ",
            # biblatex's punctuation and spaces, which its manuals tell .bib files to use:
            # "300--318\addsemicolon\space 62" printed "300–318addsemicolonspace62"
            "adddot": ".", "addperiod": ".", "addcomma": ",", "addsemicolon": ";",
            "addcolon": ":", "addexclam": "!", "addquestion": "?", "addhyphen": "-",
            "addslash": "/", "adddotspace": ". ", "bibrangedash": "\u2013",
            "bibdatedash": "\u2013", "bibopenparen": "(", "bibcloseparen": ")",
            "bibopenbracket": "[", "bibclosebracket": "]",
            # and hyphens: "methodology\hyphen independent" printed "methodologyhyphenindependent"
            "hyphen": "-", "nbhyphen": "-",
            # what Nelson Beebe's bibnames.sty (which his .bib files' @preamble inputs)
            # defines: "Electronic Pub\-lish\-ing\emdash{}Orig\-i\-na\-tion" printed
            # "Publishingemdash Origination"
            "emdash": "\u2014", "ndash": "\u2013", "CMR": "Computer Modern",
            "POSTSCRIPT": "PostScript", "TUB": "TUGboat",
            **dict.fromkeys(("addspace", "addthinspace", "addabbrvspace", "addabthinspace",
                             "addlowpenspace", "addhighpenspace", "addlpthinspace",
                             "addhpthinspace"), " "),
            **dict.fromkeys(("addnbspace", "addnbthinspace"), "\u00a0")}
# biblatex's wrappers of their argument: \mkbibparens{x} is "(x)".
_WRAPPERS = {"mkbibparens": "(%s)", "mkbibbrackets": "[%s]"}

# The journal macros of NASA ADS's BibTeX (journal = {\\mnras}), as AASTeX 6.31 defines them
# (~ a no-break space; a test compiles them with aastex631.cls): every astronomer's .bib
# has them, and a CV would otherwise print "mnras" for MNRAS.
AAS_JOURNALS = {name: text.replace("~", "\u00a0") for name, text in {
    "aj": "AJ", "psj": "PSJ", "araa": "ARA&A", "apj": "ApJ", "apjl": "ApJL", "apjs": "ApJS",
    "ao": "ApOpt", "apss": "Ap&SS", "aap": "A&A", "aapr": "A&A~Rv", "aaps": "A&AS", "azh": "AZh",
    "baas": "BAAS", "icarus": "Icarus", "jaavso": "JAAVSO", "jrasc": "JRASC", "memras": "MmRAS",
    "mnras": "MNRAS", "pra": "PhRvA", "prb": "PhRvB", "prc": "PhRvC", "prd": "PhRvD",
    "pre": "PhRvE", "prl": "PhRvL", "pasp": "PASP", "pasj": "PASJ", "qjras": "QJRAS",
    "skytel": "S&T", "solphys": "SoPh", "sovast": "Soviet~Ast.", "ssr": "SSRv", "zap": "ZA",
    "nat": "Nature", "iaucirc": "IAUC", "aplett": "Astrophys.~Lett.",
    "apspr": "Astrophys.~Space~Phys.~Res.", "bain": "BAN", "fcp": "FCPh", "gca": "GeoCoA",
    "grl": "Geophys.~Res.~Lett.", "jcp": "JChPh", "jgr": "J.~Geophys.~Res.", "jqsrt": "JQSRT",
    "memsai": "Mem.~Soc.~Astron.~Italiana", "nphysa": "NuPhA", "physrep": "PhR", "physscr": "PhyS",
    "planss": "Planet.~Space~Sci.", "procspie": "Proc.~SPIE", "actaa": "AcA", "caa": "ChA&A",
    "cjaa": "ChJA&A", "jcap": "JCAP", "na": "NewA", "nar": "NewAR", "pasa": "PASA",
    "rmxaa": "RMxAA", "maps": "M&PS", "aas": "AAS Meeting Abstracts",
    "dps": "AAS/DPS Meeting Abstracts",
}.items()}


def _command_name(node: object, _decoder: object = None) -> str:
    """An unknown command's name, unless an argument follows: \\booktitle{Typeforms} (Beebe's
    bibliographies define it in @preamble, as italics) prints "Typeforms", not
    "booktitleTypeforms"; \\Thanh and \\Thanh{} print "Thanh"."""
    source = getattr(getattr(node, "parsing_state", None), "s", "")
    end = getattr(node, "pos", 0) + getattr(node, "len", 0)
    if _ARGUMENT_FOLLOWS.match(source, end):
        return ""
    return str(getattr(node, "macroname", ""))


_ARGUMENT_FOLLOWS = re.compile(r"[ \t\n]*\{(?![ \t\n]*\})")


_COMMAND = re.compile(r"\\[a-zA-Z]+\*?|\\(?=[{}])")
_HREF_TARGET = re.compile(r"\\href\s*\{[^{}]*\}")  # \href{url}{text} reads as its text


# Letters Unicode does not decompose into a base letter and a mark, as LaTeX spells them:
# ø is \\o, æ \\ae, ß \\ss, ł \\l.
_ASCII_LETTERS = str.maketrans({char: name for name, char in LETTERS.items()
                                if not unicodedata.normalize("NFKD", char).isascii()})


def to_ascii(text: str) -> str:
    """Text in ASCII letters for a file name, slug or key: accents dropped (é -> e), and the
    letters that have no accent to drop as LaTeX spells them (Ørsted -> Orsted, Łódź -> Lodz,
    Straße -> Strasse); anything else is left out."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return folded.encode("ascii", "ignore").decode()


@cache
def decode_latex(value: str, quotes: Quotes = ENGLISH_QUOTES) -> str:
    """Unicode text for a BibTeX value: braces dropped, math as text ($\\alpha$ -> α),
    \\enquote{…} in the quotation marks given (the CV's language's)."""
    return set_quotes(decode_marked(value), quotes)


def set_quotes(text: str, quotes: Quotes, depth: int = 0) -> str:
    """The quote marks of \\enquote as quotation marks, inner ones alternating as csquotes
    nests them: “a ‘b’ c”, „a ‚b‘ c“; ``depth``: how many quotes the text is inside."""
    if QUOTE_OPEN not in text and QUOTE_CLOSE not in text:
        return text
    out = []
    for char in text:
        if char == QUOTE_OPEN:
            out.append(quotes[2 if depth % 2 else 0])
            depth += 1
        elif char == QUOTE_CLOSE:
            depth -= 1
            out.append(quotes[3 if depth % 2 else 1])
        else:
            out.append(char)
    return "".join(out)


@cache
def decode_marked(value: str) -> str:
    """decode_latex's text with \\enquote's marks (QUOTE_OPEN, QUOTE_CLOSE) left in."""
    if not any(char in value for char in "\\{}$~-"):
        return value
    value = decode_text_commands(value)
    if not any(char in value for char in "\\{}$-"):
        return value.strip(_ASCII_SPACE)
    escaped = BARE_SPECIAL.sub(r"\\\1", _HREF_TARGET.sub("", value))  # bare %&# are characters
    escaped = escaped.replace("\u00a0", _NO_BREAK_STAND_IN)  # pylatexenc makes it a space
    try:
        text = _decoder().latex_to_text(escaped, latex_context=_parsing_context())
    except Exception:  # pylatexenc fails on some macros: keep the words, drop the commands
        text = " ".join(_COMMAND.sub("", value).replace("{", "").replace("}", "").split())
    text = _SPACES.sub(" ", text)  # commands that print nothing leave their spaces behind
    return text.replace(_NO_BREAK_STAND_IN, "\u00a0").strip(_ASCII_SPACE)


def decode_text_commands(value: str) -> str:
    """Accents, special letters, logos and ties as Unicode; the rest of the LaTeX stays."""
    value = _TIE.sub("\u00a0", value)
    if "\\" in value:
        value = _LOGO.sub(lambda match: LOGOS[match.group(1)], value)
        value = _ACCENT.sub(_accented, value)
        value = _LETTER.sub(lambda match: LETTERS[match.group(1)], value)
    return value


def _accented(match: re.Match[str]) -> str:
    mark = ACCENTS[match.group("symbol") or match.group("word")]
    letter = match.group("braced") if match.group("braced") is not None else match.group("bare")
    accent = match.group("symbol") or match.group("word")
    letter = letter.strip("{}")
    if letter.startswith("\\"):
        letter = LETTERS[letter[1:]]
        plain, composed = _DOTLESS_COMPOSED[letter]
        letter = plain if accent in composed else letter
    if not letter:
        return _ALONE.get(accent, "\u00a0" + mark)  # as XeLaTeX sets it: over a no-break space
    if mark == "\u0361" and len(letter) == 2:  # \t{oo}: the tie goes between the letters
        return unicodedata.normalize("NFC", letter[0] + mark + letter[1])
    return unicodedata.normalize("NFC", letter[0] + mark) + letter[1:]
