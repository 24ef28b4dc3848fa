"""The push choices page (drafts or approved, start date) and including one record
issued before the start date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accounting.models import Entity, IncludedRecord, PushSettings
from integrations.models import Connection
from tests import factories
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection


@pytest.fixture
def connection(tenants: Tenants) -> Connection:
    return make_connection(tenants.alpha)


def url(connection: Connection) -> str:
    return f"/settings/accounting/connections/{connection.pk}/push-choices/"


def test_the_page_offers_drafts_by_default_and_saves_approved_with_a_start_date(
    connection: Connection, tenants: Tenants
) -> None:
    client = client_for(tenants.owner)
    page = client.get(url(connection))
    assert page.status_code == 200
    assert page.context["form"].initial["invoice_status"] == "draft"
    assert "Sync start date" in page.content.decode()

    start = date.today() - timedelta(days=30)
    saved = client.post(
        url(connection), {"invoice_status": "approved", "start_date": start.isoformat()}
    )

    assert saved.status_code == 302
    choices = PushSettings.objects.get(connection=connection)
    assert (choices.invoice_status, choices.start_date) == ("approved", start)


def test_a_future_start_date_is_refused_clearly_and_nothing_entered_is_lost(
    connection: Connection, tenants: Tenants
) -> None:
    later = date.today() + timedelta(days=10)
    answer = client_for(tenants.owner).post(
        url(connection), {"invoice_status": "approved", "start_date": later.isoformat()}
    )

    assert answer.status_code == 400
    body = answer.content.decode()
    assert "can&#x27;t be in the future" in body or "can't be in the future" in body
    assert answer.context["form"].data["invoice_status"] == "approved"
    assert later.isoformat() in body
    assert not PushSettings.objects.filter(connection=connection).exists()


def test_a_bookkeeper_sees_the_choices_but_cannot_change_them(
    connection: Connection, tenants: Tenants
) -> None:
    client = client_for(tenants.by_role["crew"])
    assert client.get(url(connection)).status_code == 403
    viewer = client_for(tenants.by_role["bookkeeper"])
    answer = viewer.post(url(connection), {"invoice_status": "approved"})
    assert answer.status_code == 403
    assert not PushSettings.objects.filter(connection=connection).exists()


def test_another_organisations_connection_is_not_found(
    connection: Connection, tenants: Tenants
) -> None:
    other = make_connection(tenants.bravo)
    assert client_for(tenants.owner).get(url(other)).status_code == 404


def test_including_an_invoice_before_the_start_date_marks_it_for_every_connection(
    connection: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    page = f"/invoices/{invoice.pk}/"

    answer = client_for(tenants.owner).post(
        f"/settings/accounting/invoices/{invoice.pk}/include/", {"next": page}
    )

    assert answer.status_code == 302 and answer["Location"] == page
    row = IncludedRecord.objects.get(entity=Entity.INVOICE, local_id=invoice.pk)
    assert (row.connection_id, row.included_by) == (connection.pk, tenants.owner)
    again = client_for(tenants.owner).post(f"/settings/accounting/invoices/{invoice.pk}/include/")
    assert again.status_code == 302
    assert IncludedRecord.objects.count() == 1  # including twice changes nothing


def test_including_refuses_another_organisations_invoice_and_offsite_next(
    connection: Connection, tenants: Tenants
) -> None:
    foreign = factories.make_issued_invoice(tenants.bravo)
    client = client_for(tenants.owner)
    assert client.post(f"/settings/accounting/invoices/{foreign.pk}/include/").status_code == 404
    mine = factories.make_issued_invoice(tenants.alpha)
    answer = client.post(
        f"/settings/accounting/invoices/{mine.pk}/include/", {"next": "https://evil.example/"}
    )
    assert answer["Location"] == f"/invoices/{mine.pk}/"
    assert not IncludedRecord.objects.filter(local_id=foreign.pk).exists()


def test_the_reconciliation_sets_the_ledgers_figures_beside_patchbays_and_names_differences(
    connection: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounting import tasks
    from accounting.models import ExternalRef, LedgerBalance

    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00 due
    ExternalRef.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        entity=Entity.INVOICE,
        local_id=invoice.pk,
        remote_id="r-1",
        state=ExternalRef.State.LINKED,
    )
    client = client_for(tenants.owner)
    page = client.get("/settings/accounting/reconciliation/").content.decode()
    assert invoice.number in page and "not read from the ledger yet" in page

    enqueued: list[tuple[int, str]] = []
    monkeypatch.setattr(tasks.refresh_ledger_balances, "delay", lambda *a: enqueued.append(a))
    month = date.today().replace(day=1)
    answer = client.post("/settings/accounting/reconciliation/ledger/", {"month": f"{month:%Y-%m}"})
    assert answer.status_code == 302
    assert enqueued == [(connection.pk, month.isoformat())]

    LedgerBalance.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        local_id=invoice.pk,
        remote_id="r-1",
        total="120.00",
        amount_due="100.00",
        status="partially_paid",
        ledger_status="AUTHORISED",
    )
    page = client.get("/settings/accounting/reconciliation/").content.decode()
    assert "amount due, status" in page  # Patchbay has 120.00 due and nothing paid


def test_a_crew_member_cannot_ask_for_the_ledgers_figures(
    connection: Connection, tenants: Tenants
) -> None:
    answer = client_for(tenants.by_role["crew"]).post("/settings/accounting/reconciliation/ledger/")
    assert answer.status_code == 403
