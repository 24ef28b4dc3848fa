"""Hostile endpoint URLs are refused when saved and again at every delivery.

DNS is controlled: names resolve to what each test says, and no packet is sent to
any address but 127.0.0.1 (where the tests' own receivers listen).
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tests.webhooks import dns
from tests.webhooks.receiver import Behaviour, Receiver
from webhooks import client
from webhooks.addresses import UnsafeUrl, vet
from webhooks.forms import EndpointForm

NAMES: dict[str, dns.Answer] = {
    "localhost": ["127.0.0.1", "::1"],
    "metadata.google.internal": ["169.254.169.254"],
    "127.0.0.1.nip.io": ["127.0.0.1"],
    "mixed.example": ["93.184.215.14", "10.0.0.7"],
    "internal.example": ["192.168.1.20"],
    "v6-internal.example": ["fd12:3456::1"],
    "public.example": ["93.184.215.14"],
    "public6.example": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
}

HOSTILE = [
    # loopback, in every spelling the resolver accepts
    "https://127.0.0.1/",
    "https://localhost/",
    "https://LOCALHOST./",
    "https://127.1/",
    "https://0/",
    "https://0.0.0.0/",
    "https://2130706433/",
    "https://0x7f000001/",
    "https://0x7f.0.0.1/",
    "https://0177.0.0.1/",
    "https://017700000001/",
    "https://127.000.000.001/",
    # IPv6 forms
    "https://[::1]/",
    "https://[::]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://[0:0:0:0:0:ffff:127.0.0.1]/",
    "https://[::127.0.0.1]/",
    "https://[64:ff9b::7f00:1]/",
    "https://[2002:7f00:1::]/",
    "https://[fe80::1%25eth0]/",
    "https://[fd12:3456::1]/",
    # cloud metadata
    "https://169.254.169.254/latest/meta-data/",
    "https://2852039166/",
    "https://[::ffff:169.254.169.254]/",
    "https://[fd00:ec2::254]/",
    "https://metadata.google.internal/",
    "https://169.254.170.2/",
    "https://100.100.100.200/",
    # private, shared, benchmark, multicast, reserved, broadcast
    "https://10.0.0.1/",
    "https://172.16.0.1/",
    "https://192.168.0.1/",
    "https://100.64.0.1/",
    "https://198.18.0.1/",
    "https://224.0.0.1/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    # names that resolve inward, or partly inward
    "https://127.0.0.1.nip.io/",
    "https://mixed.example/",
    "https://internal.example/",
    "https://v6-internal.example/",
    # parser confusion, credentials, odd ports, other schemes, plain http
    "https://public.example@127.0.0.1/",
    "https://127.0.0.1#@public.example/",
    "https://public.example\\@127.0.0.1/",
    "https://public.example:22/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "ftp://public.example/",
    "dict://public.example:11211/",
    "http://public.example/",
    "https:///no-host",
    "https://does-not-resolve.example/",
]

CONTROLS = [
    "https://8.8.8.8/",
    "https://[2606:4700:4700::1111]/",
    "https://[::ffff:8.8.8.8]/",
    "https://public.example/hooks?x=1",
    "https://public6.example:8443/",
]


@pytest.fixture(autouse=True)
def controlled_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", dns.fake_getaddrinfo(NAMES))


@pytest.fixture
def production_policy(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = False


def test_there_are_at_least_thirty_hostile_urls() -> None:
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_url_is_refused_when_saved(url: str, production_policy: None) -> None:
    form = EndpointForm({"url": url, "event_types": ["invoice.paid"]})
    assert not form.is_valid()
    assert form.errors["url"]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_url_is_refused_at_delivery(url: str, production_policy: None) -> None:
    outcome = client.post(url, b"{}", {"Content-Type": "application/json"})
    assert outcome.error_class == "ssrf_blocked"
    assert outcome.status is None


@pytest.mark.parametrize("url", CONTROLS)
def test_public_https_urls_pass(url: str, production_policy: None) -> None:
    target = vet(url, allow_loopback_http=False)
    assert target.addresses


def test_loopback_http_is_allowed_only_by_the_test_and_development_setting() -> None:
    assert vet("http://127.0.0.1:8123/hook", allow_loopback_http=True).addresses == ("127.0.0.1",)
    with pytest.raises(UnsafeUrl):
        vet("http://127.0.0.1:8123/hook", allow_loopback_http=False)
    with pytest.raises(UnsafeUrl):  # the setting opens loopback, nothing else
        vet("http://10.0.0.1:8123/hook", allow_loopback_http=True)
    with pytest.raises(UnsafeUrl):
        vet("http://public.example/hook", allow_loopback_http=True)


def test_a_name_that_rebinds_after_saving_is_refused_at_delivery(production_policy: None) -> None:
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])
    NAMES["rebind.example"] = lambda: next(answers)
    try:
        form = EndpointForm({"url": "https://rebind.example/", "event_types": ["invoice.paid"]})
        assert form.is_valid()
        outcome = client.post("https://rebind.example/", b"{}", {})
    finally:
        del NAMES["rebind.example"]
    assert outcome.error_class == "ssrf_blocked"


def test_the_checked_address_is_the_one_connected_to() -> None:
    # A name resolved once to 127.0.0.1: the request reaches the receiver there, with
    # the name kept in the Host header, and no second lookup is made.
    lookups: list[str] = []
    resolver = dns.fake_getaddrinfo({"hooks.test": ["127.0.0.1"]})

    def counting(host: str, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        return resolver(host, *args, **kwargs)

    with Receiver() as receiver, pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", counting)
        outcome = client.post(f"http://hooks.test:{receiver.port}/in", b"{}", {})
    assert outcome.status == 200
    assert outcome.resolved_ip == "127.0.0.1"
    assert receiver.received[0].headers["host"] == f"hooks.test:{receiver.port}"
    assert lookups == ["hooks.test"]


def test_redirects_are_not_followed() -> None:
    with Receiver() as target:
        moved = Behaviour(status=302, headers={"Location": target.url("/stolen")})
        with Receiver(moved) as receiver:
            outcome = client.post(receiver.url(), b"{}", {})
    assert outcome.status == 302
    assert not outcome.succeeded
    assert target.received == []


def test_a_huge_answer_is_cut_short(settings: Any) -> None:
    with Receiver(Behaviour(body=b"x" * 5_000_000)) as receiver:
        outcome = client.post(receiver.url(), b"{}", {})
    assert outcome.status == 200
    assert len(outcome.body) == client.KEEP


def test_a_receiver_that_never_answers_times_out(settings: Any) -> None:
    settings.WEBHOOKS_TOTAL_TIMEOUT = 0.5
    import threading

    never = threading.Event()
    with Receiver(Behaviour(hold=never)) as receiver:
        outcome = client.post(receiver.url(), b"{}", {})
    assert outcome.error_class == "timeout"
    assert outcome.status is None
