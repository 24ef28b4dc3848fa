"""Create, update (full or sparse), delete and void, for every writable entity.

- No Id: create. SyncToken starts at "0".
- Id and SyncToken: update. A SyncToken other than the current one is 5010 Stale Object
  Error. `"sparse": true` changes only the fields sent; otherwise the request replaces the
  entity and writable fields it leaves out are cleared.
- operation=delete ({Id, SyncToken}) on transactions; name lists are made inactive instead.
- operation=void on invoices and payments.
Unknown fields are 2010; fields the server computes are ignored when sent.
https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api
"""

from __future__ import annotations

from typing import Any

from sandbox.quickbooks import errors, render
from sandbox.quickbooks.entities import payments
from sandbox.quickbooks.entities.registry import Kind
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
OPERATIONS = ("create", "update", "delete", "void")


def write(books: Books, kind: Kind, body: Any, operation: str = "") -> Json:
    """Carry out one write; the entity (or deleted stub) to answer with."""
    if not isinstance(body, dict):
        raise errors.invalid("2010", f"The request body must be a {kind.name} object")
    if operation in ("", "create", "update"):
        return render.entity(books, save(books, kind, body, operation))
    if operation == "delete":
        return render.deleted(delete(books, kind, body))
    if operation == "void":
        return render.entity(books, void(books, kind, body))
    raise errors.invalid("2010", f"Operation {operation} is not supported", "operation")


def save(books: Books, kind: Kind, body: Json, operation: str = "") -> QboEntity:
    if kind.prepare is None:
        raise errors.invalid("2010", f"Operation Create/Update is not supported for {kind.name}")
    _refuse_unknown(kind, body)
    if body.get("Id") in (None, "") and operation != "update":
        data = kind.prepare(books, _writable(kind, body), None)
        row = books.create(kind.name, data)
        old: Json = {}
    else:
        row = current(books, kind, body)
        old = row.data
        sent = _writable(kind, body)
        merged = {**_writable(kind, row.data), **sent} if _is_sparse(body) else sent
        data = kind.prepare(books, merged, row)
        if data == row.data:
            return row  # nothing changed: no new SyncToken
        books.update(row, data)
    if kind.settles:
        payments.settle(books, payments.targets(old) | payments.targets(row))
    return row


def delete(books: Books, kind: Kind, body: Json) -> QboEntity:
    if not kind.deletable:
        raise errors.invalid(
            "2010", f"Operation Delete is not supported for {kind.name}; make it inactive"
        )
    row = current(books, kind, body)
    if kind.name in ("Invoice", "CreditMemo") and payments.targets_of_payments(books, row):
        raise errors.business(
            f"{kind.name} {row.entity_id} has payments applied; delete or change them first"
        )
    old = row.data
    books.delete(row)
    if kind.settles:
        payments.settle(books, payments.targets(old))
    return row


def void(books: Books, kind: Kind, body: Json) -> QboEntity:
    if kind.void is None:
        raise errors.invalid("2010", f"Operation Void is not supported for {kind.name}")
    row = current(books, kind, body)
    old = row.data
    books.update(row, kind.void(books, row), operation="Void")
    if kind.settles:
        payments.settle(books, payments.targets(old))
    return row


def current(books: Books, kind: Kind, body: Json) -> QboEntity:
    """The entity an update, delete or void names, at the SyncToken the request read."""
    entity_id = body.get("Id")
    if entity_id in (None, ""):
        raise errors.required("Id")
    row = books.get(kind.name, entity_id)
    if row is None:
        raise errors.not_found(kind.name, entity_id)
    token = body.get("SyncToken")
    if token in (None, ""):
        raise errors.required("SyncToken")
    if str(token) != str(row.sync_token):
        raise errors.invalid(
            "5010",
            "Stale Object Error : You and another user were working on this at the same time. "
            "The other user finished before you did, so your work was not saved.",
        )
    return row


def _refuse_unknown(kind: Kind, body: Json) -> None:
    unknown = sorted(set(body) - kind.accepted)
    if unknown:
        detail = f"Property Name:{unknown[0]} specified is unsupported or invalid"
        raise errors.invalid("2010", detail, unknown[0])


def _writable(kind: Kind, data: Json) -> Json:
    return {key: value for key, value in data.items() if key in kind.fields}


def _is_sparse(body: Json) -> bool:
    return body.get("sparse") is True or str(body.get("sparse")).lower() == "true"
