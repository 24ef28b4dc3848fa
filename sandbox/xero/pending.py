"""Authorisation requests in progress between the authorize URL, the sign-in page and
Xero's sign-in and consent screen (the store itself: sandbox/pending.py)."""

from __future__ import annotations

from typing import TypeAlias

from sandbox import pending
from sandbox.xero.authorize import AuthorizationRequest
from sandbox.xero.models import XeroUser

Pending: TypeAlias = pending.Pending[AuthorizationRequest, XeroUser]
_store = pending.PendingRequests(
    "sandbox.xero.pending", AuthorizationRequest.from_session, XeroUser
)
start = _store.start
load = _store.load
sign_in = _store.sign_in
finish = _store.finish
