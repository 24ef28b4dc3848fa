"""A webhook endpoint whose receiver is down for the whole retry schedule and beyond:
after 24 hours of failures the managers hear once, after 5 days Patchbay disables it and
they hear once more; Re-enable sends everything the endpoint missed, and the recovery
closes both notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from attention.kinds import Kind
from attention.scan import scan
from operations import services as operations
from tests.attention.helpers import open_notices, recipients
from tests.conftest import Tenants, client_for
from tests.webhooks.helpers import make_endpoint
from tests.webhooks.receiver import Behaviour, Receiver
from webhooks import delivery as deliveries
from webhooks import tasks
from webhooks.models import Delivery, Endpoint, Event

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MANAGERS = ["integration_manager@alpha.test", "owner@alpha.test"]


@pytest.fixture
def woken(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[int]:
    """Wake-up messages, recorded instead of sent: the test makes each attempt itself."""
    settings.WEBHOOKS_RETRY_JITTER = 0
    sent: list[int] = []
    monkeypatch.setattr(tasks, "enqueue", sent.extend)
    return sent


def retry_until_done(delivery_id: int, clock: Any) -> int:
    """Every attempt of the schedule, each at its due time; returns how many were made."""
    made = 0
    while True:
        delivery = Delivery.objects.get(pk=delivery_id)
        if delivery.is_terminal or delivery.next_attempt_at is None:
            return made
        clock.move_to(max(delivery.next_attempt_at, datetime.now(tz=UTC)))
        made += deliveries.attempt(delivery_id) is not None


def new_event(tenants: Tenants, name: str) -> Delivery | None:
    operations.create_customer(tenants.alpha, name=name)
    event = Event.objects.filter(organisation=tenants.alpha).order_by("-pk").first()
    assert event is not None
    return Delivery.objects.filter(event=event).first()


def test_a_receiver_down_for_days_is_noticed_disabled_and_re_enabled_with_what_it_missed(
    tenants: Tenants, woken: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        Receiver(Behaviour(status=503)) as receiver,
        time_machine.travel(START, tick=False) as clock,
    ):
        make_endpoint(tenants.alpha, url=receiver.url(), event_types=["customer.created"])
        first = new_event(tenants, "Day one")
        assert first is not None
        assert retry_until_done(first.pk, clock) == 6  # the whole schedule, all refused
        scan()
        assert recipients("failing") == []  # about 15 hours: not a day yet

        clock.move_to(START + timedelta(hours=25))
        second = new_event(tenants, "Day two")
        assert second is not None
        retry_until_done(second.pk, clock)
        scan()
        scan()
        assert recipients("has been failing for over 24 hours") == MANAGERS
        assert Endpoint.objects.get().enabled

        clock.move_to(START + timedelta(days=5, minutes=1))
        third = new_event(tenants, "Day five")
        assert third is not None
        deliveries.attempt(third.pk)
        endpoint = Endpoint.objects.get()
        assert not endpoint.enabled and endpoint.auto_disabled_at is not None
        assert Delivery.objects.get(pk=third.pk).status == Delivery.Status.CANCELLED
        scan()
        scan()
        assert recipients("was disabled after 5 days of failures") == MANAGERS

        clock.move_to(START + timedelta(days=5, hours=2))
        assert new_event(tenants, "While disabled") is None  # nothing sent to it
        page = client_for(tenants.manager).get(f"/settings/api/webhooks/{endpoint.pk}/")
        assert b"Re-enable" in page.content

        receiver.behaviour.status = 204
        woken.clear()
        with django_capture_on_commit_callbacks(execute=True):
            answer = client_for(tenants.manager).post(
                f"/settings/api/webhooks/{endpoint.pk}/re-enable/"
            )
        assert answer.status_code == 302
        assert len(woken) == 4  # the three failed or cancelled, and the one never sent
        before = len(receiver.received)
        for delivery_id in woken:
            assert deliveries.attempt(delivery_id) is not None
        resent = receiver.ids()[before:]

        scan()
        scan()

    events = list(Event.objects.filter(organisation=tenants.alpha).order_by("pk"))
    assert sorted(resent) == sorted(e.event_id for e in events)  # each missed event, once
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert Endpoint.objects.get().enabled
    assert open_notices(Kind.WEBHOOK_FAILING) == open_notices(Kind.WEBHOOK_DISABLED) == []
    assert recipients("Recovered: Webhook endpoint") == sorted(MANAGERS * 2)
    assert len(recipients("failing for over 24 hours")) == 4  # problem + recovery, each
