"""`bibcv serve`: the output folder over HTTP, on this machine, reloaded as the CVs are rebuilt.

The server is Python's own (http.server), one thread per request. It serves
files under the output folder and nothing else: no path that leaves it (``..``,
a link pointing out), no hidden file (the build records), no folder listing.

Each served web page gets a few lines of script, in the response only (the
files on disk never change): it listens to ``/__bibcv/events``, a stream of
Server-Sent Events that says, for each CV, how many times each of its outputs
has been written and the error its last build gave. A page is told as soon as
its file is written, before TeX makes the PDF; it fetches the new page and
puts its head and body in place of its own (no reload: no new connection, no
new event stream, the reader's scroll position kept). A page whose CV fails
shows the error (file:line, as the terminal does) on top until a build
succeeds. A PDF is shown in a page of its own, ``/__bibcv/pdf/<name>``, that
reloads the PDF once the PDF is written.
"""

from __future__ import annotations

import html
import ipaddress
import json
import mimetypes
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from string import Template
from urllib.parse import quote, unquote, urlsplit

from bibcv.errors import BibcvError

EVENTS = "/__bibcv/events"
PDF_VIEW = "/__bibcv/pdf/"
KEEP_ALIVE_SECONDS = 15.0  # a comment on the event stream this often finds closed pages
TEXT_TYPES = {".bib": "text/plain", ".tex": "text/plain", ".md": "text/plain",
              ".log": "text/plain"}

# The script added to served pages; filled in per response.
_SCRIPT = Template("""<script>/* added by bibcv serve, not in the built file: live reload */
(() => {
  const cv = $cv;
  const output = "$output";
  let version = $version;
  let error = null;
  const show = $show;
  const mark = () => {  // the last build's error on top, or nothing
    let box = document.getElementById("bibcv-serve-error");
    if (!error) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "bibcv-serve-error";
      box.style.cssText = "position:fixed;top:0;left:0;right:0;margin:0;padding:1em;" +
        "z-index:2147483647;max-height:50vh;overflow:auto;white-space:pre-wrap;" +
        "font:14px/1.4 monospace;background:#fff0f0;color:#900;border-bottom:2px solid #900";
      document.body.prepend(box);
    }
    box.textContent = "bibcv could not build " + cv + ":\\n" + error;
  };
  const events = new EventSource("$events");
  events.addEventListener("state", async (event) => {
    const state = JSON.parse(event.data);
    if (state.cv !== cv) return;
    error = state.error;
    mark();
    const written = state.written[output] || 0;
    if (written === version) return;
    version = written;
    await show(version);
    mark();  // a new page has no box, and the build may have failed meanwhile
  });
})();
</script>
""")
# The new page's head and body in place of the old ones; a reload if the <html> or <body>
# element itself changed (its language), which cannot be swapped.
_SWAP_PAGE = """async () => {
    const response = await fetch(location.href, {cache: "no-store"});
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const attributes = (element) =>
      [...element.attributes].map((item) => item.name + "=" + item.value).join("\\n");
    if (!response.ok || attributes(page.documentElement) !== attributes(document.documentElement)
        || attributes(page.body) !== attributes(document.body)) return location.reload();
    document.head.replaceChildren(...page.head.childNodes);
    document.body.replaceChildren(...page.body.childNodes);
  }"""
_RELOAD_PDF = ('(version) => { document.getElementById("bibcv-pdf").src = '
               '"/" + encodeURIComponent(cv) + ".pdf?build=" + version; }')


class NotLoopback(BibcvError):
    """Asked to listen where other machines could connect, without --allow-remote."""


def check_address(host: str, allow_remote: bool) -> None:
    """Refuse an address other machines can reach, unless that was asked for explicitly."""
    if allow_remote:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        raise BibcvError(f"cannot listen on {host!r}: {error.strerror}") from None
    if not all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses):
        raise NotLoopback(
            f"refusing to serve on {host}: other machines could read every file in the output "
            "folder there; serve on 127.0.0.1 (the default), or add --allow-remote to do it "
            "on purpose")


@dataclass
class CVState:
    # How many times each output ("html", "pdf") was written since serve started.
    written: dict[str, int] = field(default_factory=dict)
    error: str | None = None  # what the last attempt said, when it failed


