"""Idempotency-Key on PUT and POST: a retry with the same key gets the first answer.

Xero documents the header ("128 character max") and the reuse error, "Idempotency Key:
<key> is used with a different request." (https://github.com/XeroAPI/xero-node/issues/649);
the status of that error and how long keys are kept are not documented. The sandbox:
- keeps each key per organisation and app for SANDBOX_XERO_IDEMPOTENCY_SECONDS
  (default a day);
- replays the stored status and body for the same method, path, query and JSON body
  (key order and whitespace do not matter), without writing again;
- answers 400 with the message above when the key comes with a different request;
- stores the answers of requests it processed, validation errors (400) included, but not
  refusals that came before processing (401, 403, 429, unreadable bodies).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.models import XeroIdempotentRequest

MAX_KEY_LENGTH = 128
DEFAULT_WINDOW_SECONDS = 86_400
HEADER = "Idempotency-Key"


def refuse_key(key: str) -> HttpResponse | None:
    if not key.strip():
        return problems.bad_request(f"{HEADER} must not be empty")
    if len(key) > MAX_KEY_LENGTH:
        return problems.bad_request(f"{HEADER} must be at most {MAX_KEY_LENGTH} characters")
    return None


def fingerprint(request: HttpRequest, payload: Any) -> str:
    query = sorted((key, value) for key in request.GET for value in request.GET.getlist(key))
    parts = [
        request.method or "",
        request.path,
        json.dumps(query),
        json.dumps(payload, sort_keys=True),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def replay(books: Books, key: str, print_: str) -> HttpResponse | None:
    """The stored answer for this key, a 400 if the key came with another request, or None."""
    stored = _stored(books, key)
    if stored is None:
        return None
    if stored.fingerprint != print_:
        return problems.bad_request(f"Idempotency Key: {key} is used with a different request.")
    return HttpResponse(stored.body, status=stored.status, content_type=stored.content_type)


def store(books: Books, key: str, print_: str, response: HttpResponse) -> None:
    XeroIdempotentRequest.objects.create(
        organisation=books.organisation,
        client_id=books.client_id,
        key=key,
        fingerprint=print_,
        status=response.status_code,
        body=response.content.decode(),
        content_type=response.get("Content-Type", "application/json"),
        created_at=books.now,
    )


def window() -> timedelta:
    return timedelta(
        seconds=int(getattr(settings, "SANDBOX_XERO_IDEMPOTENCY_SECONDS", DEFAULT_WINDOW_SECONDS))
    )


def _stored(books: Books, key: str) -> XeroIdempotentRequest | None:
    rows = XeroIdempotentRequest.objects.filter(
        organisation=books.organisation, client_id=books.client_id, key=key
    )
    # A key past the window is forgotten: the request is processed as new.
    rows.filter(created_at__lt=books.now - window()).delete()
    return rows.first()
