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
def find_cjk_font(language: str = "zh", preferred: tuple[str, ...] = PREFERRED_CJK_FONTS
                  ) -> str | None:
    """A font family that fontconfig says covers a CJK language, the first preferred one
    found, else any (Noto Serif CJK SC for Chinese, … JP for Japanese)."""
    families = _families(f":lang={language}")
    for family in preferred:
        if family in families:
            return family
    return min(families, default=None)


FONT_INSTALL_HINT = (
    "install it (on Debian or Ubuntu `apt-cache search FONT` names its package, then "
    "`sudo apt-get install PACKAGE`), or copy its .otf/.ttf files to ~/.local/share/fonts "
    "and run `fc-cache`; `fc-list : family` lists the fonts installed"
)


def installed_font_families() -> frozenset[str]:
    """Every family name fontconfig knows (a font may have several, e.g. "LM Roman 10")."""
    return _families(":")


def is_font_installed(family: str) -> bool:
    """As XeTeX finds a font by name: through fontconfig, case aside."""
    return family.casefold() in {name.casefold() for name in installed_font_families()}


@cache
def _families(pattern: str) -> frozenset[str]:
    """The family names of the fonts fontconfig matches to a pattern (none without it)."""
    if shutil.which("fc-list") is None:
        return frozenset()
    listing = subprocess.run(["fc-list", pattern, "family"], capture_output=True, text=True,
                             check=False).stdout
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(",")
                     if name.strip())
