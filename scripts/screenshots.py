"""Screenshots of two web pages for the README: a homepage on a laptop, a CV on a phone.

Usage: .venv/bin/python scripts/screenshots.py   (writes docs/*.png; needs Debian's chromium)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from bibcv.pipeline import build_cv  # noqa: E402
from browser import open_chromium  # noqa: E402  (tests/browser.py, shared with the tests)

SHOTS = [  # CV, viewport width and height (0: the whole page), colour scheme, screenshot
    ("pengfei-zuo", 1280, 0, "light", "docs/homepage-desktop.png"),
    ("zhuofu-chen-v2", 360, 1400, "dark", "docs/cv-phone-dark.png"),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as out, open_chromium() as browser:
        for stem, width, height, scheme, target in SHOTS:
            page = build_cv(REPO / "cv" / f"{stem}.yaml", Path(out), formats=["html"]).outputs[0]
            tab = browser.new_page()
            tab.set_viewport_size({"width": width, "height": height or 800})
            tab.emulate_media(color_scheme=scheme)
            tab.goto(page.as_uri(), wait_until="load")
            tab.screenshot(path=str(REPO / target), full_page=not height)
            tab.close()
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
