"""`idempotency_id` inside the resource body: a retry gets the first answer.

https://developer.sage.com/accounting/guides/concepts/idempotency
- a 32-character hexadecimal GUID without hyphens, client-generated;
- for seven days, the same request returns the same result and creates nothing; it
  works for POST and PUT;
- the id used with another resource type is `IdempotencyResourceMismatch`,
  "Entity type mismatch" (the status is unpublished; the sandbox answers 422).
Sage does not say what the same id with a different body does; the sandbox replays the
first answer and counts it (inspect.idempotent_replays(with_other_body=True)), so a test
can insist a client never reuses an id for a changed payload. Only successful answers
are kept: a refused write created nothing, so repeating it is safe anyway.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from sandbox.sage import errors
from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.models import SageIdempotentRequest

FIELD = "idempotency_id"
GUID = re.compile(r"^[0-9a-fA-F]{32}$")


def take(payload: dict[str, Any]) -> str | None:
    """Removes and checks the payload's idempotency_id (None when absent)."""
    raw = payload.pop(FIELD, None)
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not GUID.match(raw):
        raise Invalid(("must be a 32 character hexadecimal GUID without hyphens", FIELD))
    return raw.lower()


def fingerprint(request: HttpRequest, payload: Any) -> str:
    parts = [request.method or "", request.path, json.dumps(payload, sort_keys=True)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def replay(books: Books, key: str, resource: str, print_: str) -> HttpResponse | None:
    stored = _stored(books, key)
    if stored is None:
        return None
    if stored.resource != resource:
        return errors.invalid(errors.Problem("IdempotencyResourceMismatch", "Entity type mismatch"))
    other_body = 1 if stored.fingerprint != print_ else 0
    SageIdempotentRequest.objects.filter(pk=stored.pk).update(
        replays=F("replays") + 1, replays_with_other_body=F("replays_with_other_body") + other_body
    )
    return HttpResponse(stored.body, status=stored.status, content_type="application/json")


def store(books: Books, key: str, resource: str, print_: str, response: HttpResponse) -> None:
    if not 200 <= response.status_code < 300:
        return
    SageIdempotentRequest.objects.create(
        business=books.business,
        client_id=books.client_id,
        idempotency_id=key,
        resource=resource,
        fingerprint=print_,
        status=response.status_code,
        body=response.content.decode(),
        created_at=books.now,
    )


def _stored(books: Books, key: str) -> SageIdempotentRequest | None:
    rows = SageIdempotentRequest.objects.filter(
        business=books.business, client_id=books.client_id, idempotency_id=key
    )
    window = timedelta(seconds=int(settings.SANDBOX_SAGE_IDEMPOTENCY_SECONDS))
    # Past the window an id is forgotten: the request is processed as new.
    rows.filter(created_at__lt=books.now - window).delete()
    return rows.first()
