"""Benchmark: `bibcv check` on CVs of many sections, to show how its time grows.

Run: .venv/bin/python scripts/bench_check.py [--sections 2500 5000 10000 20000]

Each CV has N bullet sections of one item each; the figure is the wall time of
one `check_cv` (load, bibliography, every backend's rendering; no TeX) inside
this process, timed with time.perf_counter. Time that doubles with N is linear;
the LaTeX source map once made it grow fourfold (issue 20, item 13).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bibcv.pipeline import check_cv


def write_cv(folder: Path, sections: int) -> Path:
    (folder / "refs.bib").write_text(
        "@article{one, author = {Ada Lovelace}, title = {Notes}, journal = {J}, year = 1843}\n")
    lines = ["bibliography: [refs.bib]", "person: {name: Ada Lovelace}", "sections:"]
    for index in range(sections):
        lines += [f"  s{index}:", f"    title: Section {index}", "    layout: bullets",
                  f"    items: [{{text: 'Item {index}, with some words in it'}}]"]
    cv = folder / f"cv{sections}.yaml"
    cv.write_text("\n".join(lines) + "\n")
    return cv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, nargs="+", default=[2500, 5000, 10000, 20000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for count in args.sections:
            cv = write_cv(Path(folder), count)
            start = time.perf_counter()
            check_cv(cv)
            print(f"check, {count:>6} sections: {time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()
