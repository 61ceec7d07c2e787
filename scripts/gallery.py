"""The theme gallery for the README: one CV in every built-in theme, its PDF's first page
and the top of its web page.

Usage: .venv/bin/python scripts/gallery.py   (writes docs/themes/*.png; needs poppler's
pdftoppm and Debian's chromium)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from bibcv.pipeline import build_cv  # noqa: E402
from bibcv.theme import builtin_themes  # noqa: E402
from browser import open_chromium  # noqa: E402  (tests/browser.py, shared with the tests)

CV = REPO / "cv" / "zhuofu-chen-v2.yaml"
TARGET = REPO / "docs" / "themes"
PAGE_DPI = 60
WEB_VIEW = {"width": 1000, "height": 760}


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, open_chromium() as browser:
        out = Path(folder)
        for theme in builtin_themes():
            cv = out / f"{CV.stem}-{theme}.yaml"
            cv.write_text(f"extends: {CV}\ntheme: {theme}\n", encoding="utf-8")
            pdf, _tex, page = build_cv(cv, out, formats=["pdf", "html"]).outputs[:3]
            image = TARGET / f"{theme}.png"
            subprocess.run(["pdftoppm", "-r", str(PAGE_DPI), "-f", "1", "-l", "1", "-png",
                            "-singlefile", str(pdf), str(image.with_suffix(""))], check=True)
            tab = browser.new_page()
            tab.set_viewport_size(WEB_VIEW)
            tab.emulate_media(color_scheme="light")
            tab.goto(page.as_uri(), wait_until="load")
            tab.screenshot(path=str(TARGET / f"{theme}-web.png"))
            tab.close()
            print(f"wrote {image} and {theme}-web.png")


if __name__ == "__main__":
    main()
