"""The engine with the Sage adapter against the Sage sandbox over real HTTP: push,
the bookkeeper's side, pull, updates and conflicts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from accounting.models import Entity, ExternalRef, Review
from integrations.models import AuditEntry, Connection
from operations import services
from operations.models import Customer, EquipmentItem, Invoice
from sandbox.sage import books, inspect
from sandbox.sage.seed import DEMO_HIRE_UK
from tests import factories
from tests.accounting.providers.sage.helpers import (
    SALES_4000,
    bookkeeper,
    ref_of,
    remote_id_of,
    sync,
)
from tests.conftest import Tenants, client_for


def remote_invoice(invoice: Invoice) -> Any:
    return books.invoice(DEMO_HIRE_UK, remote_id_of(Entity.INVOICE, invoice.pk))


def amend(
    invoice: Invoice, unit_price: str, *, extra_line: bool = False, first_only: bool = False
) -> None:
    """Patchbay's edit: the first line's price changes (the hire ran longer), a line is
    added, or all but the first are dropped."""
    lines = [
        services.LineInput(
            description=line.description,
            item=line.item,
            quantity=line.quantity,
            unit_price=Decimal(unit_price) if n == 0 else line.unit_price,
            tax_category=line.tax_category,
            income_category=line.income_category,
        )
        for n, line in enumerate(invoice.lines.order_by("pk"))
    ]
    if first_only:
        lines = lines[:1]
    if extra_line:
        lines.append(factories.line(invoice.organisation, "25.00"))
    services.amend_issued_invoice(invoice, lines=lines)


def test_an_issued_invoice_reaches_sage_as_a_draft_and_a_partial_payment_comes_back(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # 100.00 + 20% = 120.00 due

    first = sync(sage_connected)

    remote = remote_invoice(invoice)
    assert (remote.status, remote.reference, remote.number) == ("DRAFT", invoice.number, "")
    assert remote.total_amount == Decimal("120.00")
    [line] = remote.lines.all()
    assert (line.ledger_account.guid, line.tax_rate.guid) == (SALES_4000, "GB_STANDARD")
    assert remote.contact.reference == f"PB-{invoice.customer_id}"
    create = AuditEntry.objects.get(run=first, entity=Entity.INVOICE, method="POST")
    assert len(create.idempotency_key) == 32 and create.idempotency_key in create.request_body

    books.release_invoice(DEMO_HIRE_UK, remote.guid)  # the bookkeeper approves it
    books.record_payment(DEMO_HIRE_UK, remote.guid, "50.00", reference="BACS 1")
    sync(sage_connected)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("70.00"))
    books.record_payment(DEMO_HIRE_UK, remote.guid, "30.00", reference="BACS 2")
    third = sync(sage_connected)
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("40.00")  # each part-payment once, none twice
    assert not third.counts.get("created")
    assert [i.reference for i in books.invoices_of(DEMO_HIRE_UK)].count(invoice.number) == 1


def test_one_receipt_settling_two_invoices_pays_each_its_share(
    sage_connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Two Invoice Events")
    first = factories.make_issued_invoice(tenants.alpha, customer)
    second = factories.make_issued_invoice(tenants.alpha, customer, unit_price="50.00")
    sync(sage_connected)
    ids = [remote_id_of(Entity.INVOICE, i.pk) for i in (first, second)]
    for remote_id in ids:
        books.release_invoice(DEMO_HIRE_UK, remote_id)
    contact = remote_id_of(Entity.CUSTOMER, customer.pk)
    answer = bookkeeper().post(
        "contact_payments",
        {
            "contact_payment": {
                "transaction_type_id": "CUSTOMER_RECEIPT",
                "contact_id": contact,
                "bank_account_id": books._bank(DEMO_HIRE_UK, "1200").guid,
                "date": first.issue_date.isoformat(),
                "total_amount": "100.00",
                "allocated_artefacts": [
                    {"artefact_id": ids[0], "amount": "70.00"},
                    {"artefact_id": ids[1], "amount": "30.00"},
                ],
            }
        },
    )
    assert answer.status_code == 201, answer.content

    sync(sage_connected)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.amount_due, second.amount_due) == (Decimal("50.00"), Decimal("30.00"))


def test_a_contact_made_in_sage_becomes_a_customer_and_a_new_customer_reaches_sage(
    sage_connected: Connection, tenants: Tenants
) -> None:
    books.create_contact(DEMO_HIRE_UK, "Harbour Lights Ltd", email="ap@harbour.test")
    ours = factories.make_customer(tenants.alpha, name="Stagecraft North")

    sync(sage_connected)

    pulled = Customer.objects.get(organisation=tenants.alpha, name="Harbour Lights Ltd")
    assert pulled.email == "ap@harbour.test"
    assert ref_of(Entity.CUSTOMER, pulled.pk).state == ExternalRef.State.LINKED
    in_sage = [c for c in books.contacts_of(DEMO_HIRE_UK) if c.name == "Stagecraft North"]
    assert len(in_sage) == 1 and in_sage[0].reference == f"PB-{ours.pk}"
    assert remote_id_of(Entity.CUSTOMER, ours.pk) == in_sage[0].guid
    sync(sage_connected)  # nothing doubles on either side
    assert Customer.objects.filter(name="Harbour Lights Ltd").count() == 1
    assert len([c for c in books.contacts_of(DEMO_HIRE_UK) if c.name == ours.name]) == 1


def test_a_contact_renamed_in_sage_renames_the_customer_and_keeps_the_link(
    sage_connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Quayside Audio")
    sync(sage_connected)
    contact_id = remote_id_of(Entity.CUSTOMER, customer.pk)

    answer = bookkeeper().put(f"contacts/{contact_id}", {"contact": {"name": "Quayside Group"}})
    assert answer.status_code == 200
    sync(sage_connected)

    customer.refresh_from_db()
    assert customer.name == "Quayside Group"
    assert Customer.objects.filter(name__startswith="Quayside").count() == 1


def test_a_customer_changed_in_patchbay_is_updated_in_sage_keeping_its_reference(
    sage_connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Lighthouse Staging")
    sync(sage_connected)
    contact_id = remote_id_of(Entity.CUSTOMER, customer.pk)
    bookkeeper().put(f"contacts/{contact_id}", {"contact": {"reference": "LIGHT01"}})

    customer.email = "books@lighthouse.test"
    customer.save()
    run = sync(sage_connected)

    assert run.counts.get("updated") == 1
    [contact] = [c for c in books.contacts_of(DEMO_HIRE_UK) if c.guid == contact_id]
    assert (contact.email, contact.reference) == ("books@lighthouse.test", "LIGHT01")


def test_services_go_both_ways(sage_connected: Connection, tenants: Tenants) -> None:
    answer = bookkeeper().post(
        "services",
        {
            "service": {
                "item_code": "LED-PAR-64",
                "description": "LED par can",
                "sales_ledger_account_id": SALES_4000,
                "sales_rates": [{"rate_name": "Day", "rate": "12.50"}],
            }
        },
    )
    assert answer.status_code == 201
    ours = factories.make_item(tenants.alpha, name="Haze machine")

    sync(sage_connected)

    pulled = EquipmentItem.objects.get(organisation=tenants.alpha, sku="LED-PAR-64")
    assert (pulled.name, pulled.daily_rate) == ("LED par can", Decimal("12.50"))
    services_in_sage = bookkeeper().get("services", {"attributes": "all"}).json()["$items"]
    [pushed] = [s for s in services_in_sage if s["item_code"] == f"PB-{ours.pk}"]
    assert pushed["description"] == "Haze machine"
    assert pushed["sales_rates"][0]["rate"] == 45.0
    assert pushed["sales_ledger_account"]["id"] == SALES_4000

    ours.daily_rate = Decimal("55.00")
    ours.save()
    sync(sage_connected)
    again = bookkeeper().get(f"services/{pushed['id']}").json()
    assert again["sales_rates"][0]["rate"] == 55.0


def test_an_amended_invoice_is_updated_in_sage_with_exactly_patchbays_lines(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    sync(sage_connected)
    books.release_invoice(DEMO_HIRE_UK, remote_id_of(Entity.INVOICE, invoice.pk))  # no edit

    amend(invoice, "150.00", extra_line=True)
    run = sync(sage_connected)

    assert run.counts.get("updated") == 1 and not run.counts.get("conflicts")
    remote = remote_invoice(invoice)
    assert [line.unit_price for line in remote.lines.order_by("position")] == [
        Decimal("150.00"),
        Decimal("25.00"),
    ]
    assert remote.status == "UNPAID"  # the bookkeeper's release stands
    update = AuditEntry.objects.get(run=run, method="PUT", entity=Entity.INVOICE)
    assert update.idempotency_key and "150.0" in update.request_body

    amend(invoice, "150.00", first_only=True)  # the second line is removed, not kept
    sync(sage_connected)
    assert remote_invoice(invoice).lines.count() == 1


def test_edits_on_both_sides_make_a_conflict_that_overwrites_neither_and_resolves_both_ways(
    sage_connected: Connection, tenants: Tenants
) -> None:
    kept = factories.make_issued_invoice(tenants.alpha)
    pushed = factories.make_issued_invoice(tenants.alpha)
    sync(sage_connected)
    for invoice in (kept, pushed):
        books.edit_invoice(DEMO_HIRE_UK, remote_id_of(Entity.INVOICE, invoice.pk), unit_price="90")
        amend(invoice, "130.00")

    run = sync(sage_connected)

    assert run.counts.get("conflicts") == 2
    assert remote_invoice(kept).net_amount == Decimal("90.00")  # the ledger kept its edit
    kept.refresh_from_db()
    assert kept.total == Decimal("156.00")  # and Patchbay its own (130 + 20% tax)
    reviews = {r.local_id: r for r in Review.objects.filter(kind=Review.Kind.CONFLICT)}
    assert reviews[kept.pk].patchbay_version["lines"][0][2] == "130"
    assert reviews[kept.pk].ledger_version["lines"][0][2] == "90"
    sync(sage_connected)  # held: still nothing overwritten
    assert remote_invoice(pushed).net_amount == Decimal("90.00")

    person = client_for(tenants.bookkeeper)
    page = person.get("/settings/accounting/reviews/")
    assert b"130" in page.content and b"90" in page.content
    resolve = "/settings/accounting/reviews/{}/resolve/"
    person.post(resolve.format(reviews[kept.pk].pk), {"choice": "keep_ledger"})
    person.post(resolve.format(reviews[pushed.pk].pk), {"choice": "push_patchbay"})
    sync(sage_connected)

    assert remote_invoice(kept).net_amount == Decimal("90.00")
    assert remote_invoice(pushed).net_amount == Decimal("130.00")
    assert Review.objects.filter(resolution="").count() == 0


def test_a_bookkeeper_who_edits_again_after_the_resolution_gets_a_new_conflict(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    sync(sage_connected)
    remote_id = remote_id_of(Entity.INVOICE, invoice.pk)
    books.edit_invoice(DEMO_HIRE_UK, remote_id, unit_price="90")
    amend(invoice, "130.00")
    sync(sage_connected)
    review = Review.objects.get(kind=Review.Kind.CONFLICT)
    client_for(tenants.owner).post(
        f"/settings/accounting/reviews/{review.pk}/resolve/", {"choice": "push_patchbay"}
    )
    books.edit_invoice(DEMO_HIRE_UK, remote_id, due_date=invoice.due_date + timedelta(days=7))

    run = sync(sage_connected)

    assert run.counts.get("conflicts") == 1
    assert remote_invoice(invoice).net_amount == Decimal("90.00")


def test_credit_notes_are_pushed_as_drafts_with_their_number_as_reference(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    note = factories.make_issued_credit_note(tenants.alpha, invoice)

    sync(sage_connected)

    [remote] = [n for n in books.credit_notes_of(DEMO_HIRE_UK) if n.reference == note.number]
    assert remote.status == "DRAFT" and remote.net_amount == Decimal("20.00")
    assert remote_id_of(Entity.CREDIT_NOTE, note.pk) == remote.guid


def test_refusals_come_back_as_sages_messages_on_the_record(
    sage_connected: Connection, tenants: Tenants
) -> None:
    from accounting.models import AccountMapping

    AccountMapping.objects.filter(kind=AccountMapping.Kind.TAX).update(remote_code="NO_SUCH")
    invoice = factories.make_issued_invoice(tenants.alpha)

    run = sync(sage_connected)

    ref = ref_of(Entity.INVOICE, invoice.pk)
    assert ref.state == ExternalRef.State.ERROR
    assert "invoice_lines.tax_rate_id" in ref.last_error
    assert any("invoice_lines.tax_rate_id" in str(e) for e in run.errors)


def test_a_sync_with_nothing_changed_makes_one_read_per_pulled_entity(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoices = [
        factories.make_issued_invoice(
            tenants.alpha, factories.make_customer(tenants.alpha, f"C{n}")
        )
        for n in range(3)
    ]
    factories.make_item(tenants.alpha)
    sync(sage_connected)
    paid = remote_id_of(Entity.INVOICE, invoices[0].pk)
    books.release_invoice(DEMO_HIRE_UK, paid)
    books.record_payment(DEMO_HIRE_UK, paid, "10.00")  # payments get a cursor too
    sync(sage_connected)

    quiet = sync(sage_connected)

    calls = AuditEntry.objects.filter(run=quiet)
    # Per pulled entity: the changes since the cursor, and what was deleted since; and
    # the same two for the invoices in Sage (voided, deleted).
    entities = ["customer", "invoice", "item", "payment"]
    assert sorted(calls.values_list("entity", flat=True)) == sorted(entities * 2)
    deleted = calls.filter(url__contains="deleted_since=")
    assert sorted(deleted.values_list("entity", flat=True)) == entities
    assert set(calls.values_list("method", flat=True)) == {"GET"}
    # Reads never marked an invoice as sent (mark_as_sent=false on single reads).
    assert not any(i.sent for i in books.invoices_of(DEMO_HIRE_UK))
    assert inspect.idempotent_replays(with_other_body=True) == 0
