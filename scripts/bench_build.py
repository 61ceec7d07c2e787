"""Benchmark bibcv's builds against the TeX engine they cannot avoid.

Run: make bench   (or .venv/bin/python scripts/bench_build.py [--runs N])

Prints one table: each figure is the median wall time of N runs of a whole
command (started with subprocess, timed with time.perf_counter), or of one
stage inside this process. Uses only the standard library, bibcv, xelatex and
make. Everything is built in a temporary folder; the repository is not touched.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIBCV = [str(Path(sys.executable).parent / "bibcv")]  # the installed command, as make runs it
CVS = sorted(p for p in (REPO / "cv").glob("*.yaml") if not p.name.startswith("_"))


def run(command: list[str], cwd: Path = REPO) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{result.stdout}{result.stderr}")
    return result.stdout + result.stderr


def median_seconds(command: list[str], runs: int, cwd: Path = REPO, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        run(command, cwd)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def one_cv(work: Path, runs: int) -> dict[str, float]:
    """A full build of one CV against one bare xelatex pass over the same .tex."""
    out = work / "one"
    run([*BIBCV, "build", str(REPO / "cv/zhuofu-chen-v2.yaml"), "-o", str(out)])
    bare = work / "bare"
    bare.mkdir()
    shutil.copy(out / "zhuofu-chen-v2.tex", bare)
    xelatex = median_seconds(["xelatex", "-interaction=batchmode", "-halt-on-error",
                              "zhuofu-chen-v2.tex"], runs, cwd=bare)
    full = median_seconds([*BIBCV, "build", str(REPO / "cv/zhuofu-chen-v2.yaml"), "-o",
                           str(out), "--force"], runs)
    return {"xelatex": xelatex, "full": full}


def no_op(work: Path, runs: int) -> float:
    """Every CV again, nothing changed: must run no engine at all."""
    out = work / "noop"
    command = [*BIBCV, "build", *map(str, CVS), "-o", str(out)]
    run(command)
    said = run(command)
    if said.count("up to date") != len(CVS):
        sys.exit(f"a no-op rebuild rebuilt something:\n{said}")
    return median_seconds(command, runs)


def large(work: Path) -> dict[str, float]:
    """A 500-publication CV over a 5,000-entry bib, stage by stage, in this process."""
    from bibcv.backends.latex import render_tex
    from bibcv.bibliography import load_bibliography
    from bibcv.compile import compile_pdf
    from bibcv.document import build_document, cv_inputs
    from bibcv.load import load_cv
    from bibcv.select import select_publications

    folder = work / "large"
    folder.mkdir()
    (folder / "refs.bib").write_text(_generated_bib(5000, mine=500), encoding="utf-8")
    (folder / "cv.yaml").write_text(
        "bibliography: [refs.bib]\nperson: {name: Ada Lovelace}\nsections:\n"
        "  papers: {title: Publications, layout: publications, query: {author: self}}\n",
        encoding="utf-8")
    figures = {}
    figures["parse"], bibliography = timed(load_bibliography, [folder / "refs.bib"])
    cv, theme = load_cv(folder / "cv.yaml")
    query = cv.sections[0].query
    figures["select"], selected = timed(select_publications, bibliography, query, cv.person)
    assert len(selected) == 500, len(selected)
    inputs = cv_inputs(cv, theme)
    figures["document"], document = timed(build_document, cv, theme, bibliography, inputs, "")
    figures["render"], rendered = timed(render_tex, document)
    figures["compile"], compiled = timed(compile_pdf, rendered.source, "cv", folder / "out")
    figures["pages"] = int(run(["pdfinfo", str(compiled.pdf)]).split("Pages:")[1].split()[0])
    return figures


def _generated_bib(count: int, mine: int) -> str:
    rng = random.Random(7)
    names = ["Grace Hopper", "Alan Turing", "Barbara Liskov", "Edsger Dijkstra", "Frances Allen",
             "Donald E. Knuth", "Leslie Lamport", "Jim Gray", "John von Neumann"]
    words = ["Scalable", "Learned", "Index", "{RDMA}", "Memory", "Caf{\\'e}", "Systems", "for",
             "Serving", "{GPU}", "Disaggregated", "100\\%", "Fast", "and", "Storage"]
    entries = []
    for index in range(count):
        authors = rng.sample(names, rng.randint(1, 5))
        if index % (count // mine) == 0:
            authors.insert(rng.randint(0, len(authors)), "Lovelace, Ada")
        title = " ".join(rng.choice(words) for _ in range(rng.randint(5, 12)))
        entries.append(
            f"@inproceedings{{p{index},\n  author = {{{' and '.join(authors)}}},\n"
            f"  title = {{{title}}},\n  booktitle = {{USENIX Annual Technical Conference}},\n"
            f"  year = {{{rng.randint(1990, 2026)}}},\n}}\n")
    return "\n".join(entries)


def many_cvs(work: Path, runs: int, count: int = 20) -> dict[str, float]:
    """`make cv` over many CVs (bibcv builds them in parallel) against one at a time."""
    project = work / "many"
    shutil.copytree(REPO / "cv", project / "cv")
    shutil.copytree(REPO / "bib", project / "bib")
    paths = []
    for index in range(count):
        path = project / "cv" / f"variant{index:02d}.yaml"
        path.write_text(f"extends: zhuofu-chen-v{index % 2 + 1}.yaml\nsections:\n"
                        f"  research:\n    title: Research Interests {index}\n", encoding="utf-8")
        paths.append(str(path))
    out = project / "out"

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)

    parallel = median_seconds(["make", "-s", "-C", str(REPO), "cv", f"CVS={' '.join(paths)}",
                               f"OUT={out}"], runs, before=clean)
    one_by_one = median_seconds(
        ["sh", "-c", " ".join(f"{' '.join(BIBCV)} build {p} -o {out} -j 1 &&" for p in paths)
         + " true"], runs, before=clean)
    return {"parallel": parallel, "serial": one_by_one, "count": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bibcv-bench-") as folder:
        work = Path(folder)
        one = one_cv(work, args.runs)
        noop = no_op(work, args.runs)
        big = large(work)
        many = many_cvs(work, max(1, args.runs // 2))
    xelatex = one["xelatex"]
    rows = [
        ("one bare xelatex pass (zhuofu-chen-v2.tex)", f"{xelatex:.3f} s", "1.00"),
        ("bibcv build, one CV, full", f"{one['full']:.3f} s", f"{one['full'] / xelatex:.2f}"),
        (f"bibcv build, all {len(CVS)} CVs, nothing changed", f"{noop:.3f} s",
         f"{noop / xelatex:.2f}"),
        ("5,000-entry bib: parse", f"{big['parse']:.3f} s", ""),
        ("500-publication CV: select", f"{big['select']:.3f} s", ""),
        ("500-publication CV: render .tex", f"{big['render']:.3f} s", ""),
        (f"500-publication CV: compile ({big['pages']} pages)", f"{big['compile']:.3f} s", ""),
        (f"make cv, {many['count']} CVs, {os.cpu_count()} processors", f"{many['parallel']:.3f} s",
         ""),
        (f"the same {many['count']} CVs one by one", f"{many['serial']:.3f} s",
         f"{many['serial'] / many['parallel']:.2f}x slower"),
    ]
    print(f"median of {args.runs} runs; ratios against one bare xelatex pass")
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'time':>9}  ratio")
    for label, seconds, ratio in rows:
        print(f"{label:<{width}}  {seconds:>9}  {ratio}")


if __name__ == "__main__":
    main()