class BuildStates:
    """Each CV's state, and a condition that wakes every event stream when one changes."""

    def __init__(self, stems: Iterable[str]) -> None:
        self._states = {stem: CVState() for stem in stems}
        self._generation = 0
        self._changed = threading.Condition()
        self._closed = False

    def written(self, output: Path) -> None:
        """An output is in place (its pages show it now, the build may go on)."""
        with self._changed:
            state = self._states.setdefault(output.stem, CVState())
            kind = output.suffix.lstrip(".")
            state.written[kind] = state.written.get(kind, 0) + 1
            self._changed_now()

    def report(self, stem: str, error: BibcvError | None) -> None:
        """A build of the CV finished (error None: it succeeded, or was up to date again)."""
        with self._changed:
            self._states.setdefault(stem, CVState()).error = None if error is None else str(error)
            self._changed_now()

    def _changed_now(self) -> None:
        self._generation += 1
        self._changed.notify_all()

    def version(self, stem: str, output: str) -> int:
        """How many times the output ("html", "pdf") was written: a page tells it apart."""
        with self._changed:
            return self._states.get(stem, CVState()).written.get(output, 0)

    def stems(self) -> list[str]:
        with self._changed:
            return sorted(self._states)

    def wait(self, seen: int, timeout: float) -> tuple[int, dict[str, CVState]] | None:
        """The states once they differ from generation ``seen`` (or after timeout); None once
        closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._generation != seen, timeout)
            if self._closed:
                return None
            return self._generation, {stem: CVState(dict(s.written), s.error)
                                      for stem, s in self._states.items()}

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class CVServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep bibcv from stopping

    def __init__(self, host: str, port: int, root: Path, states: BuildStates) -> None:
        self.root, self.states = root.resolve(), states
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.address_family = family
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def file_for(self, url_path: str) -> Path | None:
        """The file under root that a URL path names; None for anything else."""
        relative = unquote(url_path).lstrip("/")
        parts = PurePosixPath(relative).parts
        if not parts or "\0" in relative or "\\" in relative or \
                any(part.startswith(".") for part in parts):
            return None
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def close(self) -> None:
        self.states.close()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: CVServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # http.server calls it by this name
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows builds, not requests."""

    def _answer(self, with_body: bool) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS and with_body:
            self._stream_events()
        elif path == "/":
            self._send(self._index(), "text/html; charset=utf-8", with_body)
        elif path.startswith(PDF_VIEW) and path[len(PDF_VIEW):] in self.server.states.stems():
            self._send(self._pdf_view(path[len(PDF_VIEW):]), "text/html; charset=utf-8",
                       with_body)
        elif (found := self.server.file_for(path)) is None:
            self._send(b"not found\n", "text/plain; charset=utf-8", with_body,
                       HTTPStatus.NOT_FOUND)
        else:
            self._send_file(found, with_body)

    def _send_file(self, path: Path, with_body: bool) -> None:
        stem = path.stem if path.parent == self.server.root else None
        # Read before the file: a page written meanwhile is shown as soon as it is told.
        version = self.server.states.version(stem, "html") if stem else 0
        try:
            data = path.read_bytes()
        except OSError:
            self._send(b"not found\n", "text/plain; charset=utf-8", with_body,
                       HTTPStatus.NOT_FOUND)
            return
        if path.suffix == ".html":
            if stem in self.server.states.stems():
                data = _with_script(data, _script(stem, "html", version, _SWAP_PAGE))
            kind = "text/html; charset=utf-8"
        elif path.suffix in TEXT_TYPES:
            kind = f"{TEXT_TYPES[path.suffix]}; charset=utf-8"
        else:
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._send(data, kind, with_body)

    def _send(self, data: bytes, kind: str, with_body: bool,
              status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # always the newest build
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while (changed := self.server.states.wait(seen, KEEP_ALIVE_SECONDS)) is not None:
                generation, states = changed
                if generation == seen:
                    self.wfile.write(b": still here\n\n")
                for stem, state in states.items() if generation != seen else ():
                    data = json.dumps({"cv": stem, "written": state.written,
                                       "error": state.error})
                    self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                self.wfile.flush()
                seen = generation
        except OSError:
            return  # the page was closed or reloaded

    def _index(self) -> bytes:
        rows = []
        for stem in self.server.states.stems():
            links = []
            if (self.server.root / f"{stem}.html").is_file():
                links.append(f'<a href="/{quote(stem)}.html">web page</a>')
            if (self.server.root / f"{stem}.pdf").is_file():
                links.append(f'<a href="{PDF_VIEW}{quote(stem)}">PDF</a>')
            rows.append(f"<li>{html.escape(stem)}: {' · '.join(links) or 'not built yet'}</li>")
        page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>bibcv serve</title></head><body><h1>CVs</h1><ul>"
                + "".join(rows) + "</ul></body></html>\n")
        return page.encode()

    def _pdf_view(self, stem: str) -> bytes:
        version = self.server.states.version(stem, "pdf")
        page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(stem)}.pdf</title><style>html,body,iframe{{margin:0;"
                "border:0;width:100%;height:100%;display:block}</style></head><body>"
                f'<iframe id="bibcv-pdf" title="{html.escape(stem)}.pdf" '
                f'src="/{quote(stem)}.pdf?build={version}"></iframe>'
                + _script(stem, "pdf", version, _RELOAD_PDF) + "</body></html>\n")
        return page.encode()



def _script(stem: str, output: str, version: int, show: str) -> str:
    # JSON in a script: "</" written as "<\/" so that no value can close the element.
    cv = json.dumps(stem).replace("</", "<\\/")
    return _SCRIPT.substitute(cv=cv, output=output, version=version, show=show, events=EVENTS)


def _with_script(page: bytes, script: str) -> bytes:
    """The page with the script before its last </body> (at its end without one)."""
    at = page.lower().rfind(b"</body>")
    encoded = script.encode()
    return page + encoded if at < 0 else page[:at] + encoded + page[at:]
