"""bibcv splits every hard-case name exactly as the real bibtex program does."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bibcv.bibliography import load_bibliography
from bibcv.texdecode import decode_latex

CORPUS = Path(__file__).parent / "bibtex"


def bibtex_splits(tmp_path: Path) -> dict[tuple[str, int], tuple[str, str, str, str]]:
    """Run bibtex with names.bst: its format.name$ gives each name's First|von|Last|Jr."""
    for name in ("names.bst", "hard-names.bib"):
        shutil.copy(CORPUS / name, tmp_path / name)
    (tmp_path / "names.aux").write_text(
        "\\citation{*}\n\\bibstyle{names}\n\\bibdata{hard-names}\n", encoding="utf-8")
    result = subprocess.run(["bibtex", "-terse", "names"], cwd=tmp_path, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    splits = {}
    for line in (tmp_path / "names.bbl").read_text(encoding="utf-8").splitlines():
        key, index, *parts = line.split("|")
        first, von, last, jr = (words(decode_latex(part)) for part in parts)
        splits[key, int(index)] = (first, von, last, jr)
    return splits


def words(text: str) -> str:
    """names.bst joins a part's tokens with spaces, hyphens included: compare words only."""
    return " ".join(text.replace("-", " ").split())


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    return bibtex_splits(tmp_path_factory.mktemp("bibtex"))


@pytest.fixture(scope="module")
def corpus():
    return load_bibliography([CORPUS / "hard-names.bib"])


def test_corpus_is_complete(expected, corpus):
    assert {key for key, _ in expected} == set(corpus.entries)


@pytest.mark.parametrize("key", [
    line.split("{", 1)[1].split(",", 1)[0]
    for line in (CORPUS / "hard-names.bib").read_text(encoding="utf-8").splitlines()
    if line.startswith("@misc{")
])
def test_name_splits_like_bibtex(expected, corpus, key):
    for index, name in enumerate(corpus.entries[key].authors, start=1):
        ours = tuple(words(" ".join(part)) for part in (name.first, name.von, name.last, name.jr))
        assert ours == expected[key, index], f"{key} name {index}"


# Names found splitting otherwise than BibTeX, or crashing (issue 20): each is compared
# with the real bibtex, which reports an error for a comma at the end and reads on.
ODD_NAMES = {
    "fugate": r"R.\ Q.\ Fugate",
    "windycity": "Schechter, Harold, and Kurt Brown",  # biblatex-chicago's windycity.bib
    "tug": r"{\TUG\ Board}",
    "committee": r"Select Comm.\ on Homeland Security",
    "no-last": ", Ada",
    "two-commas-no-last": ", , Ada",
    "trailing-commas": "A, B, ,",
    "comma-at-end": "Ada ,",
    "von-alone": "von, Ada",
    "only-comma": ",",
    "empty-second": "Ada Lovelace and ,",
    "only-commas": ",,",
}


def test_odd_names_split_as_bibtex_splits_them(tmp_path):
    shutil.copy(CORPUS / "names.bst", tmp_path / "names.bst")
    (tmp_path / "odd.bib").write_text("".join(
        f"@misc{{{key}, author = {{{name}}}}}\n" for key, name in ODD_NAMES.items()),
        encoding="utf-8")
    (tmp_path / "odd.aux").write_text(
        "\\citation{*}\n\\bibstyle{names}\n\\bibdata{odd}\n", encoding="utf-8")
    subprocess.run(["bibtex", "-terse", "odd"], cwd=tmp_path, capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=60)  # errors for the commas at the end
    expected: dict[str, list[tuple[str, ...]]] = {key: [] for key in ODD_NAMES}
    for line in (tmp_path / "odd.bbl").read_text(encoding="utf-8").splitlines():
        key, _, *parts = line.split("|")
        if any(parts):  # bibtex reads an empty name as four empty parts; bibcv leaves it out
            expected[key].append(tuple(words(decode_latex(part)) for part in parts))
    bib = load_bibliography([tmp_path / "odd.bib"])
    for key in ODD_NAMES:
        ours = [tuple(words(" ".join(part)) for part in (name.first, name.von, name.last,
                                                         name.jr))
                for name in bib.entries[key].authors]
        assert ours == expected[key], key
    warned = [str(warning) for warning in bib.warnings if "nothing but commas" in str(warning)]
    assert len(warned) == 3  # only-comma, empty-second, only-commas
