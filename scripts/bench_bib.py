"""Benchmark: read and export a generated 5,000-entry BibTeX file.

Run: .venv/bin/python scripts/bench_bib.py [--entries N] [--repeat R]
Prints the median wall time of each stage over R runs and the peak resident
memory of the process. Uses only the standard library and bibcv itself.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bibcv.bibliography import load_bibliography
from bibcv.export import export_bibtex

VENUES = ["USENIX FAST", "OSDI", "{ACM} {SIGMOD}", "Proc. of the {VLDB} Endowment", "IEEE TPDS"]
WORDS = ["Scalable", "{RDMA}", "Learned", "Index", "Memory", "Disaggregated", "Caf{\\'e}",
         "{GPU}", "Serving", "Systems", "for", "and", "with", "100\\%", "Fast", "Na{\\\"i}ve"]
NAMES = ["Pengfei Zuo", "Chen, Zhuofu", "de la Vall{\\'e}e Poussin, Charles", "Yu Hua",
         "G{\\\"o}del, Kurt", "Jean-Paul Sartre", "Xingda Wei", "Zhihao Jia"]


def generate(count: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    lines = ['@string{fast = "USENIX Conference on File and Storage Technologies"}']
    for index in range(count):
        authors = " and ".join(rng.sample(NAMES, rng.randint(1, 6)))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
        venue = "fast" if index % 7 == 0 else "{" + rng.choice(VENUES) + "}"
        lines.append(
            f"@inproceedings{{entry{index},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
            f"  booktitle = {venue},\n  year = {{{rng.randint(2000, 2025)}}},\n"
            f"  month = {rng.choice(['jan', 'jun', 'dec'])},\n  pages = {{1--12}},\n"
            f"  doi = {{10.1000/{index}}},\n}}")
    return "\n\n".join(lines) + "\n"


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.bib"
        path.write_text(generate(args.entries), encoding="utf-8")
        reads, exports, rereads = [], [], []
        for _ in range(args.repeat):
            seconds, bibliography = timed(load_bibliography, [path])
            reads.append(seconds)
            seconds, text = timed(export_bibtex, bibliography, bibliography.preambles)
            exports.append(seconds)
            again = Path(folder) / "again.bib"
            again.write_text(text, encoding="utf-8")
            seconds, _ = timed(load_bibliography, [again])
            rereads.append(seconds)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size_kib = path.stat().st_size / 1024
    print(f"{args.entries} entries ({size_kib:.0f} KiB), median of {args.repeat} runs")
    print(f"{'stage':<28}{'seconds':>10}")
    for label, values in [("read (parse + resolve)", reads), ("export", exports),
                          ("read the export again", rereads)]:
        print(f"{label:<28}{statistics.median(values):>10.3f}")
    print(f"{'peak memory (MiB)':<28}{peak_mib:>10.0f}")


if __name__ == "__main__":
    main()
