"""The fetch commands' HTTP client: retries with backoff, Retry-After, and when it gives up."""

from __future__ import annotations

import time

import pytest

from bibcv.fetch.http import FetchError, Http, service_url, user_agent

PATH = "/openalex/works?filter=author.id:A1"


def test_busy_answers_are_retried_with_growing_waits_then_succeed(services):
    services.serve(PATH, "openalex-empty.json", "application/json")
    services.fail_first(PATH, (503, ""), (429, ""), (502, ""))
    http = Http(backoff=0.05, retries=3)
    started = time.monotonic()
    page = http.json(f"{service_url('openalex')}/works", {"filter": "author.id:A1"})
    waited = time.monotonic() - started
    assert page["results"] == []
    assert http.requests == 4
    assert waited >= 0.05 + 0.1 + 0.2  # 1, 2 and 4 times the backoff


def test_retry_after_is_waited_for(services):
    services.serve(PATH, "openalex-empty.json", "application/json")
    services.fail_first(PATH, (429, "1"))
    started = time.monotonic()
    Http(backoff=0.01, retries=1).json(f"{service_url('openalex')}/works",
                                       {"filter": "author.id:A1"})
    assert time.monotonic() - started >= 1.0


def test_it_gives_up_after_the_last_retry_naming_the_host(services):
    services.serve(PATH, "openalex-empty.json", "application/json")
    services.fail_first(PATH, *[(503, "")] * 3)
    http = Http(backoff=0.01, retries=2)
    with pytest.raises(FetchError) as raised:
        http.json(f"{service_url('openalex')}/works", {"filter": "author.id:A1"})
    assert "cannot reach 127.0.0.1:" in str(raised.value)
    assert "it answered 503 Service Unavailable 3 times" in str(raised.value)
    assert http.requests == 3


def test_a_client_error_is_not_retried(services):
    http = Http(backoff=0.01, retries=3)
    with pytest.raises(FetchError) as raised:
        http.get(f"{service_url('openalex')}/nothing-here")
    assert "answered 404 Not Found" in str(raised.value)
    assert http.requests == 1


def test_the_user_agent_names_bibcv_and_the_contact():
    assert user_agent("ada@example.org").startswith("bibcv/")
    assert user_agent("ada@example.org").endswith("; mailto:ada@example.org)")
    assert "mailto" not in user_agent(None)


def test_the_contact_comes_from_the_option_the_environment_or_the_cvs(tmp_path, monkeypatch):
    from bibcv.fetch.http import contact_address

    monkeypatch.delenv("BIBCV_MAILTO", raising=False)
    cvs = tmp_path / "cv"
    cvs.mkdir()
    assert contact_address(None, cvs) is None
    (cvs / "ada.yaml").write_text("person: {name: Ada, contact: {email: ada@example.org}}\n")
    (cvs / "_base.yaml").write_text("person: {name: Ada}\n")
    (cvs / "broken.yaml").write_text("person: [\n")
    assert contact_address(None, cvs) == "ada@example.org"
    monkeypatch.setenv("BIBCV_MAILTO", "lab@example.org")
    assert contact_address(None, cvs) == "lab@example.org"
    assert contact_address("me@example.org", cvs) == "me@example.org"
    monkeypatch.delenv("BIBCV_MAILTO")
    (cvs / "bob.yaml").write_text("person: {name: Bob, contact: {email: bob@example.org}}\n")
    assert contact_address(None, cvs) is None  # two people: none is guessed
