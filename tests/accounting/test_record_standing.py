"""Where an invoice stands in the ledger, on its page and in the list's filter, and a
person's Retry / Exclude / Include on it: against the Xero sandbox over real HTTP."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounting import push_choices
from accounting.models import AccountMapping, Entity, ExternalRef
from integrations.models import AuditEntry, Connection, SyncRun
from integrations.syncs import sync_connection
from operations.models import Invoice
from sandbox.xero import books
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for

NOT_AN_ACCOUNT = "999"  # no such account in the sandbox company's chart


@pytest.fixture
def connected(xero_sandbox: str, settings: Any, tenants: Tenants) -> Connection:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()
    factories.line(tenants.alpha)  # the categories to map
    map_everything(connection)
    return connection


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """What the views queue for the worker; `work` runs it as the worker would."""
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(sync_connection, "delay", lambda *args: queued.append(args))
    return queued


def work(queued: list[tuple[Any, ...]]) -> None:
    while queued:
        sync_connection(*queued.pop(0))


def in_xero(invoice: Invoice) -> list[Any]:
    """The sandbox's invoices carrying this Patchbay invoice's number as their reference."""
    return [i for i in books.invoices_of(DEMO_COMPANY_UK) if i.reference == invoice.number]


def page_of(client: Client, invoice: Invoice) -> str:
    response = client.get(reverse("operations:invoice_detail", args=[invoice.pk]))
    assert response.status_code == 200
    return response.content.decode()


def ledger_link(page: str) -> str:
    found = re.search(r'<a href="([^"]+)"[^>]*data-testid="ledger-link"', page)
    assert found, "no link to the ledger on the page"
    return html.unescape(found.group(1))


def action(connection: Connection, name: str, invoice: Invoice) -> str:
    return reverse(
        f"accounting:record_{name}",
        kwargs={"pk": connection.pk, "entity": Entity.INVOICE, "local_id": invoice.pk},
    )


def refuse_income_account(connection: Connection, code: str) -> None:
    AccountMapping.objects.filter(connection=connection, kind=AccountMapping.Kind.INCOME).update(
        remote_code=code
    )


def test_a_pushed_invoice_shows_xeros_number_and_a_link_that_opens_it(
    connected: Connection, tenants: Tenants, worker: list[Any]
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    client = client_for(tenants.bookkeeper)
    before = page_of(client, invoice)
    assert f"Waits for its customer, {invoice.customer.name}, to reach Xero" in before

    work([(connected.pk, SyncRun.Trigger.MANUAL)])

    [remote] = in_xero(invoice)
    ref = ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk)
    assert ref.remote_number == remote.invoice_number != ""
    page = page_of(client, invoice)
    assert f"In Xero as {remote.invoice_number}." in page
    link = ledger_link(page)
    assert str(remote.invoice_id) in link and str(DEMO_COMPANY_UK) in link
    parts = urlsplit(link)
    console = client.get(f"{parts.path}?{parts.query}").content.decode()
    assert f"Invoice {remote.invoice_number} ({remote.status})" in console


def test_a_failed_invoice_says_why_and_retry_pushes_it_once_the_cause_is_fixed(
    connected: Connection, tenants: Tenants, worker: list[Any]
) -> None:
    refuse_income_account(connected, NOT_AN_ACCOUNT)
    invoice = factories.make_issued_invoice(tenants.alpha)
    work([(connected.pk, SyncRun.Trigger.MANUAL)])
    client = client_for(tenants.bookkeeper)

    page = page_of(client, invoice)
    assert "Failed" in page and "Xero refused it:" in page and NOT_AN_ACCOUNT in page
    assert action(connected, "retry", invoice) in page
    assert action(connected, "exclude", invoice) in page

    refuse_income_account(connected, "200")  # the bookkeeper fixes the mapping
    response = client.post(action(connected, "retry", invoice), follow=True)
    assert f"Retrying {invoice.number} in Xero." in response.content.decode()
    assert len(worker) == 1
    work(worker)

    ref = ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk)
    assert ref.state == ExternalRef.State.LINKED and ref.remote_id
    assert len(in_xero(invoice)) == 1
    assert "In Xero as" in page_of(client, invoice)


def test_an_excluded_invoice_is_left_alone_until_included_again(
    connected: Connection, tenants: Tenants, worker: list[Any]
) -> None:
    refuse_income_account(connected, NOT_AN_ACCOUNT)
    invoice = factories.make_issued_invoice(tenants.alpha)
    work([(connected.pk, SyncRun.Trigger.MANUAL)])
    refuse_income_account(connected, "200")
    client = client_for(tenants.bookkeeper)

    response = client.post(action(connected, "exclude", invoice), follow=True)
    assert f"{invoice.number} is excluded from sync with Xero" in response.content.decode()
    sent_before = AuditEntry.objects.filter(entity=Entity.INVOICE, method="PUT").count()
    work([(connected.pk, SyncRun.Trigger.MANUAL)])

    assert AuditEntry.objects.filter(entity=Entity.INVOICE, method="PUT").count() == sent_before
    assert in_xero(invoice) == []
    page = page_of(client, invoice)
    assert "Excluded from sync" in page and action(connected, "include", invoice) in page
    assert action(connected, "retry", invoice) not in page

    client.post(action(connected, "include", invoice))
    work(worker)

    assert len(in_xero(invoice)) == 1
    assert not ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk).excluded


def test_the_invoice_list_filters_by_where_invoices_stand_in_the_ledger(
    connected: Connection, tenants: Tenants
) -> None:
    pushed, failed, fresh = (factories.make_issued_invoice(tenants.alpha) for _ in range(3))
    common = {"organisation": tenants.alpha, "connection": connected, "entity": Entity.INVOICE}
    ExternalRef.objects.create(
        **common, local_id=pushed.pk, remote_id="r1", state=ExternalRef.State.LINKED
    )
    ExternalRef.objects.create(
        **common, local_id=failed.pk, state=ExternalRef.State.ERROR, last_error="No"
    )
    client = client_for(tenants.bookkeeper)

    def listed(choice: str) -> set[str]:
        page = client.get(reverse("operations:invoice_list"), {"ledger": choice})
        return set(re.findall(r"INV-\d+", page.content.decode()))

    assert listed("pushed") == {pushed.number}
    assert listed("failed") == {failed.number}
    assert listed("not_pushed") == {failed.number, fresh.number}
    assert listed("excluded") == set()
    assert listed("nonsense") == {pushed.number, failed.number, fresh.number}


def test_another_organisation_cannot_retry_or_exclude_alphas_records(
    connected: Connection, tenants: Tenants, worker: list[Any]
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    outsider = client_for(tenants.outsider)
    for name in ("retry", "exclude", "include"):
        assert outsider.post(action(connected, name, invoice)).status_code == 404
    bravo_invoice = factories.make_issued_invoice(tenants.bravo)
    insider = client_for(tenants.bookkeeper)
    for name in ("retry", "exclude", "include"):  # Alpha's connection, Bravo's invoice
        assert insider.post(action(connected, name, bravo_invoice)).status_code == 404
    assert worker == []
    assert not ExternalRef.objects.filter(excluded=True).exists()


def test_crew_may_not_exclude_an_invoice(
    connected: Connection, tenants: Tenants, worker: list[Any]
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    response = client_for(tenants.crew).post(action(connected, "exclude", invoice))
    assert response.status_code == 403
    assert not ExternalRef.objects.filter(excluded=True).exists()


def test_an_invoice_issued_before_the_start_date_waits_and_can_be_pushed_anyway(
    connected: Connection, tenants: Tenants, worker: list[Any]
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    push_choices.save(connected, "draft", invoice.issue_date + timedelta(days=1))
    work([(connected.pk, SyncRun.Trigger.MANUAL)])
    assert in_xero(invoice) == []
    manager = client_for(tenants.manager)

    page = page_of(manager, invoice)
    assert "Issued before the sync start date set for Xero" in page
    anyway = reverse("accounting:include_invoice", args=[invoice.pk])
    assert anyway in page
    assert anyway not in page_of(client_for(tenants.bookkeeper), invoice)  # not their call

    manager.post(anyway)
    work([(connected.pk, SyncRun.Trigger.MANUAL)])

    assert len(in_xero(invoice)) == 1
    assert "In Xero as" in page_of(manager, invoice)


def test_the_invoice_page_shows_where_its_credit_notes_stand(
    connected: Connection, tenants: Tenants, worker: list[Any]
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    note = factories.make_issued_credit_note(tenants.alpha, invoice)
    client = client_for(tenants.bookkeeper)
    before = page_of(client, invoice)
    assert f"<strong>{note.number}</strong>" in before and "Xero: Not yet pushed" in before

    work([(connected.pk, SyncRun.Trigger.MANUAL)])

    ref = ExternalRef.objects.get(entity=Entity.CREDIT_NOTE, local_id=note.pk)
    assert ref.remote_id and ref.remote_number
    after = page_of(client, invoice)
    assert f'Xero: Pushed</span> <small class="muted">as {ref.remote_number}</small>' in after
