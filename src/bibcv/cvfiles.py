"""Which files are CVs: kept apart from ``load`` so the CLI's quick paths stay light."""

from __future__ import annotations

from pathlib import Path

CV_SUFFIXES = (".yaml", ".yml")


def is_base_file(path: Path) -> bool:
    """A base file (``_name.yaml``) holds facts that CVs share through ``extends``; never built."""
    return path.name.startswith("_")
