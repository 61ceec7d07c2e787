"""kramdown, as GitHub Pages runs it for an academicpages site: the oracle for its pages.

Jekyll renders a page's body with Liquid, then with kramdown (academicpages sets
``input: GFM``, smart quotes and ``entity_output: as_char``); its templates put
the front matter's title and excerpt through ``markdownify`` (kramdown alone).
kramdown is not CommonMark: it knows fewer backslash escapes (``\\&`` and ``\\%``
print their backslash) and opens emphasis where CommonMark would not
(``Wang*, Li*``). Ruby's kramdown, kramdown-parser-gfm and liquid are the Debian
packages scripts/system-deps.sh installs for the tests. One Ruby process per test
worker renders everything, so a property test costs milliseconds per example.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

from markdown_oracle import Rendered

RENDERER = Path(__file__).with_name("kramdown_render.rb")
# kramdown's typography (academicpages' smart quotes, and "..."), read back as typed.
TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."})


@functools.cache
def _renderer() -> subprocess.Popen[str]:
    return subprocess.Popen(["ruby", str(RENDERER)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, encoding="utf-8")


def render_kramdown(pages: list[tuple[bool, str]]) -> list[Rendered]:
    """Each (through Liquid first?, Markdown) as the site shows it; a Liquid error fails."""
    renderer = _renderer()
    assert renderer.stdin is not None and renderer.stdout is not None
    renderer.stdin.write(json.dumps(pages) + "\n")
    renderer.stdin.flush()
    answer = renderer.stdout.readline()
    assert answer, f"{RENDERER.name} stopped (is ruby-kramdown installed?)"
    rendered = []
    for (_liquid, markdown), page in zip(pages, json.loads(answer), strict=True):
        assert isinstance(page, str), f"Liquid failed on {markdown!r}: {page}"
        parsed = Rendered()
        parsed.feed(page)
        parsed.close()
        rendered.append(parsed)
    return rendered


def shown(rendered: Rendered) -> str:
    """The text a reader sees, white space collapsed, kramdown's typography undone."""
    return " ".join(rendered.text.translate(TYPOGRAPHY).split())
