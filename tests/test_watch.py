"""`bibcv watch` as a user runs it: a subprocess on a copy of real CVs, edited under it."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bibcv.watch import WatchedCV
from conftest import REPO, pdf_text, squash, write

DEADLINE = 60.0  # seconds to wait for one expected line; a loaded machine builds slowly
REBUILT = r"^\d\d:\d\d:\d\d cv/{stem}\.yaml → out/{stem}\.pdf \d+\.\d\d s$"


class WatchProcess:
    """`bibcv watch` running in a project folder; its output read line by line."""

    def __init__(self, project: Path, *cvs: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bibcv", "watch", *(f"cv/{cv}.yaml" for cv in cvs),
             "-o", "out"],
            cwd=project, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", env=env)
        self._start_reading()

    def _start_reading(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str) -> str:
        """The next line matching pattern (lines before it are kept in self.seen)."""
        deadline = time.monotonic() + DEADLINE
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.seen))

    def stop(self) -> str:
        """Ctrl-C, as a terminal sends it; what the process printed from then on."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=DEADLINE)
        self.reader.join(timeout=DEADLINE)  # it has read everything once the pipe closes
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        self.seen += rest
        return "\n".join(rest)

    def kill(self) -> None:
        """Stop it if still running: SIGTERM, so that its warm TeX engines and their
        folders go with it; SIGKILL only if that does not stop it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "cv", tmp_path / "cv")
    shutil.copytree(REPO / "bib", tmp_path / "bib")
    # A small CV of someone else, with a .bib of its own.
    write(tmp_path / "bib" / "ada.bib", """\
        @article{engine, author = {Ada Lovelace}, title = {Notes on the Analytical Engine},
                 journal = {Scientific Memoirs}, year = {1843}}
        """)
    write(tmp_path / "cv" / "ada.yaml", """\
        bibliography: [../bib/ada.bib]
        person: {name: Ada Lovelace}
        sections:
          papers: {title: Publications, layout: publications, query: {author: self}}
        """)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edit_rebuilds_error_keeps_last_pdf_and_ctrl_c_stops(project):
    watch = WatchProcess(project, "zhuofu-chen-v2")
    try:
        watch.expect(REBUILT.format(stem="zhuofu-chen-v2"))
        watch.expect("watching 1 CV")
        first_engine = waiting_engine(watch.process.pid)  # started once the watch is quiet
        cv = project / "cv" / "zhuofu-chen-v2.yaml"
        pdf = project / "out" / "zhuofu-chen-v2.pdf"

        edit(cv, "Two papers are pending review.", "Two papers are under review at NSDI.")
        watch.expect(REBUILT.format(stem="zhuofu-chen-v2"))
        assert "under review at NSDI" in squash(pdf_text(pdf))
        assert waiting_engine(watch.process.pid) != first_engine  # used, and the next one waits

        good = pdf.read_bytes()
        with cv.open("a", encoding="utf-8") as half_typed:
            half_typed.write("  awards: [\n")
        line = watch.expect(r"cv/zhuofu-chen-v2\.yaml:\d+: ")
        assert "kept the last good out/zhuofu-chen-v2.pdf" in line
        assert pdf.read_bytes() == good

        edit(cv, "  awards: [\n", "")  # back to what the PDF was built from
        watch.expect(r"^\d\d:\d\d:\d\d cv/zhuofu-chen-v2\.yaml: up to date$")
        rest = watch.stop()
    finally:
        watch.kill()
    assert watch.process.returncode == 0
    assert "stopped watching" in rest
    assert "Traceback" not in "\n".join(watch.seen)


def test_bib_edit_rebuilds_only_the_cvs_that_read_it(project):
    watch = WatchProcess(project, "ada", "zhuofu-chen-v1", "zhuofu-chen-v2")
    try:
        watch.expect("watching 3 CV")
        start = len(watch.seen)
        edit(project / "bib" / "zhuofu-chen.bib", "Fine-Grained", "Fine-grained")
        # Then an edit only Ada's CV reads: its line, once, must be the last one.
        first = watch.expect(r"→")
        second = watch.expect(r"→")
        edit(project / "bib" / "ada.bib", "Analytical Engine", "Analytical Engine of Babbage")
        watch.expect(REBUILT.format(stem="ada"))
    finally:
        watch.kill()
    rebuilt = sorted(re.search(r" cv/(\S+)\.yaml →", line)[1] for line in (first, second))
    assert rebuilt == ["zhuofu-chen-v1", "zhuofu-chen-v2"]
    later = [line for line in watch.seen[start:] if "→" in line]
    assert len(later) == 3 and "cv/ada.yaml" in later[-1], later
    assert "of Babbage" in squash(pdf_text(project / "out" / "ada.pdf"))


def waiting_engine(pid: int) -> int:
    """The one warm engine of a watch process, once it has started."""
    deadline = time.monotonic() + DEADLINE
    while len(engines := tex_children(pid)) != 1:
        assert time.monotonic() < deadline, engines
        time.sleep(0.02)
    return engines[0]


def tex_children(pid: int) -> list[int]:
    """The XeLaTeX processes a process started (warm engines wait as its children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            name, parent = fields[0].split("(", 1)[1], int(fields[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid and name.startswith("xelatex"):
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_stopping_watch_leaves_no_tex_and_no_temporary_folder(project, tmp_path, stop):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    watch = WatchProcess(project, "zhuofu-chen-v2", env={**os.environ, "TMPDIR": str(private_tmp)})
    try:
        watch.expect("watching 1 CV")
        edit(project / "cv" / "zhuofu-chen-v2.yaml", "Two papers are pending review.",
             "Two papers are under review at NSDI.")
        watch.expect(REBUILT.format(stem="zhuofu-chen-v2"))
        deadline = time.monotonic() + DEADLINE
        while not (engines := tex_children(watch.process.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert engines, "no warm TeX engine is waiting for the next edit"
        assert list(private_tmp.glob("bibcv-*"))
        watch.process.send_signal(stop)
        watch.process.wait(timeout=DEADLINE)
    finally:
        watch.kill()
    assert watch.process.returncode == 0
    assert not [pid for pid in engines if Path(f"/proc/{pid}").exists()]
    assert not list(private_tmp.glob("bibcv-*"))


def test_a_broken_venue_table_is_watched_so_fixing_it_rebuilds(project):
    """The venue table and the citation counts are read with the CV (their problems are
    reported with its own); a CV whose table is broken still watches the table."""
    write(project / "cv" / "venues.yaml", "Scientific Memoirs:\n")
    cv = project / "cv" / "ada.yaml"
    cv.write_text("venues: venues.yaml\n" + cv.read_text(encoding="utf-8"), encoding="utf-8")
    watched = WatchedCV(cv)
    watched.refresh(project / "out")  # no build before: nothing recorded to fall back on
    assert (project / "cv" / "venues.yaml").resolve() in watched.files
