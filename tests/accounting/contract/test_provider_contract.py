"""One set of behaviours every accounting provider keeps, run against its own sandbox.

Parametrised by provider (harnesses.HARNESSES): the same tests, the same assertions,
whatever the provider's wire format.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounting import crew_choices
from accounting.engine.adapter import EMPLOYEE
from accounting.engine.sync import adapter_for, run_sync
from accounting.models import AccountMapping, CrewMapping, Entity, ExternalRef, Review
from accounting.registry import adapter_class_for
from integrations.models import AuditEntry, Connection, SyncRun
from integrations.registry import get_integration
from operations import purchasing
from operations.models import ExpenseCategory, Invoice, Project, PurchaseOrder, Timesheet
from operations.purchasing import OrderLine
from tests import factories
from tests.accounting.contract.harness import ProviderHarness
from tests.accounting.contract.harnesses import HARNESSES
from tests.accounting.providers.xero.test_two_way_and_conflicts import amend
from tests.conftest import Tenants, client_for
from tests.operations.timesheet_helpers import approved, crewed_project


@pytest.fixture(params=sorted(HARNESSES))
def harness(
    request: pytest.FixtureRequest, live_server: Any, settings: Any, transactional_db: None
) -> Iterator[ProviderHarness]:
    provider = HARNESSES[request.param](live_server.url, settings)
    provider.point_at_sandbox()
    yield provider
    provider.clear_faults()


@pytest.fixture
def connected(harness: ProviderHarness, tenants: Tenants) -> Connection:
    connection = harness.connect(client_for(tenants.owner))
    factories.line(tenants.alpha, "1.00")  # the categories to map
    harness.map(connection)
    return connection


def sync(connection: Connection) -> SyncRun:
    return run_sync(
        Connection.objects.select_related("organisation").get(pk=connection.pk), "manual"
    )


def issued(tenants: Tenants, count: int) -> list[Invoice]:
    """Invoices for customers of distinct names (ledgers refuse two contacts of one name)."""
    return [
        factories.make_issued_invoice(
            tenants.alpha, factories.make_customer(tenants.alpha, f"Contract customer {n}")
        )
        for n in range(count)
    ]


def synced(connection: Connection, attempts: int = 1) -> SyncRun:
    """Sync until a run succeeds (faults may fail some), at most ``attempts`` times."""
    for _ in range(attempts):
        run = sync(connection)
        if run.status == SyncRun.Status.SUCCEEDED:
            return run
    raise AssertionError(f"no run succeeded in {attempts}: {run.status} {run.errors}")


def test_connecting_makes_an_active_connection_to_the_sandbox_company(
    connected: Connection, harness: ProviderHarness
) -> None:
    assert connected.provider == harness.slug
    assert connected.state == Connection.State.CONNECTED
    assert connected.remote_id and connected.remote_name


def test_an_issued_invoice_is_pushed_once_as_a_draft_with_its_number(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)

    synced(connected)
    synced(connected)

    [remote] = harness.invoice_for(invoice.number)
    assert remote.status == harness.draft_status
    assert remote.remote_id == harness.remote_id_of(invoice.pk)


def test_a_partial_payment_in_the_ledger_comes_back_with_the_right_amount_due(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00 due
    synced(connected)

    harness.approve_and_pay(harness.remote_id_of(invoice.pk), "45.00")
    synced(connected)
    synced(connected)  # and not twice

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("75.00"))


def test_a_push_whose_answer_was_lost_is_retried_without_a_duplicate(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    invoices = issued(tenants, 3)
    harness.lose_answers_after_writing()
    assert sync(connected).status != SyncRun.Status.SUCCEEDED
    harness.clear_faults()

    synced(connected)

    for invoice in invoices:
        assert len(harness.invoice_for(invoice.number)) == 1
    linked = ExternalRef.objects.filter(entity=Entity.INVOICE, state=ExternalRef.State.LINKED)
    assert linked.count() == 3


def test_edits_on_both_sides_make_a_conflict_and_overwrite_neither(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    synced(connected)
    remote_id = harness.remote_id_of(invoice.pk)

    harness.edit_price(remote_id, "90.00")
    amend(invoice, "130.00")
    run = sync(connected)

    assert run.counts.get("conflicts") == 1
    [remote] = harness.invoice_for(invoice.number)
    assert remote.sub_total == Decimal("90.00")
    invoice.refresh_from_db()
    assert invoice.total == Decimal("156.00")
    assert Review.objects.filter(kind=Review.Kind.CONFLICT, resolution="").count() == 1


@pytest.mark.slow
def test_throttling_and_failures_are_waited_out_with_nothing_lost_or_doubled(
    connected: Connection,
    harness: ProviderHarness,
    tenants: Tenants,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small batches: more calls, more of them failed (the sandbox's fates are seeded).
    adapter = adapter_class_for(harness.slug)
    monkeypatch.setattr(adapter, "batch_size", min(adapter.batch_size, 2))
    invoices = issued(tenants, 12)
    harness.fail_a_share(0.2, seed=11)

    synced(connected, attempts=30)
    failures = harness.injected_failures()
    harness.clear_faults()

    assert failures > 0  # the sandbox did fail calls (and the engine absorbed them)
    for invoice in invoices:
        assert len(harness.invoice_for(invoice.number)) == 1


def test_an_expired_access_token_is_refreshed_and_the_sync_carries_on(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    before = harness.refreshes()
    harness.expire_access_tokens()

    synced(connected)

    assert harness.refreshes() == before + 1
    assert len(harness.invoice_for(invoice.number)) == 1


def test_a_pushed_invoices_page_shows_the_ledgers_number_and_a_link_that_opens_it(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    synced(connected)

    ref = ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk)
    assert bool(ref.remote_number) == harness.numbers_drafts
    client = client_for(tenants.bookkeeper)
    page = client.get(reverse("operations:invoice_detail", args=[invoice.pk])).content.decode()
    shown = f"as {ref.remote_number}." if harness.numbers_drafts else "no number there yet"
    assert shown in page
    found = re.search(r'<a href="([^"]+)"[^>]*data-testid="ledger-link"', page)
    assert found, "no link to the ledger on the invoice's page"
    link = html.unescape(found.group(1))
    assert ref.remote_id in link
    parts = urlsplit(link)  # the sandbox's console stands in for the ledger's web app
    console = client.get(f"{parts.path}?{parts.query}")
    assert console.status_code == 200
    assert ref.remote_number in console.content.decode() and ref.remote_id in link


def test_an_approved_purchase_order_goes_once_where_the_ledger_takes_them(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    supplier = factories.make_customer(tenants.alpha, "Contract supplier", is_supplier=True)
    expense = ExpenseCategory.objects.create(organisation=tenants.alpha, name="Sub-hire")
    line = OrderLine(
        Decimal("50.00"), expense, factories._first_tax(tenants.alpha), Decimal("2"), "Desk"
    )
    order = purchasing.advance(
        purchasing.create_purchase_order(supplier, [line]), PurchaseOrder.Status.APPROVED
    )
    adapter = adapter_for(Connection.objects.get(pk=connected.pk), None)
    if adapter.pushes_purchase_orders:
        [account, *_] = adapter.expense_accounts()
        AccountMapping.objects.create(
            organisation=tenants.alpha,
            connection=connected,
            kind=AccountMapping.Kind.EXPENSE,
            local_id=expense.pk,
            remote_code=account.code,
        )

    synced(connected)
    synced(connected)

    writes = AuditEntry.objects.filter(
        connection=connected, direction="push", entity=Entity.PURCHASE_ORDER
    )
    if not adapter.pushes_purchase_orders:  # stays in Patchbay, untouched and unflagged
        assert (harness.purchase_orders(), writes.count()) == ([], 0)
        assert not ExternalRef.objects.filter(entity=Entity.PURCHASE_ORDER).exists()
        return
    assert harness.purchase_orders() == [order.number]
    assert writes.count() == 1
    ref = ExternalRef.objects.get(entity=Entity.PURCHASE_ORDER, local_id=order.pk)
    assert ref.state == ExternalRef.State.LINKED


# --- crew timesheets, where the ledger keeps time -------------------------------------------


def approved_timesheets(
    tenants: Tenants, count: int, project: Project | None = None
) -> list[Timesheet]:
    project = project or crewed_project(tenants.alpha, tenants.crew, name="Contract gala")
    return [
        approved(tenants.alpha, tenants.crew, project, tenants.manager, notes=f"shift {n}")
        for n in range(count)
    ]


def map_crew(connection: Connection, tenants: Tenants) -> None:
    """The crew member as the ledger's first employee, as the crew page saves it."""
    people = crew_choices.people(crew_choices.fetch(connection))
    person = next(p for p in people if p.kind == EMPLOYEE)
    CrewMapping.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        user=tenants.crew,
        kind=person.kind,
        remote_id=person.code,
        remote_name=person.name,
    )


