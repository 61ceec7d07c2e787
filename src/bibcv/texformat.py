"""XeLaTeX's format, kept inflated: every TeX pass loads it faster, to the same PDF.

A pass begins by loading the format, xelatex.fmt: LaTeX and its settings, dumped
ahead of time. TeX Live keeps it gzip-compressed (8.7 MB, 31 MB inflated), and
inflating it was 0.05 s of the 0.35 s of processor time of a pass over a CV here.
TeX reads the format through zlib's gzread, which reads a file that is not
compressed as it is: so bibcv keeps an inflated copy of the format and points
TeX at it (TEXFORMATS). It is the same format, so the PDF is the same, byte for
byte; a bare ``xelatex`` run on the copy gives the same PDF as on the original.

The copy lives in the user's cache folder (``$XDG_CACHE_HOME/bibcv`` or
``~/.cache/bibcv``), made once after the first build on a machine, and again
whenever the format changes. It is used only while it is the copy of the format
XeLaTeX itself would load:

- its folder is named after the original's size and modification time, so an
  update of TeX Live (which makes the format again) is not served an old copy;
- which format XeLaTeX loads is what ``kpsewhich`` says, asked once per bibcv
  process as TeX starts. TeX starts on the copy of the format found last time;
  if kpsewhich now names another file (a format made with ``fmtutil-user``,
  another TEXFORMATS), that engine is not used and the pass runs on the format
  kpsewhich named (see warmtex).

A folder that is not the user's own, or that others may write, is not used: a
format is TeX code. Without a cache folder, TeX loads the original as before.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import zlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING: typing is not imported before TeX starts
if TYPE_CHECKING:
    from typing import BinaryIO

FORMAT = "xelatex.fmt"
_LOOKUP = ["kpsewhich", "-engine=xetex", "-progname=xelatex", FORMAT]
_LOOKUP_SECONDS = 10.0  # kpsewhich answers in a hundredth of a second
_KPATHSEA_SYNTAX = set(":;$!{},~")  # separators, variables, braces, home: see kpathsea's manual
_lock = threading.Lock()  # guards the two below, and the cache while a copy is made
_lookup: subprocess.Popen | None = None  # kpsewhich, asked once per process
_answer: list[str | None] = []  # what it said, once read: the format's path, or None


def cache_folder() -> str | None:
    """Where the copies are kept: bibcv's folder in the user's cache folder; None when
    TEXFORMATS could not name it (kpathsea would read some of its characters as syntax)."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.normpath(os.path.join(root, "bibcv", "xelatex-format"))
    return None if _KPATHSEA_SYNTAX.intersection(folder) else folder


def recorded_copy() -> str | None:
    """The folder holding a current copy of the format kpsewhich named last time, for
    an engine to start on before kpsewhich has answered in this process."""
    source = _recorded_source()
    return copy_folder(source) if source is not None else None


def current_copy() -> str | None:
    """The folder holding a copy of the format XeLaTeX would load now, if there is one."""
    source = _looked_up()
    if source is None:
        return None
    cache = cache_folder()
    if _recorded_source() != source and cache is not None and os.path.isdir(cache):
        with contextlib.suppress(OSError):  # a read-only cache: asked again next time
            _write_atomically(_record_file(cache), source.encode("utf-8"))
    return copy_folder(source)


def copy_folder(source: str) -> str | None:
    """The folder of the copy of format file ``source``, if it is there and safe to use."""
    cache = cache_folder()
    if cache is None:
        return None
    try:
        folder = os.path.join(cache, _copy_name(source, os.stat(source)))
        safe = all(_private(os.stat(path)) for path in (folder, os.path.join(folder, FORMAT)))
    except OSError:
        return None
    return folder if safe else None


def start_lookup() -> None:
    """Ask kpsewhich which format XeLaTeX loads, once per process, in bibcv's environment:
    TeX's adds only the lock-down, which is about the document's files."""
    global _lookup
    with _lock:
        if _lookup is not None or _answer:
            return
        try:
            _lookup = subprocess.Popen(_LOOKUP, cwd="/", stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       start_new_session=True)
        except OSError:  # no kpsewhich: TeX loads its own format
            _answer.append(None)


def make_copy() -> None:
    """Inflate the format XeLaTeX loads into the cache, unless a copy is there already,
    and remove copies of other formats: 0.1 s, once a machine and format."""
    source, cache = _looked_up(), cache_folder()
    if source is None or cache is None or copy_folder(source) is not None:
        return
    import gzip
    import shutil

    with _lock, contextlib.suppress(OSError, EOFError, zlib.error, gzip.BadGzipFile):
        if copy_folder(source) is not None:  # another thread made it meanwhile
            return
        folder = os.path.join(cache, _copy_name(source, os.stat(source)))
        os.makedirs(folder, exist_ok=True)
        os.chmod(folder, 0o700)
        with gzip.open(source) as original:
            _write_atomically(os.path.join(folder, FORMAT), original)
        _write_atomically(_record_file(cache), source.encode("utf-8"))
        for old in os.scandir(cache):
            if old.is_dir(follow_symlinks=False) and old.path != folder:
                shutil.rmtree(old.path, ignore_errors=True)


def _looked_up() -> str | None:
    """kpsewhich's answer: the format file XeLaTeX loads (None when it names none)."""
    start_lookup()
    with _lock:
        if not _answer:
            assert _lookup is not None
            try:
                said = _lookup.communicate(timeout=_LOOKUP_SECONDS)[0]
            except subprocess.TimeoutExpired:
                _lookup.kill()
                said = _lookup.communicate()[0]
            path = said.decode("utf-8", "replace").strip()
            _answer.append(path if _lookup.returncode == 0 and os.path.isabs(path) else None)
        return _answer[0]


def _recorded_source() -> str | None:
    cache = cache_folder()
    if cache is None:
        return None
    try:
        with open(_record_file(cache), encoding="utf-8") as record:
            return record.read()
    except (OSError, UnicodeDecodeError):
        return None


def _private(status: os.stat_result) -> bool:
    """The user's own, and nobody else may change it: a format is TeX code."""
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _copy_name(source: str, status: os.stat_result) -> str:
    """The copy's folder: the original's path (as a checksum), size and time."""
    return f"{zlib.crc32(source.encode('utf-8')):08x}-{status.st_size}-{status.st_mtime_ns}"


def _record_file(cache: str) -> str:
    """Which format kpsewhich named last time, for the next process to start TeX on."""
    return os.path.join(cache, "source")


def _write_atomically(target: str, data: bytes | BinaryIO) -> None:
    """Write beside the target (readable by all, written by the user only), then rename."""
    temporary = f"{target}.{os.getpid()}.{threading.get_ident()}.partial"
    try:
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), "wb") as file:
            os.fchmod(file.fileno(), 0o644)  # whatever the umask
            if isinstance(data, bytes):
                file.write(data)
            else:
                while block := data.read(1 << 20):
                    file.write(block)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
