"""User-facing errors.

Every mistake a user can make is reported as a BibcvError carrying the file
and 1-based line it came from, so the CLI can print ``file:line: message``
and exit 1 without a traceback.  A stage that finds several mistakes raises
them together as BibcvErrors, so one run shows them all, with the warnings
found before them: a run that stops says those too, as one that succeeds does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Origin:
    """Where a value was written: a file and a 1-based line (0 when unknown)."""

    file: Path
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


class BibcvError(Exception):
    """A problem in the user's input that they can fix."""

    # What the run warned of before this stopped it (BibcvErrors sets them).
    warnings: tuple[BibcvError, ...] = ()

    def __init__(self, message: str, origin: Origin | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}" if self.origin else self.message


class BibcvErrors(BibcvError):
    """Several problems found by one stage, sorted by file and line."""

    def __init__(self, problems: list[BibcvError],
                 warnings: Iterable[BibcvError] = ()) -> None:
        self.problems = in_reading_order({str(problem): problem for problem in problems}.values())
        first = self.problems[0]
        super().__init__(first.message, first.origin)
        self.warnings = tuple(warnings)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def each_problem(error: BibcvError) -> list[BibcvError]:
    """The problems an error stands for: a stage's several, or the one."""
    return error.problems if isinstance(error, BibcvErrors) else [error]


def warning_lines(warnings: Iterable[BibcvError]) -> list[str]:
    """Each warning as every command prints it, ``file:line: warning: …``, in reading order."""
    return [f"{warning.origin}: warning: {warning.message}" if warning.origin
            else f"warning: {warning.message}" for warning in in_reading_order(warnings)]


def in_reading_order(problems: Iterable[BibcvError]) -> list[BibcvError]:
    """By file, line and message: the same input always reports in the same order."""
    return sorted(problems, key=_position)


def _position(problem: BibcvError) -> tuple[str, int, str]:
    if problem.origin is None:
        return ("", 0, problem.message)
    return (str(problem.origin.file), problem.origin.line, problem.message)
