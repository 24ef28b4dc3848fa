"""Delivery attempts partitioned by month: beat makes months ahead and drops those past
WEBHOOK_ATTEMPT_RETENTION_MONTHS; attempts made either side of midnight on the first land
in their own month, none lost, and a delivery's page shows them all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection as database
from django.urls import reverse

from integrations import partitions
from operations import services as operations
from tests.conftest import Tenants, client_for
from tests.webhooks.helpers import make_endpoint
from tests.webhooks.receiver import Behaviour, Receiver
from webhooks import delivery as deliveries
from webhooks import tasks
from webhooks.models import Attempt, Delivery

ATTEMPTS = tasks.ATTEMPTS
BEFORE_MIDNIGHT = datetime(2027, 1, 31, 23, 59, 30, tzinfo=UTC)


@pytest.fixture
def woken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sent: list[int] = []
    monkeypatch.setattr(tasks, "enqueue", sent.extend)
    return sent


def test_the_migrations_left_attempts_partitioned_on_started_at(db: None) -> None:
    assert partitions.is_partitioned(ATTEMPTS)
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = to_regclass(%s) AND contype = 'p'",
            [ATTEMPTS.table],
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, started_at)"


def test_attempts_either_side_of_midnight_land_in_their_months_and_all_show(
    tenants: Tenants, settings: Any, woken: list[int]
) -> None:
    settings.WEBHOOKS_RETRY_JITTER = 0
    with (
        Receiver(Behaviour(status=500)) as receiver,
        time_machine.travel(BEFORE_MIDNIGHT, tick=False) as clock,
    ):
        tasks.maintain_attempt_partitions()
        make_endpoint(tenants.alpha, url=receiver.url(), event_types=["customer.created"])
        for name in ("Harbour Lights", "Quay Sound", "Pier Staging"):
            operations.create_customer(tenants.alpha, name=name)
        ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
        for pk in ids:
            deliveries.attempt(pk)
        clock.move_to(BEFORE_MIDNIGHT + timedelta(seconds=60))  # the first retry is due
        for pk in ids:
            deliveries.attempt(pk)
    attempts = list(Attempt.objects.order_by("pk").values_list("pk", "number"))
    where = partitions.partition_of_rows(ATTEMPTS, [pk for pk, _ in attempts])
    assert len(attempts) == 6
    assert {where[pk] for pk, number in attempts if number == 1} == {f"{ATTEMPTS.table}_p2027_01"}
    assert {where[pk] for pk, number in attempts if number == 2} == {f"{ATTEMPTS.table}_p2027_02"}
    detail = reverse("apikeys:webhooks:delivery_detail", kwargs={"pk": ids[0]})
    page = client_for(tenants.manager).get(detail)
    shown = [attempt.number for attempt in page.context["delivery"].attempt_log.all()]
    assert shown == [1, 2]
    assert "31 Jan 2027" in page.content.decode() and "1 Feb 2027" in page.content.decode()


def test_beat_drops_attempt_months_past_retention_and_keeps_the_delivery(
    tenants: Tenants, settings: Any, woken: list[int]
) -> None:
    settings.WEBHOOK_ATTEMPT_RETENTION_MONTHS = 1
    with (
        Receiver(Behaviour(status=204)) as receiver,
        time_machine.travel(BEFORE_MIDNIGHT, tick=False) as clock,
    ):
        tasks.maintain_attempt_partitions()
        make_endpoint(tenants.alpha, url=receiver.url(), event_types=["customer.created"])
        operations.create_customer(tenants.alpha, name="Harbour Lights")
        delivery = Delivery.objects.get()
        deliveries.attempt(delivery.pk)
        clock.move_to(datetime(2027, 3, 3, tzinfo=UTC))
        with database.cursor() as cursor:  # beat's own transaction would have settled them
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        first = tasks.maintain_attempt_partitions()
        again = tasks.maintain_attempt_partitions()
    assert f"{ATTEMPTS.table}_p2027_01" in first["dropped"]
    assert f"{ATTEMPTS.table}_p2027_02" not in first["dropped"]
    assert first["created"] == [f"{ATTEMPTS.table}_p2027_{m}" for m in ("04", "05")]
    assert again == {"created": [], "dropped": []}
    assert not Attempt.objects.exists()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 204)
