"""Debian's Chromium, headless, driven by Playwright: for the tests and the README's screenshots.

Playwright never downloads a browser here: it starts /usr/bin/chromium (Debian's
package `chromium`, which `make test-deps` installs) with a fresh, empty profile
and without any of Chromium's own network traffic (updates, sync, QUIC).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def open_chromium() -> Iterator:
    """A browser context (Playwright's BrowserContext); one per test session is enough."""
    if not CHROMIUM.is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package "
                           "(make test-deps does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            yield context
        finally:
            context.close()


def open_page(tab, path: Path, width: int, scheme: str = "light") -> None:
    tab.set_viewport_size({"width": width, "height": 800})
    tab.emulate_media(color_scheme=scheme, media="screen")
    tab.goto(path.as_uri(), wait_until="load")
