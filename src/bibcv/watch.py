"""`bibcv watch`: rebuild a CV the moment one of the files it reads changes.

What each CV reads is what its build records (``document.cv_inputs``): its
YAML chain, its .bib files, its venue table and every file of its theme. The
folders holding them are watched with watchfiles (inotify on Linux, FSEvents
on macOS, ReadDirectoryChangesW on Windows); folders rather than files,
because editors that save by writing a new file and renaming it over the old
one would end a watch on the file.

An edit rebuilds only the CVs that read the changed file, and only when its
content changed (the build record's digest decides, as for `bibcv build`).
A half-typed edit is just a failed build: its error is printed and the last
good PDF stays. When an edit changes what a CV reads (a new `extends` or .bib
file), the watch follows.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bibcv.errors import BibcvError, warning_lines
from bibcv.incremental import Inputs, is_up_to_date, recorded_inputs

# Changes are gathered until the files have been quiet this long (milliseconds): long
# enough to see an editor's write-then-rename as one change, short enough not to be felt.
# watchfiles looks this often, so a change is seen 1 to 2 times this after it is saved
# (12 ms at 5, against 36 ms at 20); waking this often costs under 1% of a processor.
QUIET_MS = 5
# How often the watcher wakes when nothing happens (milliseconds); the first wake-up
# tells us the watch is in place, later ones that the files have been quiet this long.
IDLE_WAKE_MS = 100

Builder = Callable[[Path], tuple[list[Path], list[BibcvError]]]
"""Builds one CV; returns each format's main file and the warnings (raises BibcvError)."""
Reporter = Callable[[Path, BibcvError | None], None]
"""Told each build's outcome: the CV, and its error (None: built, or up to date again)."""


