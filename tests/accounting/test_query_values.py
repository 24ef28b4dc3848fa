"""Hostile or mistyped query values on the accounting pages: a clear message, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounting.models import Review
from integrations.models import AuditEntry, Connection, SyncRun
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection

AUDIT_LOG = reverse("accounting:audit_log")


@pytest.fixture
def connection(tenants: Tenants) -> Connection:
    return make_connection(tenants.alpha)


def _entry(connection: Connection) -> AuditEntry:
    run = SyncRun.objects.create(
        organisation=connection.organisation,
        connection=connection,
        trigger="manual",
        lease_expires_at=timezone.now(),
    )
    return AuditEntry.objects.create(
        organisation=connection.organisation,
        connection=connection,
        run=run,
        direction="push",
        entity="invoice",
        method="PUT",
        url="https://ledger.example/1",
        outcome="created",
    )


@pytest.mark.parametrize("run", ["99999999999999999999999", "²", "-3", "0x10"])
def test_a_run_filter_that_is_no_record_number_is_ignored_and_said(
    connection: Connection, tenants: Tenants, run: str
) -> None:
    _entry(connection)
    response = client_for(tenants.bookkeeper).get(AUDIT_LOG, {"run": run})
    assert response.status_code == 200
    assert len(response.context["entries"]) == 1  # the refused filter filters nothing
    assert "Run:" in response.content.decode() and "That filter was ignored." in (
        response.content.decode()
    )


@pytest.mark.parametrize("before", ["²", "99999999999999999999999", "2024-13-45"])
def test_an_audit_log_cursor_that_is_no_id_shows_the_newest_calls(
    connection: Connection, tenants: Tenants, before: str
) -> None:
    _entry(connection)
    response = client_for(tenants.owner).get(AUDIT_LOG, {"before": before})
    assert response.status_code == 200
    assert len(response.context["entries"]) == 1


def test_a_run_beyond_every_id_but_within_bigint_matches_nothing(
    connection: Connection, tenants: Tenants
) -> None:
    _entry(connection)
    response = client_for(tenants.owner).get(AUDIT_LOG, {"run": str(2**63 - 1)})
    assert response.status_code == 200
    assert response.context["entries"] == []


def test_the_older_link_keeps_the_filters_and_moves_the_cursor(
    connection: Connection, tenants: Tenants
) -> None:
    for _ in range(51):
        _entry(connection)
    response = client_for(tenants.owner).get(AUDIT_LOG, {"outcome": "created", "before": "999999"})
    link = f"?outcome=created&amp;before={response.context['next_before']}"
    assert link in response.content.decode()


@pytest.mark.parametrize("wanted", ["²", "999999999999999999999999999999", "-1"])
def test_a_mappings_company_that_is_no_id_falls_back_to_the_first_and_says_so(
    connection: Connection, tenants: Tenants, wanted: str
) -> None:
    response = client_for(tenants.bookkeeper).get(
        reverse("accounting:mappings"), {"connection": wanted}
    )
    assert response.status_code == 200
    assert response.context["connection"] == connection
    assert "Company:" in response.content.decode()


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2024-13", "²", "2026-04-01"])
def test_a_reconciliation_month_out_of_range_shows_this_month_and_says_why(
    connection: Connection, tenants: Tenants, month: str
) -> None:
    response = client_for(tenants.bookkeeper).get(
        reverse("accounting:reconciliation"), {"month": month}
    )
    assert response.status_code == 200
    assert "Month:" in response.content.decode()


def test_a_reconciliation_month_in_range_is_shown(connection: Connection, tenants: Tenants) -> None:
    response = client_for(tenants.bookkeeper).get(
        reverse("accounting:reconciliation"), {"month": "2999-12", "format": "csv"}
    )
    assert response.status_code == 200
    assert "2999-12" in response["Content-Disposition"]


@pytest.mark.parametrize("choice", ["²", "99999999999999999999999", "maybe"])
def test_a_review_choice_that_is_no_option_asks_again(
    connection: Connection, tenants: Tenants, choice: str
) -> None:
    review = Review.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        kind=Review.Kind.MATCH,
        entity="customer",
        remote_id="C-1",
        candidates=[1],
    )
    client = client_for(tenants.bookkeeper)
    response = client.post(
        reverse("accounting:resolve_review", args=[review.pk]), {"choice": choice}, follow=True
    )
    assert response.status_code == 200
    assert "Choose one of the options shown." in response.content.decode()


@pytest.mark.parametrize(("header", "value"), [("57", 57), ("²", None), (" 9 ", 9), ("", None)])
def test_xero_rate_headers_are_read_as_ascii_numbers_only(header: str, value: int | None) -> None:
    from accounting.providers.xero.adapter import _header_int

    assert _header_int({"X-MinLimit-Remaining": header}, "X-MinLimit-Remaining") == value
