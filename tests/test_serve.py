"""`bibcv serve`: build/ on 127.0.0.1 only, nothing outside it, live reload in Chromium."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.request import urlopen

import pytest
from click.testing import CliRunner

from bibcv.cli import main
from bibcv.serve import BuildStates, CVServer, NotLoopback, check_address
from conftest import REPO, pdf_text, squash
from test_watch import DEADLINE, WatchProcess, edit, tex_children

STEM = "zhuofu-chen-v2"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "cv", tmp_path / "cv")
    shutil.copytree(REPO / "bib", tmp_path / "bib")
    return tmp_path


@pytest.fixture
def server(tmp_path):
    """A server over a folder that holds a page, a PDF's place, a hidden record, and a
    secret beside the folder that must stay out of reach."""
    root = tmp_path / "build"
    (root / ".bibcv").mkdir(parents=True)
    (root / ".bibcv" / "cv.json").write_text("{}")
    (root / "cv.html").write_text("<!DOCTYPE html><html><body><p>The CV</p></body></html>")
    (root / "cv" / "bib").mkdir(parents=True)
    (root / "cv" / "bib" / "paper.bib").write_text("@misc{paper}")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    served = CVServer("127.0.0.1", 0, root, BuildStates(["cv"]))
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.close()
    thread.join()


def get(server: CVServer, path: str) -> tuple[int, bytes]:
    """A request with the path exactly as written: no client tidies it up first."""
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/cv/../../secret.txt", "/cv/%2E%2E/%2E%2E/secret.txt",
    "/..%2fsecret.txt", "/%2fetc%2fpasswd", "//etc/passwd", "/link.txt", "/.bibcv/cv.json",
    "/cv/", "/cv", "/..\\secret.txt", "/cv.html%00.pdf",
])
def test_nothing_outside_the_output_folder_is_served(server, path):
    status, body = get(server, path)
    assert status == 404
    assert b"secret" not in body and b"root:" not in body


def test_pages_get_the_reload_script_and_the_files_on_disk_do_not(server):
    status, body = get(server, "/cv.html")
    assert status == 200 and b"The CV" in body
    assert body.index(b"new EventSource") < body.index(b"</body>")
    assert "EventSource" not in (server.root / "cv.html").read_text()
    assert get(server, "/cv/bib/paper.bib") == (200, b"@misc{paper}")
    status, index = get(server, "/")
    assert status == 200 and b'href="/cv.html"' in index


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_addresses_are_served(host):
    check_address(host, allow_remote=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1"])
def test_other_addresses_are_refused_unless_asked_for(host):
    with pytest.raises(NotLoopback, match="--allow-remote"):
        check_address(host, allow_remote=False)
    check_address(host, allow_remote=True)


def test_serve_on_a_public_address_says_why_it_will_not(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "0",
                                       str(tmp_path / "cv.yaml")])
    assert result.exit_code == 1
    assert "refusing to serve on 0.0.0.0" in result.output


class ServeProcess(WatchProcess):
    """`bibcv serve` as a user runs it; the address it serves at, from its first line."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bibcv", "serve", f"cv/{STEM}.yaml", "-o", "out",
             "--port", "0"],
            cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", env=env)
        self._start_reading()
        self.url = self.expect(r"serving out/ at http://127\.0\.0\.1:\d+/").split(" at ")[1]
        self.url = self.url.split()[0]


def test_an_edit_shows_in_the_open_page_and_pdf_without_a_reload(project, tmp_path,
                                                                  chromium):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    serve = ServeProcess(project, {**os.environ, "TMPDIR": str(private_tmp)})
    cv = project / "cv" / f"{STEM}.yaml"
    page, pdf_view = chromium.new_page(), chromium.new_page()
    try:
        serve.expect("watching 1 CV")
        page.goto(f"{serve.url}{STEM}.html")
        pdf_view.goto(f"{serve.url}__bibcv/pdf/{STEM}")
        frame = pdf_view.locator("#bibcv-pdf")
        first_pdf = frame.get_attribute("src")

        page.evaluate("window.notReloaded = true")
        edit(cv, "Two papers are pending review.", "Two papers are under review at NSDI.")
        page.wait_for_function("document.body.innerText.includes('under review at NSDI')",
                               timeout=DEADLINE * 1000)
        assert page.evaluate("window.notReloaded")  # the new page was put in place of the old
        pdf_view.wait_for_function(
            f"document.getElementById('bibcv-pdf').getAttribute('src') !== {first_pdf!r}",
            timeout=DEADLINE * 1000)
        with urlopen(serve.url + frame.get_attribute("src").lstrip("/")) as response:
            (tmp_path / "served.pdf").write_bytes(response.read())
        assert "under review at NSDI" in squash(pdf_text(tmp_path / "served.pdf"))

        with cv.open("a", encoding="utf-8") as half_typed:
            half_typed.write("  awards: [\n")
        error = page.locator("#bibcv-serve-error")
        error.wait_for(timeout=DEADLINE * 1000)
        assert re.search(rf"cv/{STEM}\.yaml:\d+: YAML syntax error", error.inner_text())
        assert "under review at NSDI" in page.inner_text("body")  # the last good page stays
        pdf_view.locator("#bibcv-serve-error").wait_for(timeout=DEADLINE * 1000)

        edit(cv, "  awards: [\n", "")
        error.wait_for(state="detached", timeout=DEADLINE * 1000)
        assert "EventSource" not in (project / "out" / f"{STEM}.html").read_text()
        engines = tex_children(serve.process.pid)
        serve.process.send_signal(signal.SIGTERM)
        serve.process.wait(timeout=DEADLINE)
    finally:
        serve.kill()
        page.close()
        pdf_view.close()
    assert serve.process.returncode == 0
    assert not [pid for pid in engines if Path(f"/proc/{pid}").exists()]
    assert not list(private_tmp.glob("bibcv-*"))