@dataclass
class WatchedCV:
    """A CV and the files its last build (or attempt) read."""

    path: Path
    files: set[Path] = field(default_factory=set)
    theme: Path | None = None

    def refresh(self, out_dir: Path) -> None:
        """Learn what the CV reads now: from the CV itself, else from its last build's
        record; when neither can be read, keep the old list (and the CV file)."""
        inputs = _current_inputs(self.path) or recorded_inputs(self.path, out_dir)
        if inputs is None:
            self.files.add(self.path.resolve())
            return
        self.files = {path.resolve() for path in inputs.all_files()}
        self.theme = inputs.theme.resolve()

    def reads(self, changed: Path) -> bool:
        return changed in self.files or (self.theme is not None and self.theme in changed.parents)

    def content(self) -> str:
        """A digest of what the inputs hold now: a failed build is not retried on the same."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            digest.update(f"\0{path}\0".encode())
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def stamp(self) -> tuple[tuple[str, int, int], ...]:
        """Size and time of each input: tells whether anything moved while unwatched."""
        stamps = []
        for path in sorted(self.files):
            try:
                stat = path.stat()
            except OSError:
                stamps.append((str(path), -1, -1))
                continue
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)


def _current_inputs(cv_path: Path) -> Inputs | None:
    """What a build of the CV would read, if the CV can be loaded as it is now: a broken
    venue table or counts file is among them, so that fixing it rebuilds."""
    from bibcv.document import cv_inputs
    from bibcv.load import load_cv

    try:
        return cv_inputs(*load_cv(cv_path, keep_errors=True))
    except (BibcvError, OSError):
        return None


class Watcher:
    """Builds what is stale, then rebuilds CVs as their inputs change, until stopped."""

    def __init__(self, cv_files: Iterable[Path], out_dir: Path,
                 formats: Sequence[str] | None, build: Builder,
                 say: Callable[[str, bool], None], report: Reporter | None = None,
                 quiet: Callable[[], None] | None = None) -> None:
        self.cvs = [WatchedCV(path) for path in cv_files]
        self.out_dir, self.formats, self.build, self.say = out_dir, formats, build, say
        self.report = report or (lambda _path, _error: None)
        # Called when nothing changed for IDLE_WAKE_MS: the time for work no edit waits on.
        self.quiet = quiet or (lambda: None)
        self.attempted: dict[Path, tuple[tuple[str, int, int], ...]] = {}
        self.failed: dict[Path, str] = {}  # what each failing CV's inputs held when it failed

    def run(self) -> None:
        """Watch until Ctrl-C, which comes out as KeyboardInterrupt for the caller."""
        from watchfiles import watch

        for cv in self.cvs:
            cv.refresh(self.out_dir)
        started = False
        while True:
            folders = self._folders()
            wake_ups = watch(*folders, watch_filter=self._is_input, debounce=1600,
                             step=QUIET_MS, rust_timeout=IDLE_WAKE_MS, yield_on_timeout=True,
                             recursive=False, ignore_permission_denied=True)
            for index, changes in enumerate(wake_ups):
                if index == 0:
                    # The watch is in place now: build whatever changed before it was,
                    # so that no edit falls between a build and the watch.
                    self._catch_up()
                    if not started:
                        started = True
                        files = sum(len(cv.files) for cv in self.cvs)
                        self.say(f"{self._clock()} watching {len(self.cvs)} CV(s) "
                                 f"({files} files); Ctrl-C stops", False)
                elif changes:
                    self._rebuild_readers_of({Path(path) for _change, path in changes})
                else:
                    self.quiet()
                if self._folders() != folders:
                    break  # what the CVs read moved: watch the new folders

    def _folders(self) -> list[Path]:
        """The folders holding the inputs (a theme's subfolders among them)."""
        folders = {path.parent for cv in self.cvs for path in cv.files}
        return sorted(folder for folder in folders if folder.is_dir())

    def _is_input(self, _change: object, path: str) -> bool:
        changed = Path(path)
        return any(cv.reads(changed) for cv in self.cvs)

    def _catch_up(self) -> None:
        """Build each CV whose inputs changed since it was last tried (all of them at first)."""
        for cv in self.cvs:
            if self.attempted.get(cv.path) != cv.stamp():
                self._build_if_stale(cv, quiet_when_current=cv.path in self.attempted)

    def _rebuild_readers_of(self, changed: set[Path]) -> None:
        for cv in self.cvs:
            if any(cv.reads(path) for path in changed):
                self._build_if_stale(cv, quiet_when_current=True)

    def _build_if_stale(self, cv: WatchedCV, quiet_when_current: bool) -> None:
        self.attempted[cv.path] = cv.stamp()
        if is_up_to_date(cv.path, self.out_dir, self.formats):
            # Said at start, and when an edit undoes a failing one: the error is gone.
            if not quiet_when_current or self.failed.pop(cv.path, None):
                self.say(f"{self._clock()} {cv.path}: up to date", False)
                self.report(cv.path, None)
            return
        content = cv.content()
        if self.failed.get(cv.path) == content:
            return  # saved again unchanged: the error it gave is still on screen
        clock = self._clock()
        start = time.perf_counter()
        try:
            written, warnings = self.build(cv.path)
        except (BibcvError, OSError) as error:
            self.failed[cv.path] = content
            problem = error if isinstance(error, BibcvError) else BibcvError(
                f"cannot write the outputs: {error}")
            self.say(f"{clock} {cv.path}: {error}{self._kept(cv)}", True)
            for line in warning_lines(problem.warnings):  # warned of before it stopped
                self.say(line, True)
            self.report(cv.path, problem)
        except Exception as error:  # a bug must not end the watch; say what it was
            self.failed[cv.path] = content
            said = f"internal error, please report it: {type(error).__name__}: {error}"
            self.say(f"{clock} {cv.path}: {said}{self._kept(cv)}", True)
            self.report(cv.path, BibcvError(said))
        else:
            self.failed.pop(cv.path, None)
            self.report(cv.path, None)
            seconds = time.perf_counter() - start
            # By-products (the .tex) are not what the user waits for.
            outputs = ", ".join(str(path) for path in written if path.suffix != ".tex")
            self.say(f"{clock} {cv.path} → {outputs} {seconds:.2f} s", False)
            for line in warning_lines(warnings):
                self.say(line, True)
        cv.refresh(self.out_dir)

    def _kept(self, cv: WatchedCV) -> str:
        pdf = self.out_dir / f"{cv.path.stem}.pdf"
        return f" (kept the last good {pdf})" if pdf.is_file() else ""

    @staticmethod
    def _clock() -> str:
        return time.strftime("%H:%M:%S")
