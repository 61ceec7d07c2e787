"""Which formulas from BibTeX fields are set in TeX's math mode, and as what TeX.

``$O(n \\log n)$`` in a title is the author's formula; the PDF sets it as math, every
other output shows its Unicode rendering (``latexrich``).  But a formula is user data
handed to TeX, so it passes only when every piece of it is known: it is read token by
token, every command must be on the list below (Greek letters, operator names,
relations, arrows, fractions, roots, accents, math alphabets, ``\\text``, ``\\left`` and
``\\right``: what amsmath and amssymb define), and its shape is checked as TeX would
read it (balanced braces, an argument for every ``^`` and ``_``, no second superscript
on one base, two arguments for ``\\frac``, ``\\left`` closed by ``\\right``), so that no
formula that passes can stop the build with a TeX error.  ``\\text{…}`` holds text,
decoded and escaped as all text is.  Anything else (``\\input``, ``\\def``, ``#``,
``&``, ``%``, an environment, a formula longer than ``MAX_LENGTH``) raises
``FormulaError``, saying what, and the formula is printed as text instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bibcv.texdecode import decode_latex

MAX_LENGTH = 200  # characters: a formula in a title, not a page of mathematics

def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


GREEK = _names(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta "
    "Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega")
# Commands that take no argument: symbols, operator names, relations, arrows, dots.
SYMBOLS = GREEK | _names(
    "log ln lg exp sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh min max sup "
    "inf lim liminf limsup det dim ker deg gcd arg Pr hom "
    "cdot times div pm mp ast star circ bullet oplus otimes odot setminus wedge vee cap cup "
    "leq le geq ge neq ne approx sim simeq cong equiv propto ll gg leqslant geqslant lesssim "
    "gtrsim prec succ preceq succeq in notin ni subset subseteq supset supseteq mid parallel "
    "perp models vdash "
    "to rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow mapsto "
    "longrightarrow longmapsto implies iff uparrow downarrow "
    "infty sum prod coprod int iint oint partial nabla forall exists neg lnot land lor "
    "emptyset varnothing ell hbar prime top bot angle triangle Box "
    "ldots cdots dots vdots ddots "
    "lceil rceil lfloor rfloor langle rangle lvert rvert lVert rVert "
    "quad qquad")
ONE_ARGUMENT = _names(
    "mathcal mathbb mathbf mathrm mathit mathsf mathtt mathfrak boldsymbol operatorname "
    "hat bar tilde vec dot ddot check breve overline underline widehat widetilde sqrt")
TWO_ARGUMENTS = _names("frac dfrac tfrac binom")
# \, \; \: \! and \  (spaces), and the escaped special characters.
CONTROL_SYMBOLS = frozenset(",;:! {}|%&#$_")
# What may follow \left and \right.
DELIMITERS = frozenset("()[]|./") | _names(
    r"\{ \} \| \langle \rangle \lceil \rceil \lfloor \rfloor \lvert \rvert \lVert \rVert")
# Commands that are one math character, so TeX takes them as an argument without braces.
_SINGLE_TOKEN_ARGUMENTS = frozenset(
    "\\" + name for name in GREEK | {"infty", "prime", "ast", "star", "ell", "partial", "nabla"})
# Characters that are themselves in math: letters, digits, signs and punctuation.
_ORDINARY = re.compile(r"[A-Za-z0-9+\-=<>()\[\],.;:!?/|*@]")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\[^A-Za-z]?|\s+|.", re.DOTALL)


class FormulaError(ValueError):
    """A formula bibcv does not set as math; the message says what in it is not known, and
    ``command`` is the command it does not know, if that is why."""

    def __init__(self, message: str, command: str = "") -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class TextArgument:
    """The text of ``\\text{…}``, decoded: the LaTeX backend escapes it."""

    text: str


Piece = str | TextArgument


@cache
def formula_pieces(source: str) -> tuple[Piece, ...]:
    """The formula as TeX for math mode, in pieces: TeX, and ``\\text`` text to escape.
    Raises FormulaError for a formula that is not known math (see the module's docstring)."""
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"it is {len(source)} characters long (at most {MAX_LENGTH} are "
                           "typeset)")
    reader = _Reader(source)
    reader.expression(stop=())
    return tuple(reader.out)


