"""Fonts on this machine that a CV may need beyond its theme's own."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

PREFERRED_CJK_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC")
CJK_INSTALL_HINT = (
    "install a CJK font: on Debian or Ubuntu `sudo apt-get install fonts-noto-cjk` "
    "(`make cv` does this by itself when a CV contains such text)"
)


@cache
def find_cjk_font() -> str | None:
    """A font family that fontconfig says covers Chinese, preferring Noto Serif CJK."""
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                             check=False).stdout
    families = {name.strip() for line in listing.splitlines() for name in line.split(",")}
    for preferred in PREFERRED_CJK_FONTS:
        if preferred in families:
            return preferred
    return min(families, default=None)
