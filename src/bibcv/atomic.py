"""Writing a file so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import os
from pathlib import Path


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
