"""Where a Patchbay record stands in each ledger it syncs to: not yet pushed, being sent,
pushed (the ledger's number and where it opens), waiting (and why), failed (the
ledger's message and what to do), held for review, removed in the ledger, or excluded
from sync by a person. One answer per accounting connection that syncs the record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounting.engine.reviews import DELETED_IN_LEDGER
from accounting.models import Entity, ExternalRef, IncludedRecord, PushSettings
from accounting.registry import accounting_slugs
from integrations.models import Connection
from integrations.registry import platform_name
from operations.models import CreditNote, Invoice, Payment
from tenancy.models import Organisation


class Standing(models.TextChoices):
    NOT_PUSHED = "not_pushed", "Not yet pushed"
    SENDING = "sending", "Being sent"
    PUSHED = "pushed", "Pushed"
    WAITING = "waiting", "Waiting"
    FAILED = "failed", "Failed"
    REVIEW = "review", "In review"
    REMOVED = "removed", "Removed in the ledger"
    EXCLUDED = "excluded", "Excluded from sync"


@dataclass(frozen=True)
class InLedger:
    """One record in one connection's ledger."""

    connection: Connection
    provider: str
    standing: Standing
    message: str
    ref: ExternalRef | None = None
    # Kept out by the connection's sync start date: a person may push it anyway.
    before_start_date: bool = False

    @property
    def label(self) -> str:
        return str(self.standing.label)

    @property
    def number(self) -> str:
        return self.ref.remote_number if self.ref else ""

    @property
    def url(self) -> str:
        return self.ref.remote_url if self.ref else ""

    @property
    def can_retry(self) -> bool:
        return self.standing == Standing.FAILED

    @property
    def can_include(self) -> bool:
        return self.standing == Standing.EXCLUDED

    @property
    def can_exclude(self) -> bool:
        return self.standing in (Standing.FAILED, Standing.NOT_PUSHED, Standing.WAITING)


def syncing_connections(
    organisation: Organisation, legal_entity_id: int | None
) -> list[Connection]:
    """The organisation's accounting connections that sync a record of this legal entity
    (a connection bound to another entity keeps other books)."""
    rows = Connection.objects.filter(
        organisation=organisation,
        provider__in=accounting_slugs(),
        state__in=Connection.ACTIVE_STATES,
    )
    if legal_entity_id is not None:
        rows = rows.filter(Q(legal_entity_id__isnull=True) | Q(legal_entity_id=legal_entity_id))
    return list(rows.order_by("pk"))


def of_record(
    connections: list[Connection],
    entity: str,
    local_id: int,
    waiting_for: dict[int, str] | None = None,
    before_start: frozenset[int] = frozenset(),
) -> list[InLedger]:
    """`connections`: those that sync the record (``syncing_connections``). `waiting_for`:
    per connection id, why the record waits when it has no link yet (e.g. its customer
    has not reached that ledger)."""
    refs = {
        ref.connection_id: ref
        for ref in ExternalRef.objects.filter(
            connection__in=connections, entity=entity, local_id=local_id
        )
    }
    found = [
        _in_ledger(
            connection,
            platform_name(connection),
            refs.get(connection.pk),
            (waiting_for or {}).get(connection.pk, ""),
        )
        for connection in connections
    ]
    return [
        replace(one, before_start_date=True)
        if one.standing == Standing.WAITING and one.connection.pk in before_start
        else one
        for one in found
    ]


