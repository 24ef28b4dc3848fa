"""Attempts, the retry schedule under a controlled clock, Resend, and the sweeper."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from standardwebhooks.webhooks import Webhook

from operations import services as operations
from tests.conftest import Tenants
from tests.webhooks.helpers import make_endpoint
from tests.webhooks.receiver import Behaviour, Receiver
from webhooks import delivery as deliveries
from webhooks import services, tasks
from webhooks.models import Attempt, Delivery, Endpoint

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCHEDULE = [60, 300, 1_800, 7_200, 43_200]


@pytest.fixture
def no_jitter(settings: Any) -> None:
    settings.WEBHOOKS_RETRY_JITTER = 0


@pytest.fixture
def woken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wake-up messages, recorded instead of sent (no worker in these tests)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks, "enqueue", sent.extend)
    return sent


def _one_delivery(tenants: Tenants, url: str) -> tuple[Delivery, str]:
    _, secret = make_endpoint(tenants.alpha, url=url, event_types=["customer.created"])
    operations.create_customer(tenants.alpha, name="Harbour Lights")
    return Delivery.objects.get(), secret


def test_a_receiver_answering_500_is_retried_at_the_exact_offsets_then_failed(
    tenants: Tenants, no_jitter: None, woken: list[int]
) -> None:
    with (
        Receiver(Behaviour(status=500)) as receiver,
        time_machine.travel(START, tick=False) as clock,
    ):
        delivery, _ = _one_delivery(tenants, receiver.url())
        assert deliveries.attempt(delivery.pk) is not None
        for _ in SCHEDULE:
            delivery.refresh_from_db()
            assert delivery.status == "retrying"
            due = delivery.next_attempt_at
            assert due is not None
            clock.move_to(due - timedelta(seconds=1))
            assert deliveries.attempt(delivery.pk) is None  # not due yet: nothing sent
            clock.move_to(due)
            assert deliveries.attempt(delivery.pk) is not None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 6, None)
    started = list(Attempt.objects.filter(delivery=delivery).values_list("started_at", flat=True))
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(started)]
    assert gaps == SCHEDULE
    assert len(receiver.received) == 6
    assert len(set(receiver.ids())) == 1  # one webhook-id for every attempt
    assert len({r.headers["webhook-timestamp"] for r in receiver.received}) == 6


def test_resend_after_failure_sends_the_same_event_once_more(
    tenants: Tenants, no_jitter: None, woken: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with Receiver(Behaviour(status=500)) as receiver:
        delivery, secret = _one_delivery(tenants, receiver.url())
        Delivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
        delivery.refresh_from_db()
        receiver.behaviour.status = 204
        with django_capture_on_commit_callbacks(execute=True):
            services.resend(delivery)
        assert woken[-1] == delivery.pk
        deliveries.attempt(delivery.pk)
        request = receiver.received[-1]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("succeeded", 204)
    assert Attempt.objects.get(delivery=delivery).trigger == "manual"
    verified = Webhook(secret).verify(request.body, request.headers)
    assert request.webhook_id == delivery.event.event_id
    assert verified["type"] == "customer.created"


def test_a_failed_resend_is_not_retried(tenants: Tenants, woken: list[int]) -> None:
    with Receiver(Behaviour(status=503)) as receiver:
        delivery, _ = _one_delivery(tenants, receiver.url())
        Delivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
        delivery.refresh_from_db()
        services.resend(delivery)
        deliveries.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == ("failed", None)


def test_resend_is_refused_while_the_delivery_is_still_being_tried(tenants: Tenants) -> None:
    delivery, _ = _one_delivery(tenants, "https://hooks.example.com/in")
    with pytest.raises(services.WebhookError):
        services.resend(delivery)


def test_410_gone_disables_the_endpoint_and_cancels_what_is_pending(
    tenants: Tenants, woken: list[int]
) -> None:
    with Receiver(Behaviour(status=410)) as receiver:
        delivery, _ = _one_delivery(tenants, receiver.url())
        operations.create_customer(tenants.alpha, name="Second")
        deliveries.attempt(delivery.pk)
    endpoint = Endpoint.objects.get()
    assert not endpoint.enabled
    assert "410" in endpoint.disabled_reason
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["cancelled", "failed"]


def test_success_is_any_2xx_and_the_attempt_is_recorded(tenants: Tenants, woken: list[int]) -> None:
    with Receiver(Behaviour(status=202, body=b"queued\x00!")) as receiver:
        delivery, _ = _one_delivery(tenants, receiver.url())
        deliveries.attempt(delivery.pk)
    attempt = Attempt.objects.get()
    assert (attempt.response_status, attempt.response_body) == (202, "queued!")
    assert attempt.resolved_ip == "127.0.0.1"
    assert Delivery.objects.get().status == "succeeded"


def test_jitter_only_ever_delays(settings: Any) -> None:
    settings.WEBHOOKS_RETRY_JITTER = 0.1
    for failures, base in enumerate(SCHEDULE, start=1):
        for _ in range(50):
            delay = deliveries.next_delay(failures)
            assert delay is not None
            assert base <= delay.total_seconds() <= base * 1.1
    assert deliveries.next_delay(6) is None


def test_retry_after_from_the_receiver_is_honoured_up_to_twelve_hours(settings: Any) -> None:
    settings.WEBHOOKS_RETRY_JITTER = 0
    assert deliveries.next_delay(1, retry_after=600) == timedelta(seconds=600)
    assert deliveries.next_delay(1, retry_after=10) == timedelta(seconds=60)
    assert deliveries.next_delay(1, retry_after=10**9) == timedelta(hours=12)


def test_the_sweeper_rewakes_due_deliveries_whose_wake_up_was_lost(
    tenants: Tenants, woken: list[int], settings: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        delivery, _ = _one_delivery(tenants, "https://hooks.example.com/in")
        assert tasks.sweep(START) == 0  # just woken after commit: not yet
        clock.move_to(START + timedelta(seconds=settings.WEBHOOKS_REHINT_SECONDS))
        now = START + timedelta(seconds=settings.WEBHOOKS_REHINT_SECONDS)
        assert tasks.sweep(now) == 1
        assert tasks.sweep(now) == 0  # marked: the next sweep leaves it alone
    assert woken == [delivery.pk]


def test_a_delivery_whose_worker_died_is_due_again_when_its_lease_ends(
    tenants: Tenants, woken: list[int]
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        delivery, _ = _one_delivery(tenants, "https://hooks.example.com/in")
        claimed = deliveries.claim(delivery.pk, START)  # ...and the worker dies here
        assert claimed is not None
        assert deliveries.claim(delivery.pk, START) is None  # nobody else may take it
        lease_end = START + deliveries.lease()
        clock.move_to(lease_end)
        assert tasks.sweep(lease_end) == 1
        assert deliveries.claim(delivery.pk, lease_end) is not None


def test_a_disabled_endpoint_gets_nothing(tenants: Tenants, woken: list[int]) -> None:
    with Receiver() as receiver:
        delivery, _ = _one_delivery(tenants, receiver.url())
        Endpoint.objects.update(enabled=False)
        deliveries.attempt(delivery.pk)
    assert receiver.received == []
    assert Delivery.objects.get().status == "cancelled"
