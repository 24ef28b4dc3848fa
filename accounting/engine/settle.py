"""Money set against invoices in Patchbay, out to the ledger: payments recorded in
Patchbay, and credit notes allocated to the invoice they credit.

Both are create-only (a Patchbay payment is never edited, only removed) and go through
the push machinery (``push.plan`` and ``push.create_all``): marked pending with their
keys before the request, linked from the answer, resent under the same key after a
crash, so a payment is never made twice. A record already linked (pushed, or pulled
from the ledger where a bookkeeper recorded it) is never sent.

A ledger with drafts (``adapter.has_drafts``) takes no money on a draft: the documents
are read first, and a payment or allocation on a draft *waits* (its link says why, as
does the run) and is read again every run until the document is approved there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet

from accounting.engine import due, push, records, reviews, scope
from accounting.engine.adapter import AccountingAdapter, LedgerState, Mappings
from accounting.models import Entity, ExternalRef
from integrations import runs
from integrations.models import Connection, SyncRun
from integrations.registry import platform_name
from operations.models import CreditNote, Invoice, Payment


def _unsent_ids(connection: Connection, entity: str, local_ids: Iterable[int]) -> set[int]:
    """Of these records, those with no remote twin yet (never sent, waiting, refused)."""
    ids = set(local_ids)
    sent = ExternalRef.objects.filter(
        connection=connection, entity=entity, local_id__in=ids
    ).exclude(remote_id="")
    return ids - set(sent.values_list("local_id", flat=True))


def _in_flight(connection: Connection, entity: str) -> set[int]:
    """Records sent by a run that did not learn the answer: they are resent as they were,
    whatever the ledger says now."""
    rows = ExternalRef.objects.filter(
        connection=connection, entity=entity, state=ExternalRef.State.PENDING
    ).exclude(batch_key="")
    return set(rows.values_list("local_id", flat=True))


def wait(connection: Connection, entity: str, local_id: int, reason: str) -> None:
    """Hold a record back with the reason on its link; it is read again next run."""
    ExternalRef.objects.update_or_create(
        connection=connection,
        entity=entity,
        local_id=local_id,
        defaults={"state": ExternalRef.State.WAITING, "last_error": reason},
        create_defaults={
            "organisation_id": connection.organisation_id,
            "state": ExternalRef.State.WAITING,
            "last_error": reason,
        },
    )


def ledger_states(
    adapter: AccountingAdapter, entity: str, remote_ids: Sequence[str]
) -> dict[str, LedgerState]:
    """The documents' states as the ledger has them now (as few reads as it allows)."""
    found: dict[str, LedgerState] = {}
    wanted = sorted(set(remote_ids))
    size = adapter.batch_size  # what one update read takes (Sage reads one at a time anyway)
    for start in range(0, len(wanted), size):
        for remote_id, remote in adapter.read(entity, wanted[start : start + size]).items():
            found[remote_id] = adapter.ledger_state(entity, remote)
    return found


def _refusal(
    connection: Connection, label: str, state: LedgerState | None, what: str
) -> tuple[str, bool] | None:
    """Why money can't be set against this document in the ledger yet, and whether it
    is worth waiting for (a draft, to be approved) or not (gone, void)."""
    provider = platform_name(connection)
    if state is None:
        return (f"{label} is no longer in {provider}: {what} cannot be recorded there.", False)
    if state.status == "draft":
        return (
            f"{what.capitalize()} waits for {label} to be approved in {provider} "
            f"({provider} takes no payment or credit on a draft). Approve it there, or "
            "choose to push invoices approved, and the next sync sends it.",
            True,
        )
    if state.status == "void":
        return (f"{label} is void in {provider}: {what} cannot be recorded there.", False)
    return None


def _nothing_left(connection: Connection, note: CreditNote) -> str:
    provider = platform_name(connection)
    return (
        f"Nothing to allocate in {provider}: {note} has no credit left there, or "
        f"{note.invoice} owes nothing there (set against each other in {provider} already?)."
    )


