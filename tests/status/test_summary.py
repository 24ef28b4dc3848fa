"""The beat task's figures, computed by PostgreSQL from real audit rows: call counts,
failed share (5xx and unanswered), 429s and the 95th percentile time, per window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.audit import Call, Recorder
from integrations.errors import ProviderUnavailable
from integrations.models import AuditEntry
from status import summary
from status.models import AuditMark, ProviderHealth
from status.providers import status_providers
from status.tasks import summarise_provider_health
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection, make_grant
from tests.status.helpers import audit_call

pytestmark = pytest.mark.django_db


def _health(provider: str, window: str) -> ProviderHealth:
    return ProviderHealth.objects.get(provider=provider, window=window)


def _last_hour_of_xero(tenants: Tenants) -> None:
    """100 calls in the last hour, taking 1 to 100 ms: 90 answered, 5 with a 503, 2 never
    answered, 3 refused with a 429."""
    connection = make_connection(tenants.alpha)
    now = timezone.now()
    for ms in range(1, 101):
        status: int | None = 200
        if 91 <= ms <= 95:
            status = 503
        elif ms in (96, 97):
            status = None
        elif ms >= 98:
            status = 429
        audit_call(connection, status, ms, at=now - timedelta(minutes=30))


def test_the_last_hour_counts_5xx_and_unanswered_calls_as_failed_and_429s_apart(
    tenants: Tenants,
) -> None:
    _last_hour_of_xero(tenants)

    summary.summarise()

    hour = _health("xero", ProviderHealth.Window.HOUR)
    assert (hour.calls, hour.failures, hour.rate_limited) == (100, 7, 3)
    assert hour.p95_ms == 95  # an observed time: the 95th of 1..100 ms


def test_the_day_adds_calls_older_than_an_hour_from_every_organisation_and_ignores_older(
    tenants: Tenants,
) -> None:
    _last_hour_of_xero(tenants)
    bravo = make_connection(tenants.bravo, remote_id="tenant-b", grant=make_grant(tenants.bravo))
    now = timezone.now()
    for _ in range(10):
        audit_call(bravo, 500, 1000, at=now - timedelta(hours=2))
    audit_call(bravo, 500, 5000, at=now - timedelta(days=2))

    summary.summarise()

    day = _health("xero", ProviderHealth.Window.DAY)
    assert (day.calls, day.failures, day.rate_limited) == (110, 17, 3)
    assert day.p95_ms == 1000  # the 105th of 110 sorted times is one of the slow ones
    assert _health("xero", ProviderHealth.Window.HOUR).calls == 100


def test_every_provider_on_the_page_gets_a_row_per_window_even_without_calls(
    tenants: Tenants,
) -> None:
    summarise_provider_health.apply()

    slugs = {entry.slug for entry in status_providers()}
    assert {"xero", "quickbooks", "sage", "google-calendar", "outlook", "icloud"} <= slugs
    assert ProviderHealth.objects.count() == 2 * len(slugs)
    quiet = _health("sage", ProviderHealth.Window.DAY)
    assert (quiet.calls, quiet.failures, quiet.p95_ms) == (0, 0, None)


def test_a_second_run_replaces_the_figures_rather_than_adding_rows(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    audit_call(connection, 200, 40)
    summary.summarise()
    audit_call(connection, 503, 60)

    summary.summarise()

    hour = _health("xero", ProviderHealth.Window.HOUR)
    assert (hour.calls, hour.failures) == (2, 1)
    assert ProviderHealth.objects.filter(provider="xero").count() == 2


def test_the_summary_reads_the_audit_from_a_mark_older_than_the_day(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    below = audit_call(connection, 503, 10)
    # A mark taken two days ago says every row up to `below` is older than the day. (Here
    # it is not: the test breaks that rule to see that the id bound is what is read.)
    AuditMark.objects.create(taken_at=timezone.now() - timedelta(days=2), last_id=below.pk)
    audit_call(connection, 200, 20)

    summary.summarise()

    assert _health("xero", ProviderHealth.Window.DAY).calls == 1


def test_each_run_leaves_a_mark_and_forgets_those_older_than_the_one_it_starts_from(
    tenants: Tenants,
) -> None:
    connection = make_connection(tenants.alpha)
    older = audit_call(connection, 200, 20)
    newest = audit_call(connection, 200, 20)
    now = timezone.now()
    AuditMark.objects.create(taken_at=now - timedelta(days=3), last_id=0)
    # After a pause of beat, the newest mark before the day is days old: still kept.
    AuditMark.objects.create(taken_at=now - timedelta(days=2), last_id=older.pk)

    summary.summarise()

    marks = AuditMark.objects.order_by("taken_at").values_list("last_id", flat=True)
    assert list(marks) == [older.pk, newest.pk]


def test_a_call_the_provider_never_answered_is_audited_with_no_status(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    recorder = Recorder(connection, None)
    # Port 9 on the loopback is closed: the connection is refused at once.
    call = Call("pull", "invoice", "GET", "http://127.0.0.1:9/api.xro/2.0/Invoices", [])

    with pytest.raises(ProviderUnavailable):
        recorder.send(call)

    entry = AuditEntry.objects.get(connection=connection)
    assert (entry.status_code, entry.outcome) == (None, AuditEntry.Outcome.ERROR)
    assert "could not reach" in entry.response_body
    summary.summarise()
    assert _health("xero", ProviderHealth.Window.HOUR).failures == 1
