"""HTTP for the fetch commands: one client, polite and patient, with addresses a test can move.

httpx does the protocol (timeouts, redirects, connection reuse); this module adds
what the services ask of a well-behaved client (Crossref's and OpenAlex's
etiquette): a User-Agent naming bibcv with a contact address, and retries with
exponential backoff on connection failures, 429 and 5xx answers.  Every failure
becomes a ``FetchError`` that names the host, so commands can say "cannot reach
…; nothing was changed".
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bibcv import __version__
from bibcv.errors import BibcvError

# Each service's address; an environment variable moves it (tests point them at 127.0.0.1).
SERVICES = {
    "doi": ("BIBCV_DOI_URL", "https://doi.org"),
    "arxiv": ("BIBCV_ARXIV_URL", "https://export.arxiv.org/api"),
    "dblp": ("BIBCV_DBLP_URL", "https://dblp.org"),
    "orcid": ("BIBCV_ORCID_URL", "https://pub.orcid.org/v3.0"),
    "openalex": ("BIBCV_OPENALEX_URL", "https://api.openalex.org"),
}
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 30.0  # seconds: a longer Retry-After is not waited for


class FetchError(BibcvError):
    """A request that failed for good: nothing may be written after one."""


def service_url(service: str) -> str:
    variable, default = SERVICES[service]
    return os.environ.get(variable, default).rstrip("/")


def contact_address(explicit: str | None = None, cv_folder: Path = Path("cv")) -> str | None:
    """Who the services may write to about this client: --mailto, else BIBCV_MAILTO, else
    the e-mail address of the CVs in cv/ when they all give the same one."""
    return explicit or os.environ.get("BIBCV_MAILTO") or _cv_email(cv_folder)


def _cv_email(folder: Path) -> str | None:
    import yaml

    found = set()
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # a CV that cannot be read is `bibcv check`'s business, not this
        person = data.get("person") if isinstance(data, dict) else None
        contact = person.get("contact") if isinstance(person, dict) else None
        email = contact.get("email") if isinstance(contact, dict) else None
        if isinstance(email, str) and "@" in email:
            found.add(email.strip())
    return found.pop() if len(found) == 1 else None


def user_agent(mailto: str | None) -> str:
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"bibcv/{__version__} (https://github.com/bibcv/bibcv{contact})"


@dataclass
class Http:
    """A client for one command run; ``close`` (or ``with``) ends its connections."""

    mailto: str | None = None
    timeout: float = field(default_factory=lambda: _setting("BIBCV_HTTP_TIMEOUT", 20.0))
    retries: int = field(default_factory=lambda: int(_setting("BIBCV_HTTP_RETRIES", 3)))
    backoff: float = field(  # seconds before the first retry, doubled for each next one
        default_factory=lambda: _setting("BIBCV_HTTP_BACKOFF", 1.0))
    requests: int = 0  # how many were sent, retries included
    _client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.timeout), follow_redirects=True,
            headers={"User-Agent": user_agent(self.mailto)})

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, accept: str = "*/*", params: dict[str, str] | None = None,
            missing_ok: bool = False) -> httpx.Response | None:
        """The answer to a GET, read whole; None for a 404 when ``missing_ok``.

        Connection failures, time-outs, a body cut short, 429 and 5xx are retried
        ``retries`` times, waiting ``backoff``, then twice that, and so on (or the
        server's Retry-After, up to 30 s).
        """
        host = urlsplit(url).netloc
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2 ** attempt
            self.requests += 1
            try:
                response = self._client.get(url, params=params, headers={"Accept": accept})
            except httpx.TransportError as error:
                if attempt == self.retries:
                    raise FetchError(f"cannot reach {host}: {_reason(error)}") from None
            else:
                if response.status_code == 404 and missing_ok:
                    return None
                if response.status_code not in RETRIED_STATUSES:
                    if response.is_success:
                        return response
                    raise FetchError(f"{host} answered {response.status_code} "
                                     f"{response.reason_phrase} for {response.url}")
                if attempt == self.retries:
                    raise FetchError(f"cannot reach {host}: it answered "
                                     f"{response.status_code} {response.reason_phrase} "
                                     f"{self.retries + 1} times")
                wait = max(wait, _retry_after(response))
            time.sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises

    def json(self, url: str, params: dict[str, str] | None = None,
             missing_ok: bool = False) -> object | None:
        response = self.get(url, "application/json", params, missing_ok)
        if response is None:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise FetchError(f"{urlsplit(url).netloc} sent something that is not JSON for "
                             f"{response.url}: {error}") from None


def _setting(variable: str, default: float) -> float:
    """A number from the environment, read when a client is made (tests set them)."""
    text = os.environ.get(variable)
    if text is None:
        return default
    try:
        return float(text)
    except ValueError:
        raise BibcvError(f"{variable}={text!r} is not a number; unset it or give one, "
                         f"e.g. {variable}={default:g}") from None


def _reason(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "could not connect (offline, or the address is wrong?)"
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the connection was closed before the answer was complete"
    return str(error) or type(error).__name__


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", "0")), MAX_RETRY_AFTER)
    except ValueError:
        return 0.0
