"""Page images for the README: the first page of the repository's CVs and of the every-type
CV, as bibcv builds them (docs/zhuofu-chen-v2.png, zhuofu-chen-zh.png, pengfei-zuo.png,
every-type.png).

Builds each CV with the real XeLaTeX and turns the top of its first page into a PNG with
poppler's pdftoppm. `make images` runs this with the other picture scripts.

Usage: .venv/bin/python scripts/page_images.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bibcv.pipeline import build_cv

REPO = Path(__file__).resolve().parent.parent
PAGES = [  # the CV, pixels per inch, inches of the page's top (0: the whole page), image
    (REPO / "cv" / "zhuofu-chen-v2.yaml", 90, 0, "zhuofu-chen-v2"),
    (REPO / "cv" / "zhuofu-chen-zh.yaml", 90, 0, "zhuofu-chen-zh"),
    (REPO / "cv" / "pengfei-zuo.yaml", 60, 0, "pengfei-zuo"),
    (REPO / "tests" / "style" / "every-type.yaml", 80, 6.2, "every-type"),  # its entries
]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for cv, resolution, height, name in PAGES:
            pdf = build_cv(cv, Path(folder), formats=["pdf"]).outputs[0]
            target = REPO / "docs" / name
            crop = ["-H", str(int(height * resolution))] if height else []
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1", "-r",
                            str(resolution), *crop, str(pdf), str(target)], check=True)
            print(f"wrote {target}.png")


if __name__ == "__main__":
    main()
