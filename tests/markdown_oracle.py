"""GitHub's own Markdown renderer (cmark-gfm), as the oracle for what a .md file shows.

Raw HTML is let through (as Jekyll's kramdown does), so any tag that bibcv
failed to escape shows up in the result instead of being dropped.
"""

from __future__ import annotations

import html.parser

import cmarkgfm
from cmarkgfm.cmark import Options

ALLOWED_LINKS = ("http://", "https://", "mailto:")


class Rendered(html.parser.HTMLParser):
    """The tags, link targets and text of a rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if name in ("href", "src")]
        if tag in ("p", "li", "h1", "h2", "h3"):
            self.text_parts.append("\n")

    def handle_comment(self, data: str) -> None:
        self.tags.append("<!--")

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def bad_links(self) -> list[str]:
        return [link for link in self.links if not link.startswith(ALLOWED_LINKS)]


def render_gfm(markdown: str) -> Rendered:
    page = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    rendered = Rendered()
    rendered.feed(page)
    rendered.close()
    return rendered