def _in_ledger(
    connection: Connection, provider: str, ref: ExternalRef | None, waiting: str
) -> InLedger:
    def answer(standing: Standing, message: str) -> InLedger:
        return InLedger(connection, provider, standing, message, ref)

    if ref is not None and ref.excluded:
        return answer(
            Standing.EXCLUDED,
            f"Excluded from sync: Patchbay sends {provider} nothing about it and takes no "
            "change from it. Include it again to sync it with the next run.",
        )
    if ref is None:
        if waiting:
            return answer(Standing.WAITING, waiting)
        return answer(Standing.NOT_PUSHED, f"Not in {provider} yet: it goes with the next sync.")
    if ref.state == ExternalRef.State.WAITING:
        return answer(Standing.WAITING, ref.last_error or f"Waiting to go to {provider}.")
    if ref.state == ExternalRef.State.PENDING:
        return answer(Standing.SENDING, f"Sent to {provider}; Patchbay is waiting for its answer.")
    if ref.state == ExternalRef.State.REVIEW and ref.last_error:  # removed in the ledger
        return answer(
            Standing.REVIEW,
            f"{ref.last_error}. Choose Push it again or Leave it on the reviews page; "
            f"nothing is sent to {provider} until then.",
        )
    if ref.state == ExternalRef.State.REMOVED:
        return answer(
            Standing.REMOVED,
            f"Removed in {provider}: {ref.last_error or 'deleted or voided there'}. A person "
            "chose to leave it so; Patchbay sends nothing about it.",
        )
    if ref.state in (ExternalRef.State.REVIEW, ExternalRef.State.CONFLICT):
        return answer(
            Standing.REVIEW,
            f"Held for a person: it changed in Patchbay and in {provider}, or could match "
            "several records. Decide on the reviews page; nothing is sent until then.",
        )
    if ref.state == ExternalRef.State.ERROR:
        if ref.last_error == DELETED_IN_LEDGER:
            return answer(
                Standing.REMOVED,
                f"Deleted in {provider}: Patchbay keeps its record and sends nothing to the "
                "deleted one.",
            )
        return answer(
            Standing.FAILED,
            f"{provider} refused it: {ref.last_error or 'no reason given'}. Fix the cause "
            "(the mappings, the record, or the ledger), then retry; or exclude it from sync.",
        )
    if ref.remote_number:
        return answer(Standing.PUSHED, f"In {provider} as {ref.remote_number}.")
    # A draft Sage has not numbered yet, or a record the ledger gives no number.
    return answer(Standing.PUSHED, f"In {provider}; it has no number there yet.")


def of_invoice(invoice: Invoice, connections: list[Connection]) -> list[InLedger]:
    """An invoice's standing per ledger; a draft is never pushed, and an issued one waits
    for its customer to reach the ledger first."""
    customer_refs = {
        ref.connection_id: ref
        for ref in ExternalRef.objects.filter(
            connection__in=connections, entity=Entity.CUSTOMER, local_id=invoice.customer_id
        )
    }
    before_start = _kept_out_by_start_date(invoice, connections)
    waiting = {
        connection.pk: before_start.get(connection.pk)
        or _why_waiting(invoice, platform_name(connection), customer_refs.get(connection.pk))
        for connection in connections
    }
    return of_record(
        connections,
        Entity.INVOICE,
        invoice.pk,
        waiting,
        frozenset(before_start),
    )


def _kept_out_by_start_date(invoice: Invoice, connections: list[Connection]) -> dict[int, str]:
    """Per connection whose sync start date is after the invoice's issue date (and no one
    chose to push it anyway): why it stays out of that ledger."""
    starts = dict(
        PushSettings.objects.filter(
            connection__in=connections, start_date__gt=invoice.issue_date
        ).values_list("connection_id", "start_date")
    )
    included = set(
        IncludedRecord.objects.filter(
            connection_id__in=starts, entity=Entity.INVOICE, local_id=invoice.pk
        ).values_list("connection_id", flat=True)
    )
    by_pk = {connection.pk: connection for connection in connections}
    return {
        pk: (
            f"Issued before the sync start date set for {platform_name(by_pk[pk])} "
            f"({start:%-d %b %Y}), so Patchbay leaves it out of that ledger. Push it anyway "
            "if it belongs there."
        )
        for pk, start in starts.items()
        if pk not in included
    }


def _why_waiting(invoice: Invoice, provider: str, customer: ExternalRef | None) -> str:
    """Why an invoice with no link yet is not in the ledger ("" when nothing holds it)."""
    if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        return (
            f"Not sent to {provider}: Patchbay sends invoices once they are issued, and this "
            f"one is {invoice.get_status_display().lower()}."
        )
    name = invoice.customer.name
    if customer is None or customer.state == ExternalRef.State.PENDING:
        return f"Waits for its customer, {name}, to reach {provider} (the next sync sends it)."
    if customer.excluded:
        return (
            f"Waits for its customer, {name}, whom a person excluded from sync with "
            f"{provider}: include the customer again to send both."
        )
    if customer.state in (ExternalRef.State.REVIEW, ExternalRef.State.CONFLICT):
        return (
            f"Waits for its customer, {name}, held for review in {provider}: decide on the "
            "reviews page."
        )
    if customer.state == ExternalRef.State.ERROR:
        return (
            f"Waits for its customer, {name}, whom {provider} refused: "
            f"{customer.last_error or 'no reason given'}"
        )
    return ""


