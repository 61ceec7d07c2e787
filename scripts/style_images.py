"""One image per citation style of the same CV, for the README (docs/style-*.png).

Builds tests/csl/sampler.yaml once per style with the real XeLaTeX and turns the top of
its first page into a PNG with poppler's pdftoppm.

Usage: .venv/bin/python scripts/style_images.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bibcv.pipeline import build_cv

REPO = Path(__file__).resolve().parent.parent
SAMPLER = REPO / "tests" / "csl" / "sampler.yaml"
STYLES = ("bibcv", "apa", "ieee", "association-for-computing-machinery", "chicago-author-date",
          "nature", "vancouver", "china-national-standard-gb-t-7714-2015-numeric")
RESOLUTION = 80  # pixels per inch: the text stays readable, each image about 100 kB
HEIGHT = 4.3  # inches of the page's top: the header and the publications


def main() -> None:
    source = SAMPLER.read_text(encoding="utf-8").replace(
        "[corpus.bib]", f"[{SAMPLER.with_name('corpus.bib')}]")
    with tempfile.TemporaryDirectory() as folder:
        for style in STYLES:
            cv = Path(folder) / f"sampler-{style}.yaml"
            cv.write_text(source.replace("theme: classic", f"theme: classic\nstyle: {style}"),
                          encoding="utf-8")
            pdf = build_cv(cv, Path(folder), formats=["pdf"]).outputs[0]
            target = REPO / "docs" / f"style-{style}"
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(RESOLUTION), "-H",
                            str(int(HEIGHT * RESOLUTION)), str(pdf), str(target)], check=True)
            print(f"wrote {target}.png")


if __name__ == "__main__":
    main()
