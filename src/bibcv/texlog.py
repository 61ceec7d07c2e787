"""Typesetting as a check: the overfull lines TeX reports in its log, traced to their input.

An overfull line runs into the margin; TeX says so in its log and nowhere
else, so a build that does not read the log ships the flaw silently.  Each
report over ``TOLERANCE_PT`` becomes a warning that names the CV or BibTeX line
whose text was being set there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bibcv.errors import BibcvError, Origin

TOLERANCE_PT = 1.0  # less is invisible in print
_OVERFULL = re.compile(
    r"^Overfull \\hbox \((?P<points>[\d.]+)pt too wide\) "
    r"(?:in paragraph at lines (?P<first>\d+)--(?P<last>\d+)|detected at line (?P<line>\d+)"
    r"|in alignment at lines (?P<afirst>\d+)--(?P<alast>\d+))"
    r"\n(?P<box>.*)$", re.MULTILINE)
_FONT_SWITCH = re.compile(r"\\[A-Z]+/[^ ]*/\d+(?:\.\d+)? ?|\[\]|\\[a-zA-Z]+ ?")
EXCERPT = 60


@dataclass(frozen=True)
class Overfull:
    """One overfull line: how far it sticks out, where in the .tex, and what it shows."""

    points: float
    tex_line: int  # the first .tex line of the paragraph
    text: str  # the start of the line's text, as TeX printed it to the log


def overfull_lines(log: str, tolerance: float = TOLERANCE_PT) -> list[Overfull]:
    """Every overfull \\hbox wider than tolerance, in the order TeX set them."""
    found = []
    for match in _OVERFULL.finditer(log):
        points = float(match.group("points"))
        if points <= tolerance:
            continue
        line = match.group("first") or match.group("line") or match.group("afirst")
        found.append(Overfull(points, int(line), _readable(match.group("box"))))
    return found


def _readable(box: str) -> str:
    """The text of TeX's box display, without its font names and markers."""
    text = " ".join(_FONT_SWITCH.sub("", box).split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "\u2026"


def overfull_warnings(overfull: list[Overfull], tex: Path,
                      origin_at: Callable[[int], Origin | None]) -> list[BibcvError]:
    """Warnings that name the input line each overfull line came from (else the .tex line)."""
    warnings = []
    for line in overfull:
        origin = origin_at(line.tex_line) or Origin(tex, line.tex_line)
        warnings.append(BibcvError(
            f"a line runs {line.points:.1f} pt into the margin (TeX source {tex}:{line.tex_line})"
            f": \u201c{line.text}\u201d; shorten the text or give it a place to break "
            "(a space, or a shorter word)", origin))
    return warnings
