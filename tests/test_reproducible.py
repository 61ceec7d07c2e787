"""The same inputs give the same PDF, byte for byte, in every theme; one TeX pass when enough."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bibcv.compile import compile_pdf
from bibcv.pipeline import build_cv
from bibcv.starter import create_starter
from bibcv.theme import BUILTIN_THEMES
from conftest import pdf_text

JAN_2 = int(datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc).timestamp())


def creation_date(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", "-isodates", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return next(line.split(None, 1)[1] for line in info.splitlines()
                if line.startswith("CreationDate:"))


@pytest.mark.parametrize("theme", sorted(p.name for p in BUILTIN_THEMES.iterdir()
                                         if (p / "theme.yaml").is_file()))
def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path, monkeypatch, theme):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    cv, bib, *_schema = create_starter("ada-lovelace", None, tmp_path / "cv", tmp_path / "bib")
    cv.write_text(cv.read_text().replace("theme: classic", f"theme: {theme}"))
    for path in (cv, bib):
        os.utime(path, (JAN_2 - 60, JAN_2 - 60))
    os.utime(bib, (JAN_2, JAN_2))  # the newest input dates the PDF

    first, second = (pdf_of(cv, tmp_path / name) for name in ("first", "second"))
    assert subprocess.run(["cmp", first, second]).returncode == 0
    assert creation_date(first) == "2024-01-02T03:04:05Z"

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(JAN_2 + 86400))  # wins over the inputs
    assert creation_date(pdf_of(cv, tmp_path / "third")) == "2024-01-03T03:04:05Z"


def pdf_of(cv: Path, out_dir: Path) -> Path:
    [pdf] = [path for path in build_cv(cv, out_dir, formats=("pdf",)).outputs
             if path.suffix == ".pdf"]
    return pdf


REFERENCE = r"""\documentclass{article}
%s
\begin{document}
See page \pageref{end}.\clearpage
The end.\label{end}
\end{document}
"""


def test_one_pass_with_nofiles_and_latexmk_reruns_without(tmp_path):
    one = compile_pdf(REFERENCE % r"\nofiles", "one", tmp_path)
    assert one.engine_passes == 1
    assert "See page ??." in pdf_text(one.pdf)  # \nofiles: no .aux, so a rerun cannot help

    reruns = compile_pdf(REFERENCE % "% \\nofiles in a comment does not count", "two", tmp_path)
    assert reruns.engine_passes >= 2
    assert "See page 2." in pdf_text(reruns.pdf)