R = TypeVar("R", Payment, CreditNote)


def _of_each(
    entity: str, records: list[R], connections: list[Connection]
) -> list[tuple[R, list[InLedger]]]:
    """Records set against an invoice (its payments, its credit notes), each with where
    it stands in each ledger that syncs the invoice."""
    if not records:
        return []
    refs = {
        (ref.connection_id, ref.local_id): ref
        for ref in ExternalRef.objects.filter(
            connection__in=connections, entity=entity, local_id__in=[r.pk for r in records]
        )
    }
    return [
        (
            record,
            [_in_ledger(c, platform_name(c), refs.get((c.pk, record.pk)), "") for c in connections],
        )
        for record in records
    ]


def of_payments(
    invoice: Invoice, connections: list[Connection]
) -> list[tuple[Payment, list[InLedger]]]:
    """Each payment recorded on the invoice, where it stands in each ledger (a payment on
    an invoice still a draft there waits, and says so)."""
    return _of_each(Entity.PAYMENT, list(invoice.payments.all()), connections)


def of_credit_notes(
    invoice: Invoice, connections: list[Connection]
) -> list[tuple[CreditNote, list[InLedger]]]:
    """Each issued credit note against the invoice, where it stands in each ledger."""
    notes = [n for n in invoice.credit_notes.all() if n.status == CreditNote.Status.ISSUED]
    return _of_each(Entity.CREDIT_NOTE, notes, connections)


# --- the invoice list's filter ----------------------------------------------------------

FILTERS: Sequence[tuple[str, str]] = (
    (Standing.NOT_PUSHED.value, "Not yet pushed"),
    (Standing.PUSHED.value, "Pushed"),
    (Standing.FAILED.value, "Failed"),
    (Standing.REVIEW.value, "In review"),
    (Standing.REMOVED.value, "Removed in the ledger"),
    (Standing.EXCLUDED.value, "Excluded from sync"),
)


def _refs(organisation_id: int) -> QuerySet[ExternalRef]:
    return ExternalRef.objects.filter(
        organisation_id=organisation_id,
        entity=Entity.INVOICE,
        local_id=OuterRef("pk"),
        connection__provider__in=accounting_slugs(),
    ).exclude(connection__state=Connection.State.DISCONNECTED)


def filter_invoices(invoices: QuerySet[Invoice], organisation_id: int, chosen: str) -> Any:
    """Invoices in that standing in at least one ledger."""
    refs = _refs(organisation_id)
    included = refs.filter(excluded=False)
    if chosen == Standing.PUSHED:
        matches = Exists(included.filter(state=ExternalRef.State.LINKED).exclude(remote_id=""))
    elif chosen == Standing.FAILED:
        matches = Exists(
            included.filter(state=ExternalRef.State.ERROR).exclude(last_error=DELETED_IN_LEDGER)
        )
    elif chosen == Standing.REVIEW:
        review = (ExternalRef.State.REVIEW, ExternalRef.State.CONFLICT)
        matches = Exists(included.filter(state__in=review))
    elif chosen == Standing.REMOVED:
        removed = Q(state=ExternalRef.State.REMOVED) | Q(
            state=ExternalRef.State.ERROR, last_error=DELETED_IN_LEDGER
        )
        matches = Exists(included.filter(removed))
    elif chosen == Standing.EXCLUDED:
        matches = Exists(refs.filter(excluded=True))
    elif chosen == Standing.NOT_PUSHED:
        issued = invoices.exclude(status__in=(Invoice.Status.DRAFT, Invoice.Status.VOID))
        return issued.filter(~Exists(refs.exclude(remote_id="")))
    else:
        return invoices
    return invoices.filter(matches)
