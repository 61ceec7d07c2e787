"""A web server on 127.0.0.1 that answers as DOI, arXiv, DBLP, ORCID and OpenAlex do.

Each route is a path (with its query string, when it matters) and the response
file to send, chosen by the request's Accept header where a service negotiates.
A route can also drop the connection halfway through its body, as a failing
network does.  Every request is recorded, with its headers, for the tests to read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, unquote_plus

import pytest

RESPONSES = Path(__file__).parent / "fetch"


def readable(path: str) -> str:
    """A request's path and query as a route names it: escapes undone, '+' a space."""
    where, _, query = path.partition("?")
    return unquote(where) + (f"?{unquote_plus(query)}" if query else "")


@dataclass
class Route:
    body: bytes
    content_type: str
    status: int = 200
    drop_halfway: bool = False
    failures: list[tuple[int, str]] = field(default_factory=list)  # (status, Retry-After) first


@dataclass
class FakeServices:
    routes: dict[str, list[tuple[str, Route]]] = field(default_factory=dict)  # by path
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, path: str, file: str, content_type: str, accept: str = "",
              status: int = 200) -> None:
        """Answer GET path with the response file (when Accept contains ``accept``)."""
        body = (RESPONSES / file).read_bytes()
        self.routes.setdefault(path, []).append((accept, Route(body, content_type, status)))

    def drop(self, path: str) -> None:
        """From now on, send half of path's answer and close the connection."""
        for index, (accept, route) in enumerate(self.routes[path]):
            self.routes[path][index] = (accept, Route(route.body, route.content_type,
                                                      route.status, drop_halfway=True))

    def fail_first(self, path: str, *failures: tuple[int, str]) -> None:
        """Answer path with these statuses (and Retry-After values) before the real answer."""
        for _accept, route in self.routes[path]:
            route.failures.extend(failures)

    def answer(self, path: str, accept: str) -> Route | None:
        for wanted, route in self.routes.get(readable(path), []):
            if not wanted or wanted in accept:
                return route
        return None

    def start(self) -> None:
        services = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                services.requests.append((readable(self.path), dict(self.headers)))
                route = services.answer(self.path, self.headers.get("Accept", ""))
                if route is None:
                    self.send_error(404)
                    return
                if route.failures:
                    status, retry_after = route.failures.pop(0)
                    self.send_response(status)
                    if retry_after:
                        self.send_header("Retry-After", retry_after)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if route.drop_halfway:
                    self.wfile.write(route.body[: len(route.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(route.body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch):
    """The fake services, with every bibcv service address pointing at them."""
    fake = FakeServices()
    fake.start()
    for name in ("DOI", "ARXIV", "DBLP", "ORCID", "OPENALEX"):
        monkeypatch.setenv(f"BIBCV_{name}_URL", f"{fake.url}/{name.lower()}")
    monkeypatch.setenv("BIBCV_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("BIBCV_HTTP_RETRIES", "2")
    monkeypatch.setenv("BIBCV_MAILTO", "ada@example.org")
    yield fake
    fake.stop()


