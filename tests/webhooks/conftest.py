from __future__ import annotations

import socket

import pytest

from tests.webhooks import dns


@pytest.fixture(autouse=True)
def no_real_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Endpoint URLs in these tests resolve only as the tests say (public example hosts)."""
    table: dict[str, dns.Answer] = {"hooks.example.com": ["93.184.215.14"]}
    monkeypatch.setattr(socket, "getaddrinfo", dns.fake_getaddrinfo(table))
