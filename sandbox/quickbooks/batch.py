"""POST /batch: up to 30 operations (SANDBOX_QUICKBOOKS_BATCH_MAX_ITEMS) in one request.

Items run one after another, each on its own; a failing item answers with a Fault inside
the HTTP 200 response and the others still happen. "Requests do not have visibility of
earlier requests included from the same payload": an item cannot refer to what an earlier
item created. bId (at most 10 characters) matches answers to requests.
https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/batch
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sandbox.quickbooks import cdc, conf, errors, query, writes
from sandbox.quickbooks.entities.registry import BY_NAME
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
BID_MAX = 10


def items(payload: Any) -> list[Json]:
    """The request's items, or the Invalid that refuses the whole batch."""
    sent = payload.get("BatchItemRequest") if isinstance(payload, dict) else None
    if not isinstance(sent, list) or not sent:
        raise errors.required("BatchItemRequest")
    limit = conf.seconds("BATCH_MAX_ITEMS")
    if len(sent) > limit:
        # Reportedly code 1040 at Intuit (unconfirmed).
        raise errors.invalid(
            "1040",
            f"The batch has {len(sent)} items; at most {limit} are allowed",
            "BatchItemRequest",
        )
    seen: set[str] = set()
    for item in sent:
        bid = str(item.get("bId", "")) if isinstance(item, dict) else ""
        if not bid or len(bid) > BID_MAX or bid in seen:
            raise errors.invalid(
                "2010", f"Each item needs a unique bId of 1 to {BID_MAX} characters", "bId"
            )
        seen.add(bid)
    return sent


def run(books: Books, sent: list[Json]) -> list[Json]:
    created: set[tuple[str, str]] = set()
    answers = []
    for item in sent:
        books.hidden = set(created)
        books.forget()
        before = len(books.changes)
        answers.append(_one(books, item))
        created |= {
            (change.entity, change.entity_id)
            for change in books.changes[before:]
            if change.operation == "Create"
        }
    books.hidden = set()
    return answers


def _one(books: Books, item: Json) -> Json:
    bid = str(item["bId"])
    try:
        with transaction.atomic():
            before = len(books.changes)
            try:
                return {"bId": bid} | _answer(books, item)
            except errors.Invalid:
                del books.changes[before:]
                raise
    except errors.Invalid as problem:
        books.forget()
        return {"bId": bid, "Fault": problem.fault()}


def _answer(books: Books, item: Json) -> Json:
    if "Query" in item:
        return {"QueryResponse": query.run(books, str(item["Query"]))}
    if "CDCQuery" in item:
        spec = item["CDCQuery"] if isinstance(item["CDCQuery"], dict) else {}
        return {
            "CDCResponse": cdc.run(
                books, str(spec.get("Entities", "")), str(spec.get("ChangedSince", ""))
            )
        }
    names = [key for key in item if key in BY_NAME]
    if len(names) != 1:
        raise errors.invalid("2010", "A batch item needs exactly one entity, Query or CDCQuery")
    operation = str(item.get("operation", "create"))
    if operation not in writes.OPERATIONS:
        raise errors.invalid("2010", f"Operation {operation} is not supported", "operation")
    kind = BY_NAME[names[0]]
    body = item[kind.name]
    if operation == "create" and isinstance(body, dict) and body.get("Id"):
        raise errors.invalid("2010", "Id must not be sent with operation create", "Id")
    return {kind.name: writes.write(books, kind, body, operation)}
