"""Writing a file so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bibcv.errors import BibcvError


def write_text_atomically(target: Path, text: str) -> None:
    """Write beside the target under a unique name, then rename over it."""
    temporary = temporary_beside(target)
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def temporary_beside(target: Path) -> Path:
    """An empty file in the target's folder, readable like any output, to rename over it.

    The name is unique: builds run in parallel threads may write the same cache
    file at the same moment.
    """
    import tempfile  # here, not above: an up-to-date build never writes, and starts faster

    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=".partial")
    os.close(handle)
    os.chmod(name, 0o644)  # mkstemp makes it private; outputs are for sharing
    return Path(name)


def write_output(target: Path, text: str) -> None:
    """Write an output the user named: a file atomically, a pipe or a device in place.

    A symbolic link keeps pointing where it did and the file it points to gets
    the text; a FIFO's reader or a character device (/dev/null, a terminal)
    gets it written in. Anything else that is not a file (a folder, a block
    device, a socket) is refused: the temporary file and rename would replace
    it by a regular file.
    """
    real = Path(os.path.realpath(target))
    try:
        mode = real.stat().st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG  # a new file (or a link to one not there yet)
    if stat.S_ISREG(mode):
        write_text_atomically(real, text)
    elif stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        with real.open("w", encoding="utf-8") as stream:
            stream.write(text)
    else:
        kind = "a folder" if stat.S_ISDIR(mode) else "neither a file, a pipe nor a character device"
        raise BibcvError(f"cannot write {target}: it is {kind}; name a file to write, or - "
                         "for standard output")
