"""Authorisation requests in progress between the authorize URL, the sign-in page and
Intuit's sign-in and company picker (the store itself: sandbox/pending.py)."""

from __future__ import annotations

from typing import TypeAlias

from sandbox import pending
from sandbox.quickbooks.authorize import AuthorizationRequest
from sandbox.quickbooks.models import QboUser

Pending: TypeAlias = pending.Pending[AuthorizationRequest, QboUser]
_store = pending.PendingRequests(
    "sandbox.quickbooks.pending", AuthorizationRequest.from_session, QboUser
)
start = _store.start
load = _store.load
sign_in = _store.sign_in
finish = _store.finish