def _hold(run: SyncRun, entity: str, local_id: int, refusal: tuple[str, bool]) -> None:
    message, worth_waiting = refusal
    if worth_waiting:
        wait(run.connection, entity, local_id, message)
        runs.error(run, message, entity=entity, local_id=local_id)
        runs.count(run, "waiting")
    else:
        reviews.refuse_unsent(run, entity, local_id, message)


def _send(
    run: SyncRun, adapter: AccountingAdapter, entity: str, work: list[tuple[int, dict[str, Any]]]
) -> None:
    """Create what is ready (and resend what a crashed run left in flight)."""
    plan = push.plan(run.connection, entity, work, lambda data: data)
    plan.updates.clear()  # never happens (only unsent records are planned): money is create-only
    total = sum(len(batch) for batch in plan.resend.values()) + len(plan.creates)
    runs.progress(run, phase=f"{Entity(entity).label.lower()}s", done=0, total=total)
    push.create_all(run, adapter, entity, plan)


# --- payments ----------------------------------------------------------------------------


def _payments(window: due.Window) -> list[Payment]:
    connection = window.connection
    invoices = scope.invoices(
        Invoice.objects.filter(organisation_id=connection.organisation_id), connection
    )
    rows: QuerySet[Payment] = Payment.objects.filter(
        organisation_id=connection.organisation_id, invoice__in=invoices.values("pk")
    )
    rows = window.rows(records.of_entity(rows, connection))
    return list(rows.select_related("invoice").order_by("pk"))


def needs(context: str) -> list[due.Need]:
    """The money phases' windows: a payment or an allocation waits on its invoice."""
    return [
        due.Need(entity, context, ("invoice_id", Entity.INVOICE))
        for entity in (Entity.PAYMENT, Entity.ALLOCATION)
    ]


def money_waiting(connection: Connection, windows: due.Windows) -> bool:
    """Payments or credit allocations the next run would send. A run that may skip the
    ledger's changes reads them anyway when so (money is sent only after a read: see
    engine.sync), so a payment recorded in Patchbay never waits for the poll bound. A
    quiet window holds none (and costs no statement)."""
    for entity, found in ((Entity.PAYMENT, _payments), (Entity.ALLOCATION, _allocations)):
        window = windows.take(entity)
        if window.quiet:
            continue
        if _unsent_ids(connection, entity, (row.pk for row in found(window))):
            return True
    return False


def push_payments(
    run: SyncRun, adapter: AccountingAdapter, mappings: Mappings, windows: due.Windows
) -> None:
    window = windows.take(Entity.PAYMENT)
    if not window.quiet:
        _push_payments(run, adapter, mappings, window)
    windows.went_through(window)


def _push_payments(
    run: SyncRun, adapter: AccountingAdapter, mappings: Mappings, window: due.Window
) -> None:
    connection = run.connection
    found = _payments(window)
    unsent = _unsent_ids(connection, Entity.PAYMENT, (p.pk for p in found))
    candidates = [p for p in found if p.pk in unsent]
    invoices = push.linked_remote_ids(
        connection, Entity.INVOICE, [p.invoice_id for p in candidates]
    )
    contacts = push.linked_remote_ids(
        connection, Entity.CUSTOMER, [p.invoice.customer_id for p in candidates]
    )
    ready = []
    for payment in candidates:
        if payment.invoice_id in invoices and payment.invoice.customer_id in contacts:
            ready.append(payment)
        else:  # its invoice hasn't reached the ledger yet (that phase said why)
            wait(connection, Entity.PAYMENT, payment.pk, f"Waits for {payment.invoice} to sync.")
    flying = _in_flight(connection, Entity.PAYMENT)
    states = (
        ledger_states(adapter, Entity.INVOICE, [invoices[p.invoice_id] for p in ready])
        if adapter.has_drafts and any(p.pk not in flying for p in ready)
        else {}
    )
    work = []
    for payment in ready:
        remote_invoice = invoices[payment.invoice_id]
        if adapter.has_drafts and payment.pk not in flying:
            what = f"the payment of {payment.amount:,.2f} {payment.invoice.currency}"
            refusal = _refusal(connection, str(payment.invoice), states.get(remote_invoice), what)
            if refusal is not None:
                _hold(run, Entity.PAYMENT, payment.pk, refusal)
                continue
        contact = contacts[payment.invoice.customer_id]
        work.append(
            (payment.pk, adapter.payment_payload(payment, mappings, remote_invoice, contact))
        )
    _send(run, adapter, Entity.PAYMENT, work)


