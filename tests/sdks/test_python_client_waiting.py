"""patchbay-client's 429 handling, on answers made up in-process (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import ModuleType
from typing import Any, TypeVar

import httpx
import pytest

from tests.sdks.wheel import installed

pytestmark = pytest.mark.xdist_group("sdk-python")
T = TypeVar("T")
PROBLEM = {"type": "https://iana.org/assignments/http-problem-types#quota-exceeded"}


@pytest.fixture
def pb() -> ModuleType:
    return installed()


def _client(pb, answers: list[httpx.Response], **options):
    from patchbay_client.generated.api.customers import customers_list

    sent: list[httpx.Request] = []
    slept: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop(0)

    client = pb.connect(
        "https://patchbay.example/api/v1",
        "pbk_test",
        transport=httpx.MockTransport(answer),
        sleep=slept.append,
        **options,
    )
    return (lambda: customers_list.sync(client=client)), sent, slept


def _ok() -> httpx.Response:
    return httpx.Response(200, json={"count": 0, "next": None, "previous": None, "results": []})


def _limited(**headers: str) -> httpx.Response:
    return httpx.Response(429, json=PROBLEM, headers=headers)


def test_retry_after_seconds_are_waited_and_the_key_sent_each_time(pb) -> None:
    call, sent, slept = _client(pb, [_limited(**{"Retry-After": "7"}), _ok()])

    assert pb.ok(call()).count == 0
    assert slept == [7.0]
    assert [r.headers["Authorization"] for r in sent] == ["Bearer pbk_test"] * 2
    assert sent[0].url.path == "/api/v1/customers/"


def test_a_retry_after_date_is_waited_until(pb) -> None:
    moment = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    call, _, slept = _client(pb, [_limited(**{"Retry-After": moment}), _ok()])

    call()
    assert 25 <= slept[0] <= 30


def test_without_retry_after_the_exhausted_window_s_reset_is_waited(pb) -> None:
    header = '"minute";r=0;t=41, "hour";r=4890;t=3588'
    call, _, slept = _client(pb, [_limited(RateLimit=header), _ok()])

    call()
    assert slept == [41.0]


def test_waits_stop_at_max_retries_then_rate_limited_is_raised(pb) -> None:
    answers = [_limited(**{"Retry-After": "2"}) for _ in range(3)]
    call, sent, slept = _client(pb, answers, max_retries=2)

    with pytest.raises(pb.RateLimited) as raised:
        call()
    assert slept == [2.0, 2.0]
    assert len(sent) == 3
    assert raised.value.retry_after == 2.0


def test_a_wait_longer_than_max_wait_is_not_slept(pb) -> None:
    call, sent, slept = _client(pb, [_limited(**{"Retry-After": "3600"})], max_wait=60)

    with pytest.raises(pb.RateLimited) as raised:
        call()
    assert slept == []
    assert len(sent) == 1
    assert raised.value.retry_after == 3600.0


def test_an_answer_that_is_not_problem_json_still_raises_by_status(pb) -> None:
    call, _, _ = _client(pb, [httpx.Response(502, text="<html>Bad gateway</html>")])

    with pytest.raises(pb.ServerError) as raised:
        call()
    assert "Bad gateway" in raised.value.detail


def _run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on a thread of its own: a browser test earlier in this process leaves
    Playwright's sync API holding an event loop on the main thread, and asyncio.run
    refuses to start while one is running there."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_asyncio_functions_wait_and_raise_alike(pb) -> None:
    from patchbay_client.generated.api.customers import customers_list

    answers = [_limited(**{"Retry-After": "1"}), _ok(), httpx.Response(404, json={})]
    waits: list[float] = []
    client = pb.connect(
        "https://patchbay.example",
        "pbk_test",
        async_transport=httpx.MockTransport(lambda request: answers.pop(0)),
        on_wait=lambda seconds, request: waits.append(seconds),
    )

    assert pb.ok(_run_async(customers_list.asyncio(client=client))).count == 0
    assert waits == [1.0]
    with pytest.raises(pb.NotFound):
        _run_async(customers_list.asyncio(client=client))
