"""How the CSL processors bibcv could use agree with citeproc-js, and what they cost.

For the CSL test corpus (tests/csl/corpus.bib) in six styles, renders every entry with
citeproc-py (pure Python), with pandoc's citeproc (when `pandoc` is installed) and with
citeproc-js (the reference processor, on Node.js), and prints, per style, how many
entries' texts agree word for word with citeproc-js and the time each took.  README's
"Citation styles (CSL)" quotes its output.

    .venv/bin/python scripts/compare_csl_processors.py
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON

from bibcv.bibliography import load_bibliography
from bibcv.csl import find_citeproc, find_style, run_citeproc
from bibcv.model import Person
from bibcv.style import CitationStyle
from bibcv.theme import DEFAULT_THEME, find_theme, load_theme
from bibcv.venues import load_venue_table

REPO = Path(__file__).resolve().parent.parent
STYLES = ("apa", "ieee", "chicago-author-date", "nature", "vancouver",
          "china-national-standard-gb-t-7714-2015-numeric")


def text(html: str) -> str:
    """An entry's words, without the number column (citeproc-py writes it inline)."""
    html = re.sub(r'<div class="csl-left-margin">.*?</div>', "", html)
    words = " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())
    return re.sub(r"^\[?\d+\]?\.?\s*", "", words)


def pandoc_texts(items: list[dict], style: Path) -> dict[str, str]:
    """pandoc --citeproc over the same CSL-JSON: every entry (nocite @*), as HTML."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "items.json"
        data.write_text(json.dumps(items), encoding="utf-8")
        out = subprocess.run(["pandoc", "--citeproc", "--csl", str(style), "--bibliography",
                              str(data), "-f", "markdown", "-t", "html"],
                             input='---\nnocite: "@*"\n---\n', capture_output=True, text=True,
                             check=True).stdout
    entries = re.split(r'<div id="ref-', out)[1:]
    return {entry.split('"', 1)[0]: text(entry.split(">", 1)[1]) for entry in entries}


def main() -> None:
    entries = list(load_bibliography([REPO / "tests" / "csl" / "corpus.bib"]))
    theme = load_theme(find_theme(DEFAULT_THEME, REPO))
    style = CitationStyle(person=Person("Nobody", []), terms=theme.terms,
                          venues=load_venue_table(None))
    items = [style.csl_item(entry) for entry in entries]
    for name in STYLES:
        csl = find_style(name, REPO)
        started = time.perf_counter()
        [reference] = run_citeproc([{"style": csl.xml, "lang": csl.default_locale or "en-US",
                                     "force": False, "items": items}], find_citeproc())
        js_seconds = time.perf_counter() - started
        started = time.perf_counter()
        agree, failed = 0, 0
        try:
            source = CiteProcJSON(json.loads(json.dumps(items)))
            bibliography = CitationStylesBibliography(
                CitationStylesStyle(str(csl.path), validate=False), source,
                citeproc_formatter.html)
            for item in items:
                bibliography.register(Citation([CitationItem(item["id"])]))
            rendered = {key: text(str(entry)) for key, entry
                        in zip(bibliography.keys, bibliography.bibliography(), strict=True)}
        except Exception as error:  # citeproc-py stops on what it does not support
            rendered, failed = {}, len(items)
            print(f"  citeproc-py failed on {name}: {type(error).__name__}: {error}",
                  file=sys.stderr)
        py_seconds = time.perf_counter() - started
        pandoc_agree, pandoc_seconds = 0, 0.0
        if shutil.which("pandoc"):
            started = time.perf_counter()
            by_pandoc = pandoc_texts(items, csl.path)
            pandoc_seconds = time.perf_counter() - started
        for item in items:
            expected = text(reference["entries"][item["id"]])
            mine = rendered.get(item["id"].lower()) or rendered.get(item["id"])
            agree += mine == expected
            if shutil.which("pandoc"):
                pandoc_agree += by_pandoc.get(item["id"]) == expected
        print(f"{name}: agree with citeproc-js: citeproc-py {agree}/{len(items)} "
              f"({failed} not rendered), pandoc {pandoc_agree}/{len(items)}; seconds: "
              f"citeproc-py {py_seconds:.2f}, pandoc {pandoc_seconds:.2f}, "
              f"citeproc-js {js_seconds:.2f} (each one process, start included)")


if __name__ == "__main__":
    main()