# --- credit allocations ------------------------------------------------------------------


def _allocations(window: due.Window) -> list[CreditNote]:
    connection = window.connection
    rows: QuerySet[CreditNote] = CreditNote.objects.filter(
        organisation_id=connection.organisation_id,
        status=CreditNote.Status.ISSUED,
        invoice__isnull=False,
    )
    rows = scope.credit_notes(window.rows(records.of_entity(rows, connection)), connection)
    return list(rows.select_related("invoice").order_by("pk"))


def push_allocations(run: SyncRun, adapter: AccountingAdapter, windows: due.Windows) -> None:
    """Each issued credit note that credits an invoice: its total set against it."""
    window = windows.take(Entity.ALLOCATION)
    if not window.quiet:
        _push_allocations(run, adapter, window)
    windows.went_through(window)


def _push_allocations(run: SyncRun, adapter: AccountingAdapter, window: due.Window) -> None:
    connection = run.connection
    found = _allocations(window)
    unsent = _unsent_ids(connection, Entity.ALLOCATION, (n.pk for n in found))
    candidates = [n for n in found if n.pk in unsent]
    notes = push.linked_remote_ids(connection, Entity.CREDIT_NOTE, [n.pk for n in candidates])
    invoices = push.linked_remote_ids(
        connection, Entity.INVOICE, [n.invoice_id for n in candidates if n.invoice_id]
    )
    contacts = push.linked_remote_ids(
        connection, Entity.CUSTOMER, [n.customer_id for n in candidates]
    )
    ready = []
    for note in candidates:
        linked = note.pk in notes and note.invoice_id in invoices and note.customer_id in contacts
        if linked:
            ready.append(note)
        else:  # the credit note or its invoice hasn't reached the ledger yet
            wait(
                connection,
                Entity.ALLOCATION,
                note.pk,
                f"Waits for {note} and {note.invoice} to sync.",
            )
    # Those a crashed run sent are resent as they were (push.plan); the rest are read
    # first: what the ledger has left of the credit, and what the invoice still owes.
    flying = _in_flight(connection, Entity.ALLOCATION)
    fresh = [n for n in ready if n.pk not in flying and n.invoice_id is not None]
    invoice_states = ledger_states(
        adapter, Entity.INVOICE, [invoices[n.invoice_id] for n in fresh if n.invoice_id]
    )
    note_states = ledger_states(adapter, Entity.CREDIT_NOTE, [notes[n.pk] for n in fresh])
    work = []
    for note in fresh:
        assert note.invoice_id is not None  # noqa: S101 - selected with an invoice
        remote_invoice, remote_note = invoices[note.invoice_id], notes[note.pk]
        note_state, invoice_state = note_states.get(remote_note), invoice_states.get(remote_invoice)
        what = f"the credit of {note} ({note.total:,.2f} {note.currency})"
        refusal = _refusal(connection, str(note), note_state, what) or _refusal(
            connection, str(note.invoice), invoice_state, what
        )
        if refusal is not None:
            _hold(run, Entity.ALLOCATION, note.pk, refusal)
            continue
        assert note_state is not None and invoice_state is not None  # noqa: S101 - refused above
        # The ledger's own figures: its tax may round a credit differently from Patchbay's.
        amount = min(note_state.amount_due, invoice_state.amount_due)
        if amount <= 0:
            reviews.refuse_unsent(run, Entity.ALLOCATION, note.pk, _nothing_left(connection, note))
            continue
        payload = adapter.allocation_payload(
            note, amount, remote_invoice, remote_note, contacts[note.customer_id]
        )
        work.append((note.pk, payload))
    _send(run, adapter, Entity.ALLOCATION, work)
