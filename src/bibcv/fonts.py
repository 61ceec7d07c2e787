"""Fonts on this machine that a CV may need beyond its theme's own."""

from __future__ import annotations

import contextlib
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
    return _families(ALL_FONTS)


def is_font_installed(family: str) -> bool:
    """As XeTeX finds a font by name: through fontconfig, case aside."""
    return family.casefold() in {name.casefold() for name in installed_font_families()}


ALL_FONTS = ":"  # fontconfig's pattern that matches every font
_started: dict[str, subprocess.Popen] = {}  # fc-list runs started ahead, by pattern


def start_listing() -> None:
    """Start listing every font now and read what fc-list says when it is asked for (the
    first build of a process checks the CV's font): it takes 0.01-0.02 s, mostly waiting,
    that a build otherwise spends between loading the CV and writing the document TeX
    waits for."""
    with contextlib.suppress(OSError):  # no fc-list: the families are none, as without it
        _started[ALL_FONTS] = _fc_list(ALL_FONTS)


@cache
def _families(pattern: str) -> frozenset[str]:
    """The family names of the fonts fontconfig matches to a pattern (none without it)."""
    process = _started.pop(pattern, None)
    if process is None:
        if shutil.which("fc-list") is None:
            return frozenset()
        process = _fc_list(pattern)
    listing = process.communicate()[0]
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(",")
                     if name.strip())


def _fc_list(pattern: str) -> subprocess.Popen:
    return subprocess.Popen(["fc-list", pattern, "family"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
