"""Xero's status machine for invoices and credit notes.

DRAFT -> SUBMITTED -> AUTHORISED -> PAID (PAID only through payments and allocations);
DRAFT and SUBMITTED may be DELETED; an AUTHORISED document with nothing paid or
allocated may be VOIDED. A document with money against it, or voided or deleted, can
no longer be edited.
https://developer.xero.com/documentation/api/accounting/invoices#status-codes
"""

from __future__ import annotations

from sandbox.xero.accounting.models.documents import Status

ON_CREATE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.AUTHORISED})
MOVES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.AUTHORISED, Status.DELETED}),
    Status.SUBMITTED: frozenset({Status.DRAFT, Status.AUTHORISED, Status.DELETED}),
    Status.AUTHORISED: frozenset({Status.VOIDED}),
}
APPROVED = frozenset({Status.SUBMITTED, Status.AUTHORISED})
LOCKED = "This document cannot be edited as it has a payment or credit note allocated to it."


def problems(word: str, old: str | None, new: str, changed: bool, has_money: bool) -> list[str]:
    """Why a document cannot go from `old` (None: being created) to `new`."""
    if old is None:
        return [] if new in ON_CREATE else [f"A new {word} cannot have status {new}."]
    if not changed:
        return []
    if old in {Status.VOIDED, Status.DELETED}:
        return [f"This document cannot be edited as it has been {old.lower()}."]
    if has_money or old == Status.PAID:
        return [LOCKED]
    if new != old and new not in MOVES.get(old, frozenset()):
        return [f"The {word} cannot be changed from {old} to {new}."]
    return []