def sent_numbers(harness: ProviderHarness) -> list[str]:
    return sorted(text.split(" ")[0] for text in harness.time_activities())


def test_approved_timesheets_go_once_as_time_activities_or_stay_in_patchbay(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    entries = approved_timesheets(tenants, 2)
    if not adapter_class_for(connected.provider).pushes_time_activities:
        # The card says so plainly, and a sync leaves timesheets alone.
        entry = get_integration(connected.provider)
        assert entry is not None and "no time activities" in entry.description
        crew_page = reverse("accounting:crew_mappings", kwargs={"pk": connected.pk})
        page = client_for(tenants.owner).get(crew_page)
        assert b"no time-activity object" in page.content
        synced(connected)
        assert not ExternalRef.objects.filter(entity=Entity.TIME_ACTIVITY).exists()
        return
    map_crew(connected, tenants)

    synced(connected)
    synced(connected)

    assert sent_numbers(harness) == sorted(entry.number for entry in entries)


def test_time_activities_whose_answers_were_lost_are_not_doubled(
    connected: Connection, harness: ProviderHarness, tenants: Tenants
) -> None:
    keeps_time = adapter_class_for(connected.provider).pushes_time_activities
    project = crewed_project(tenants.alpha, tenants.crew, name="Lost answers gala")
    if keeps_time:
        map_crew(connected, tenants)
    synced(connected)  # the client is in the ledger: only the time's answers get lost
    entries = approved_timesheets(tenants, 3, project)
    harness.lose_answers_after_writing()
    lost = sync(connected)
    harness.clear_faults()

    synced(connected)

    if keeps_time:
        assert lost.status != SyncRun.Status.SUCCEEDED
        assert sent_numbers(harness) == sorted(entry.number for entry in entries)
        linked = ExternalRef.objects.filter(
            entity=Entity.TIME_ACTIVITY, state=ExternalRef.State.LINKED
        )
        assert linked.count() == 3
    else:  # nothing to write, so nothing lost
        assert lost.status == SyncRun.Status.SUCCEEDED