class _Reader:
    """A recursive reading of the formula's tokens, writing the checked TeX as it goes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _TOKEN.findall(source)
        self.index = 0
        self.out: list[Piece] = []

    def peek(self) -> str:
        while self.index < len(self.tokens) and self.tokens[self.index].isspace():
            self.index += 1
            self.out.append(" ")
        return self.tokens[self.index] if self.index < len(self.tokens) else ""

    def take(self) -> str:
        token = self.peek()
        self.index += 1
        self.out.append(token)
        return token

    def expression(self, stop: tuple[str, ...]) -> None:
        """Items up to one of the stop tokens (not taken) or the end."""
        superscript = subscript = False
        while (token := self.peek()) and token not in stop:
            if token in ("^", "'"):
                if superscript:
                    raise FormulaError("it has two superscripts on one base (write x^{ab}, "
                                       "not x^a^b)")
                if token == "'":  # primes: a superscript that a ^ right after them joins
                    self.take()
                    while self.tokens[self.index:self.index + 1] == ["'"]:
                        self.take()
                    superscript = self.tokens[self.index:self.index + 1] != ["^"]
                    continue
                self.take()
                self.argument("^")
                superscript = True
            elif token == "_":
                if subscript:
                    raise FormulaError("it has two subscripts on one base (write x_{ab}, "
                                       "not x_a_b)")
                self.take()
                self.argument("_")
                subscript = True
            else:
                self.atom(token)
                superscript = subscript = False

    def atom(self, token: str) -> None:
        if token == "{":
            self.group()
        elif token.startswith("\\"):
            self.command(token)
        elif _ORDINARY.fullmatch(token):
            self.take()
        elif token == "}":
            raise FormulaError("it has a closing brace } without an opening one")
        else:
            raise FormulaError(f"it has the character {token!r}, which bibcv does not "
                               "typeset in math")

    def group(self) -> None:
        self.take()
        self.expression(stop=("}",))
        if self.peek() != "}":
            raise FormulaError("it has an opening brace { without a closing one")
        self.take()

    def argument(self, of: str) -> None:
        """A command's or a script's argument: a group, a character or a symbol."""
        token = self.peek()
        if token == "{":
            self.group()
        elif _ORDINARY.fullmatch(token) or token in _SINGLE_TOKEN_ARGUMENTS:
            self.take()
        else:
            raise FormulaError(f"its {of} has no argument")

    def command(self, token: str) -> None:
        name = token[1:]
        if len(token) <= 2 and not name.isalpha():
            if name not in CONTROL_SYMBOLS or not name:
                raise FormulaError(f"it has the control symbol {token}, which bibcv does "
                                   "not typeset in math", token)
            self.take()
        elif name in SYMBOLS:
            self.take()
        elif name in ONE_ARGUMENT:
            self.take()
            if name == "sqrt" and self.peek() == "[":
                self.optional()
            self.argument(token)
        elif name in TWO_ARGUMENTS:
            self.take()
            self.argument(token)
            self.argument(token)
        elif name == "text":
            self.text()
        elif name == "left":
            self.take()
            self.delimiter(token)
            self.expression(stop=(r"\right",))
            if self.peek() != r"\right":
                raise FormulaError(r"it has \left without \right")
            self.take()
            self.delimiter(r"\right")
        elif name == "right":
            raise FormulaError(r"it has \right without \left")
        else:
            raise FormulaError(f"it uses {token}, which is not one of the math commands "
                               "bibcv typesets", token)

    def optional(self) -> None:
        """\\sqrt's [n]: TeX ends it at the first ] outside braces, wherever that is."""
        self.take()
        depth, end = 0, self.index
        while end < len(self.tokens) and (depth or self.tokens[end] != "]"):
            depth += {"{": 1, "}": -1}.get(self.tokens[end], 0)
            end += 1
        if end == len(self.tokens):
            raise FormulaError(r"its \sqrt[ has no closing ]")
        inner = _Reader("")
        inner.tokens = self.tokens[self.index:end]
        inner.expression(stop=())
        self.out += [*inner.out, "]"]
        self.index = end + 1

    def delimiter(self, after: str) -> None:
        if self.peek() not in DELIMITERS:
            raise FormulaError(f"its {after} is not followed by a delimiter")
        self.take()

    def text(self) -> None:
        r"""\text{…}: its content is text, so no command in it but accents and escapes."""
        self.take()
        if self.peek() != "{":
            raise FormulaError(r"its \text has no {…} argument")
        self.index += 1
        depth, start = 1, self.index
        while self.index < len(self.tokens) and depth:
            token = self.tokens[self.index]
            depth += {"{": 1, "}": -1}.get(token, 0)
            if re.fullmatch(r"\\[A-Za-z]+", token):
                raise FormulaError(rf"its \text{{…}} uses {token}; only text is typeset there",
                                   token)
            self.index += 1
        if depth:
            raise FormulaError(r"its \text{ has no closing brace")
        content = "".join(self.tokens[start:self.index - 1])
        lead = " " if content[:1].isspace() else ""
        trail = " " if content[-1:].isspace() and content.strip() else ""
        self.out += ["{", TextArgument(lead + decode_latex(content).strip() + trail), "}"]
