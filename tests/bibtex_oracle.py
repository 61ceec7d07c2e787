"""The real bibtex as an oracle: every field and every name split it reads from a .bib file."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bibcv.bibtex_values import MONTH_NAMES

NAME_FIELDS = ("author", "editor", "translator", "bookauthor", "editora", "editorb", "holder",
               "commentator", "annotator", "introduction", "foreword", "afterword")


def texmf_dist() -> Path:
    found = subprocess.run(["kpsewhich", "-var-value", "TEXMFDIST"], capture_output=True,
                           text=True, check=True, stdin=subprocess.DEVNULL).stdout.strip()
    return Path(found)


@dataclass
class BibtexReading:
    """What bibtex read: each entry's fields, and each name's First|von|Last|Jr."""

    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    names: dict[tuple[str, str, int], tuple[str, ...]] = field(default_factory=dict)
    messages: str = ""


# The standard styles define the month macros; bibcv predefines them the same way.
MONTH_MACROS = "\n".join(f'MACRO {{{name[:3].lower()}}} {{"{name}"}}' for name in MONTH_NAMES)


def bibtex_read(bib: Path, field_names: set[str], folder: Path,
                encoding: str = "utf-8") -> BibtexReading:
    """Run bibtex with a style that prints every field and every name split it read.

    bibtex copies bytes: its output is decoded with the encoding the .bib file is read in.
    """
    shutil.copy(bib, folder / "corpus.bib")
    declared = sorted((field_names | set(NAME_FIELDS)) - {"crossref"})  # predeclared
    prints = " ".join(f'"{name}" {name} fld' for name in declared)
    names = " ".join(f'"{name}" {name} nms' for name in NAME_FIELDS)
    (folder / "corpus.bst").write_text(
        f"ENTRY {{ {' '.join(declared)} }} {{ }} {{ }}\n{MONTH_MACROS}\n"
        "INTEGERS { bibcv.index bibcv.count }\nSTRINGS { bibcv.list bibcv.part }\nREAD\n"
        "FUNCTION {fld} { duplicate$ missing$ { pop$ pop$ } "
        '{ swap$ "@@F " swap$ * "=" * swap$ * "@@E" * write$ newline$ } if$ }\n'
        "FUNCTION {nms} { duplicate$ empty$ { pop$ pop$ } { 'bibcv.list := 'bibcv.part := "
        "bibcv.list num.names$ 'bibcv.count := #1 'bibcv.index := "
        "{ bibcv.index bibcv.count #1 + < } "
        '{ "@@N " bibcv.part * " " * bibcv.index int.to.str$ * "=" * bibcv.list bibcv.index '
        '"{ff{ }}|{vv{ }}|{ll{ }}|{jj{ }}" format.name$ * "@@E" * write$ newline$ '
        "bibcv.index #1 + 'bibcv.index := } while$ } if$ }\n"
        f'FUNCTION {{show}} {{ "@@K " cite$ * write$ newline$ {prints} {names} }}\n'
        "ITERATE {show}\n", encoding="utf-8")
    (folder / "corpus.aux").write_text(
        "\\citation{*}\n\\bibstyle{corpus}\n\\bibdata{corpus}\n", encoding="utf-8")
    result = subprocess.run(["bibtex", "-terse", "-min-crossrefs=1000", "corpus"], cwd=folder,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    reading = BibtexReading(messages=result.stdout)
    bbl = (folder / "corpus.bbl").read_bytes().decode(encoding)
    records = re.sub(r"\n(?!@@) {0,2}", " ", bbl)  # bibtex breaks long lines: "\n  " for " "
    key = ""
    for line in records.splitlines():
        tag, _, rest = line.partition(" ")
        if tag == "@@K":
            key = rest
            reading.fields[key] = {}
        elif tag == "@@F":
            name, _, value = rest.rstrip(" ").removesuffix("@@E").partition("=")
            reading.fields[key][name] = value
        elif tag == "@@N":
            where, _, parts = rest.rstrip(" ").removesuffix("@@E").partition("=")
            name_field, index = where.split(" ")
            reading.names[key, name_field, int(index)] = tuple(parts.split("|"))
    return reading
