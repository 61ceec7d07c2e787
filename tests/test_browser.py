"""Every built page opened in a real browser (headless Chromium): what a visitor gets."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser import open_page

PAGES = ["pengfei-zuo", "zhuofu-chen-v1", "zhuofu-chen-v2", "newcomer"]
WIDTHS = [360, 1280]  # a small phone, a laptop


@pytest.fixture(scope="session")
def pages(built_pages, newcomer_page) -> dict[str, Path]:
    return {**built_pages, "newcomer": newcomer_page}


def allowed(href: str, page: Path) -> bool:
    """Web and mail links, or one of the page's own BibTeX files (which must exist)."""
    if href.startswith(("https://", "http://", "mailto:")):
        return True
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or parts.query:
        return False
    target = (page.parent / unquote(parts.path)).resolve()
    bib_folder = (page.parent / page.stem / "bib").resolve()
    return target.parent == bib_folder and target.suffix == ".bib" and target.is_file()


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_page_opens_cleanly_and_fits_the_screen(tab, pages, name, width):
    page = pages[name]
    open_page(tab, page, width)
    assert tab.problems == []
    assert tab.requests == [page.as_uri()]  # no font, style, script or image fetched
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    hrefs = tab.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and [href for href in hrefs if not allowed(href, page)] == []
    scripts = tab.eval_on_selector_all("script", "all => all.map(s => s.type)")
    assert scripts == ["application/ld+json"]  # data only: nothing runs


def test_light_and_dark_follow_the_system(tab, pages):
    backgrounds = {}
    for scheme in ("light", "dark"):
        open_page(tab, pages["pengfei-zuo"], 1280, scheme)
        backgrounds[scheme] = tab.evaluate(
            "getComputedStyle(document.body).backgroundColor")
    assert backgrounds == {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 22, 29)"}


def test_print_hides_the_buttons_and_prints_black_on_white(tab, pages):
    open_page(tab, pages["zhuofu-chen-v2"], 1280, "dark")
    assert tab.is_visible("ul.buttons")
    tab.emulate_media(media="print", color_scheme="dark")
    assert not tab.is_visible("ul.buttons")
    colours = tab.evaluate("[getComputedStyle(document.body).color, "
                           "getComputedStyle(document.body).backgroundColor]")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    pdf = tab.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_long_words_wrap_on_a_phone(tab, tmp_path):
    from bibcv.pipeline import build_cv
    from conftest import write

    write(tmp_path / "refs.bib", "@misc{x, author = {A B}, title = {T}, year = 2020,\n"
          "  url = {https://example.org/" + "y" * 200 + "}}\n")
    cv = write(tmp_path / "cv.yaml", f"""\
        bibliography: [refs.bib]
        person: {{name: A B, contact: {{homepage: "https://example.org/{'z' * 120}"}}}}
        sections:
          items:
            title: {'W' * 90}
            layout: entries
            items: [{{title: {'x' * 150}, location: {'L' * 60}, bullets: [{'b' * 300}]}}]
          papers: {{title: Papers, layout: publications, query: {{author: self}}}}
        """)
    page = build_cv(cv, tmp_path / "out", formats=["html"]).outputs[0]
    open_page(tab, page, 360)
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
