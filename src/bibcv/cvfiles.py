"""Which files are CVs, and what is wrong with a path named as an input file.

Kept apart from ``load`` so the CLI's quick paths stay light.
"""

from __future__ import annotations

import stat
from pathlib import Path

from bibcv import BASE_FILE_PREFIX, CV_SUFFIXES

__all__ = ["CV_SUFFIXES", "file_problem", "is_base_file"]


def is_base_file(path: Path) -> bool:
    """A base file (``_name.yaml``) holds facts that CVs share through ``extends``; never built."""
    return path.name.startswith(BASE_FILE_PREFIX)


def file_problem(path: Path) -> str | None:
    """Why an input path cannot be read as a file, in words; None when it can.

    A folder, a device (/dev/zero never ends) or a pipe is not a file to read,
    and each is said for what it is rather than "not found".
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"not found (looked for {path.absolute()})"
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return f"is a folder ({path.absolute()}); name a file in it"
    return (f"is not a regular file but a device, a pipe or a socket ({path.absolute()}); "
            "name a file")
