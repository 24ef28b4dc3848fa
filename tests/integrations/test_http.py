"""The shared HTTP layer to providers."""

from __future__ import annotations

import threading

import pytest
import requests
import responses
from requests.auth import HTTPBasicAuth

from integrations import http
from integrations.errors import ProviderUnavailable

TOKENS = "https://auth.example.test/tokens"


def test_each_thread_has_its_own_session_and_keeps_it() -> None:
    seen: dict[str, object] = {}

    def remember(name: str) -> None:
        seen[name] = http.session()
        assert http.session() is seen[name]  # reused between calls on one thread

    threads = [threading.Thread(target=remember, args=(f"t{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s in seen.values()}) == 3


def test_a_call_as_the_client_carries_its_authentication_and_returns_any_answer() -> None:
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, TOKENS, status=302, headers={"Location": "/elsewhere"})

        answer = http.as_client(
            "POST", TOKENS, auth=HTTPBasicAuth("app", "secret"), target="the token endpoint"
        )

        sent = mocked.calls[0].request
    assert answer.status_code == 302  # not followed: the caller judges it
    assert sent.headers["Authorization"] == "Basic YXBwOnNlY3JldA=="
    assert sent.headers["Accept"] == "application/json"


def test_a_call_as_the_client_that_cannot_connect_names_what_it_tried_to_reach() -> None:
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, TOKENS, body=requests.ConnectionError("refused"))

        with pytest.raises(ProviderUnavailable, match=r"could not reach the token endpoint \("):
            http.as_client(
                "POST", TOKENS, auth=HTTPBasicAuth("app", "secret"), target="the token endpoint"
            )
