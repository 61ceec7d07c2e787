"""Writing a file so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import os
from pathlib import Path


def write_text_atomically(target: Path, text: str) -> None:
    """Write beside the target under a unique name, then rename over it.

    The unique name matters: builds run in parallel threads may write the same
    cache file at the same moment.
    """
    import tempfile  # here, not above: an up-to-date build never writes, and starts faster

    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".partial")
    try:
        os.chmod(temporary, 0o644)  # mkstemp makes it private; outputs are for sharing
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
