"""system-deps.sh remembers a successful probe, and probes again when what it found moves."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import REPO, write


def probe(stamp_dir: Path) -> None:
    env = {**os.environ, "BIBCV_STAMP_DIR": str(stamp_dir)}
    subprocess.run(["bash", "scripts/system-deps.sh"], cwd=REPO, env=env, check=True,
                   capture_output=True)


def test_probe_is_remembered_until_a_found_file_changes(tmp_path):
    probe(tmp_path)
    stamp = tmp_path / "system-deps.ok"
    key, script, *found = stamp.read_text().splitlines()
    assert script.endswith(" scripts/system-deps.sh")
    assert any(line.endswith("/xelatex") for line in found), found
    assert any("fontspec.sty" in line for line in found), found
    written = stamp.stat().st_mtime_ns

    probe(tmp_path)  # nothing changed: the probe is skipped, the stamp is not rewritten
    assert stamp.stat().st_mtime_ns == written

    # A found file that changed (here: its recorded size) makes the next run probe again,
    # which writes the true description back.
    size, rest = found[0].split(" ", 1)
    stamp.write_text("\n".join([key, script, f"{int(size) + 1} {rest}", *found[1:]]) + "\n")
    probe(tmp_path)
    assert stamp.read_text().splitlines() == [key, script, *found]


def test_a_cv_that_takes_up_a_csl_style_is_probed_again(tmp_path):
    """A newcomer's `make cv` passed once without any `style:`; after a CV named
    `style: chicago-author-date`, the remembered probe skipped citeproc-js, and the build
    failed with "citeproc-js … is not installed" although README says `make cv` installs it."""
    (tmp_path / "node_modules").symlink_to(REPO / "node_modules")
    (tmp_path / "cv").mkdir()
    cv = write(tmp_path / "cv" / "ada.yaml", "person: {name: Ada Lovelace}\n")
    env = {**os.environ, "BIBCV_STAMP_DIR": str(tmp_path / "stamps")}
    script = str(REPO / "scripts" / "system-deps.sh")
    subprocess.run(["bash", script], cwd=tmp_path, env=env, check=True, capture_output=True)
    stamp = tmp_path / "stamps" / "system-deps.ok"
    assert "citeproc" not in stamp.read_text()
    cv.write_text(cv.read_text() + "style: chicago-author-date\n")
    subprocess.run(["bash", script], cwd=tmp_path, env=env, check=True, capture_output=True)
    assert "node_modules/citeproc/citeproc_commonjs.js" in stamp.read_text()  # probed again
