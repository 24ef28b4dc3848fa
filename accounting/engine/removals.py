"""Documents deleted or voided in the ledger after Patchbay pushed them.

Each sync asks the adapter what the ledger removed since the last look (Xero: documents
whose status became DELETED or VOIDED; QuickBooks: CDC's deleted stubs and voided
invoices; Sage: ``deleted_since`` and voided artefacts). A removed document Patchbay
still links to goes to review: the link is held so nothing is pushed to it, nor a new
copy behind the bookkeeper's back, and the invoice page no longer says it is in the
ledger. Seeing the same removal again, or one of a remote record Patchbay has since
replaced or left, does nothing.
"""

from __future__ import annotations

from django.db import connection as db_connection
from django.utils import timezone

from accounting.engine import reviews
from accounting.engine.adapter import AccountingAdapter, Removal
from accounting.engine.pull import OVERLAP, read_cursor
from accounting.models import REMOVED_DOCUMENTS, Entity, ExternalRef
from integrations import runs
from integrations.models import SyncRun

# The cursor of the removal reads: one for all documents of a connection.
CURSOR = REMOVED_DOCUMENTS[0]
FIELDS = ("connection", "entity", "remote_id")


def watched(adapter: AccountingAdapter) -> list[str]:
    """The documents this connection pushes, so whose removal it must notice."""
    kinds: list[str] = [Entity.INVOICE, Entity.CREDIT_NOTE]
    if adapter.pushes_purchase_orders:
        kinds.append(Entity.PURCHASE_ORDER)
    return [Entity.QUOTE, *kinds] if adapter.pushes_quotes else kinds


def pull_removed(run: SyncRun, adapter: AccountingAdapter) -> None:
    """Read what the ledger removed since the last look and open a review per document.

    The cursor is the time the read began (less an overlap for the provider's clock and
    late commits), not the newest record seen: a read that finds nothing still moves on,
    so a quiet ledger never falls outside a look-back limit (QuickBooks CDC's 30 days).
    The first sync only starts the clock: nothing was pushed before it.
    """
    cursor = read_cursor(run, CURSOR)
    began = timezone.now()
    if cursor.high_water is not None:
        since = cursor.high_water - OVERLAP
        entities = _with_links(run, watched(adapter))
        while entities:
            page = adapter.removed(entities, since, cursor.page)
            for removal in page.removals:
                _removed(run, removal)
            if page.removals:
                runs.bump_done(run, len(page.removals))
            if not page.more:
                break
            cursor.page += 1
            cursor.save(update_fields=["page"])  # a crash resumes from this page
    cursor.high_water = began
    cursor.page = 1
    cursor.save(update_fields=["high_water", "page"])


def _with_links(run: SyncRun, entities: list[str]) -> list[str]:
    """Of these kinds, those with a document in the ledger: only those can be removed
    there, and a kind never pushed costs no call. (One statement of an EXISTS per kind,
    each on the links' (connection, entity, remote_id) index: as quick with 200,000
    links as with 20.)"""
    if not entities:
        return []
    quote = db_connection.ops.quote_name
    table = quote(ExternalRef._meta.db_table)
    fields = {field.name: field for field in ExternalRef._meta.concrete_fields}
    column = {name: quote(str(fields[name].column)) for name in FIELDS}
    check = (
        f"EXISTS (SELECT 1 FROM {table} WHERE {column['connection']} = %s"  # noqa: S608 - names from the model
        f" AND {column['entity']} = %s AND {column['remote_id']} <> '')"
    )
    params = [value for entity in entities for value in (run.connection.pk, entity)]
    with db_connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join([check] * len(entities))}", params)
        found = cursor.fetchone() or ()
    return [entity for entity, linked in zip(entities, found, strict=True) if linked]


def _removed(run: SyncRun, removal: Removal) -> None:
    ref = ExternalRef.objects.filter(
        connection=run.connection, entity=removal.entity, remote_id=removal.remote_id
    ).first()
    if ref is None or not reviews.document_removed(run, ref, removal.how, removal.at):
        # Not Patchbay's, replaced or left since, excluded, or under review already.
        runs.count(run, "skipped")
