"""Benchmark bibcv's builds against the TeX engine they cannot avoid.

Run: make bench   (or .venv/bin/python scripts/bench_build.py [--runs N])

Prints one table: each figure is the median wall time of N runs of a whole
command (started with subprocess, timed with time.perf_counter), or of one
stage inside this process. Uses the standard library, bibcv, xelatex and
make, and Playwright with Debian's chromium (the tests' browser) to time
`bibcv serve` as a reader sees it. Everything is built in a temporary folder;
the repository is not touched.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIBCV = [str(Path(sys.executable).parent / "bibcv")]  # the installed command, as make runs it
CVS = sorted(p for p in (REPO / "cv").glob("*.yaml") if not p.name.startswith("_"))
sys.path.insert(0, str(REPO / "tests"))

from bibcv.texformat import current_copy  # noqa: E402
from browser import open_chromium  # noqa: E402  (tests/browser.py: Debian's chromium, headless)


def run(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, env=env)
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


class WatchSession:
    """`bibcv watch` on a copy of one CV; times an edit until its "→ pdf" line arrives."""

    def __init__(self, work: Path, cv: Path, command: str = "watch") -> None:
        self.project = work / f"{command}-{cv.stem}"
        shutil.copytree(REPO / "cv", self.project / "cv")
        shutil.copytree(REPO / "bib", self.project / "bib")
        self.cv = self.project / "cv" / cv.name
        self.original = self.cv.read_text(encoding="utf-8")
        extra = ["--port", "0"] if command == "serve" else []
        self.process = subprocess.Popen(
            [*BIBCV, command, str(self.cv), "-o", str(self.project / "out"), *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.edits = 0
        self.used: set[int] = set()  # the engines that made earlier edits
        self.first_line = self._wait_for(" watching " if command == "watch" else "serving ")

    def _wait_for(self, text: str) -> str:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if text in line:
                return line
            if "→" not in line and "up to date" not in line:
                sys.exit(f"bibcv said: {line}")
        sys.exit("bibcv stopped")

    def edit(self) -> str:
        """Save a visible change (the 'last updated' line of the PDF); return its text."""
        self.used.update(pid for pid, _state, _cpu in _engine_states(self.process.pid))
        self.edits += 1
        marker = f"bench edit {self.edits}"
        self.cv.write_text(f"{self.original}\nlast_updated: {marker}\n", encoding="utf-8")
        return marker

    def edit_to_pdf(self) -> Cost:
        """From saving an edit to bibcv watch reporting the new PDF."""
        cpu = self._cpu_seconds()
        start = time.perf_counter()
        self.edit()
        self._wait_for("→")
        return Cost(time.perf_counter() - start, self._cpu_seconds() - cpu)

    def _cpu_seconds(self) -> float:
        """CPU time of the watch process and of the TeX runs it has waited for (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        utime, stime, cutime, cstime = map(int, fields[11:15])
        return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")

    def wait_until_warm(self) -> None:
        """Until the next warm engine has loaded its preamble and waits (it sleeps, its CPU
        time still): the pause between edits, long enough on a busy machine too (at most
        30 s), so that no measure pays for another's warm-up."""
        deadline = time.monotonic() + 30
        last = None
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = _engine_states(self.process.pid)
            if now and now == last and all(state == "S" and pid not in self.used
                                           for pid, state, _cpu in now):
                return
            last = now

    def close(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait()


def _engine_states(parent: int) -> list[tuple[int, str, int]]:
    """The id, state and CPU time (clock ticks) of each XeLaTeX a process started (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split("(", 1)[1].rsplit(")", 1)
        except (OSError, IndexError, ValueError):
            continue
        fields = rest.split()
        if name.startswith("xelatex") and int(fields[1]) == parent:
            found.append((int(stat.parent.name), fields[0], int(fields[11]) + int(fields[12])))
    return sorted(found)


class ServeSession(WatchSession):
    """`bibcv serve` with its page open in headless Chromium; times an edit until the
    page shows it (the served script puts the new page in once its file is written)."""

    def __init__(self, work: Path, cv: Path, browser) -> None:
        super().__init__(work, cv, "serve")
        url = self.first_line.split(" at ")[1].split()[0]
        self._wait_for(" watching ")  # built: the page exists
        self.page = browser.new_page()
        self.page.goto(f"{url}{cv.stem}.html")

    def edit(self) -> str:
        """Save a visible change to the page's text; return its text."""
        self.used.update(pid for pid, _state, _cpu in _engine_states(self.process.pid))
        self.edits += 1
        marker = f"bench edit {self.edits}"
        edited = self.original.replace("pending review.", f"pending review ({marker}).", 1)
        self.cv.write_text(edited, encoding="utf-8")
        return marker

    def edit_to_page(self) -> Cost:
        start = time.perf_counter()
        marker = self.edit()
        self.page.wait_for_function(f"document.body.innerText.includes({marker!r})",
                                    timeout=60_000)
        return Cost(time.perf_counter() - start, 0.0)


def one_cv(work: Path, runs: int) -> dict[str, Cost]:
    """The goals, each against one bare xelatex pass over the same .tex.

    The measures are interleaved run by run, so a machine busy with something
    else slows all of them alike.
    """
    classic, scholar = REPO / "cv" / "zhuofu-chen-v2.yaml", REPO / "cv" / "pengfei-zuo.yaml"
    out = work / "one"
    bare = work / "bare"
    bare.mkdir()
    for cv in (classic, scholar):
        run([*BIBCV, "build", str(cv), "-o", str(out)])
        shutil.copy(out / f"{cv.stem}.tex", bare)
    xelatex = ["xelatex", "-interaction=batchmode", "-halt-on-error"]
    # The format bibcv's TeX loads: its inflated copy (see bibcv.texformat), made by the
    # builds above; a bare pass on it shows what is TeX's gain and what is bibcv's.
    inflated = current_copy()
    inflated_env = {**os.environ, "TEXFORMATS": inflated} if inflated else None
    cold = [*BIBCV, "build", str(classic), "-o", str(out), "--force"]
    noop = work / "noop"
    make_cv = ["make", "-s", "-C", str(REPO), "cv", f"OUT={noop}"]
    run(make_cv)
    # Python's bytecode caches, as a new install has none: every module compiled again.
    no_caches = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
                 "PYTHONPYCACHEPREFIX": str(work / "no-bytecode")}
    costs: dict[str, list[Cost]] = {name: [] for name in (
        "xelatex", "xelatex scholar", "xelatex inflated", "cold", "first", "uncached", "make",
        "watch", "watch scholar", "serve")}
    with contextlib.ExitStack() as stack:
        watch = WatchSession(work, classic)
        stack.callback(watch.close)
        watch_scholar = WatchSession(work, scholar)
        stack.callback(watch_scholar.close)
        browser = stack.enter_context(open_chromium())
        serve = ServeSession(work, classic, browser)
        stack.callback(serve.close)
        for session in (watch, watch_scholar, serve):
            session.wait_until_warm()
        for _ in range(runs):
            costs["xelatex"].append(cost([*xelatex, f"{classic.stem}.tex"], cwd=bare))
            costs["xelatex scholar"].append(cost([*xelatex, f"{scholar.stem}.tex"], cwd=bare))
            if inflated_env:
                costs["xelatex inflated"].append(
                    cost([*xelatex, f"{classic.stem}.tex"], cwd=bare, env=inflated_env))
            costs["cold"].append(cost(cold))
            (out / f"{classic.stem}.tex").unlink()  # no preamble to start TeX on ahead
            costs["first"].append(cost(cold))
            costs["uncached"].append(cost(cold, env=no_caches))
            said = run(make_cv)
            if said.count("up to date") != len(CVS):
                sys.exit(f"make cv with nothing changed rebuilt something:\n{said}")
            costs["make"].append(cost(make_cv))
            costs["watch"].append(watch.edit_to_pdf())
            watch.wait_until_warm()
            costs["watch scholar"].append(watch_scholar.edit_to_pdf())
            watch_scholar.wait_until_warm()
            costs["serve"].append(serve.edit_to_page())
            serve.wait_until_warm()  # its PDF is made after the page shows the edit
    return {name: Cost(statistics.median(c.wall for c in values),
                       statistics.median(c.cpu for c in values))
            for name, values in costs.items() if values}


@dataclass(frozen=True)
class Cost:
    """Wall time, and CPU time (user + system, the command's processes together).

    On a machine busy with other work, wall time grows with the wait for a
    processor; CPU time much less, so its ratio is the steadier reading.
    """

    wall: float
    cpu: float


def cost(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> Cost:
    before = os.times()
    start = time.perf_counter()
    run(command, cwd, env)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    return Cost(wall, cpu)


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


# Issue #19's goals. A CV's first build has none: TeX cannot start before Python has
# rendered the preamble, which takes the imports and the whole document (see README, Speed).
GOALS = {"watch": 0.3, "watch scholar": 0.3, "cold": 1.1, "make": 0.15}
SERVE_GOAL = 0.5  # seconds from an edit saved to the open page showing it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 15 rounds: on the 2-core virtual machine of README's table a bare pass took 0.385 to
    # 0.56 s within one hour, and the build's ratio, a median of 7 rounds, came out
    # anywhere from 1.00 to 1.24 (1.03-1.05 with 15 rounds, three runs).
    parser.add_argument("--runs", type=int, default=15,
                        help="Interleaved rounds; each figure is their median (default 15).")
    parser.add_argument("--goals", action="store_true",
                        help="Only the three measures with goals (about a minute).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bibcv-bench-") as folder:
        work = Path(folder)
        one = one_cv(work, args.runs)
        big = None if args.goals else large(work)
        many = None if args.goals else many_cvs(work, max(1, args.runs // 3))
    bare = one["xelatex"]

    def against_bare(name: str) -> str:
        reference = one["xelatex scholar"] if name.endswith("scholar") else bare
        ratio = one[name].wall / reference.wall
        cpu = f"CPU time {one[name].cpu:.3f} s, {one[name].cpu / reference.cpu:.2f}"
        if name not in GOALS:
            return f"{ratio:.2f}  ({cpu})"
        verdict = "met" if ratio <= GOALS[name] else "NOT met"
        return f"{ratio:.2f}  (goal: at most {GOALS[name]}; {verdict}; {cpu})"

    serve = one["serve"].wall
    rows = [
        ("one bare xelatex pass (zhuofu-chen-v2.tex, classic)", f"{bare.wall:.3f} s",
         f"1.00  (CPU time {bare.cpu:.3f} s)"),
        ("one bare xelatex pass (pengfei-zuo.tex, scholar)",
         f"{one['xelatex scholar'].wall:.3f} s",
         f"1.00  (CPU time {one['xelatex scholar'].cpu:.3f} s)"),
        *([("the same pass on the inflated format bibcv's TeX loads",
            f"{one['xelatex inflated'].wall:.3f} s", against_bare("xelatex inflated"))]
          if "xelatex inflated" in one else []),
        ("bibcv watch: edit saved -> new PDF (classic)", f"{one['watch'].wall:.3f} s",
         against_bare("watch")),
        ("bibcv watch: edit saved -> new PDF (scholar)", f"{one['watch scholar'].wall:.3f} s",
         against_bare("watch scholar")),
        ("bibcv build, one CV, new process, --force", f"{one['cold'].wall:.3f} s",
         against_bare("cold")),
        ("the same, a first build: no earlier .tex (TeX cannot start ahead)",
         f"{one['first'].wall:.3f} s", against_bare("first")),
        ("the same without Python's bytecode caches (all compiled again)",
         f"{one['uncached'].wall:.3f} s", against_bare("uncached")),
        (f"make cv, all {len(CVS)} CVs, nothing changed", f"{one['make'].wall:.3f} s",
         against_bare("make")),
        ("bibcv serve: edit saved -> new text in the open page", f"{serve:.3f} s",
         f"{serve / bare.wall:.2f}  (goal: at most {SERVE_GOAL} s; "
         f"{'met' if serve <= SERVE_GOAL else 'NOT met'})"),
    ]
    if big and many:
        rows += _other_rows(big, many)
    print(f"median of {args.runs} interleaved runs; ratios against one bare xelatex pass "
          f"(wall time; CPU time beside it); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} processors")
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'time':>9}  ratio")
    for label, time_taken, ratio in rows:
        print(f"{label:<{width}}  {time_taken:>9}  {ratio}")


def _other_rows(big: dict[str, float], many: dict[str, float]) -> list[tuple[str, str, str]]:
    return [
        ("5,000-entry bib: parse", f"{big['parse']:.3f} s", ""),
        ("500-publication CV: select", f"{big['select']:.3f} s", ""),
        ("500-publication CV: render .tex", f"{big['render']:.3f} s", ""),
        (f"500-publication CV: compile ({big['pages']} pages)", f"{big['compile']:.3f} s", ""),
        (f"make cv, {many['count']} CVs, {os.cpu_count()} processors", f"{many['parallel']:.3f} s",
         ""),
        (f"the same {many['count']} CVs one by one", f"{many['serial']:.3f} s",
         f"{many['serial'] / many['parallel']:.2f}x slower"),
    ]


if __name__ == "__main__":
    main()
