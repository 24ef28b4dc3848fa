"""Authorisation requests in progress between the authorize URL, the sign-in page and
Sage's central sign-in and consent screen (the store itself: sandbox/pending.py)."""

from __future__ import annotations

from typing import TypeAlias

from sandbox import pending
from sandbox.sage.authorize import AuthorizationRequest
from sandbox.sage.models import SageUser

Pending: TypeAlias = pending.Pending[AuthorizationRequest, SageUser]
_store = pending.PendingRequests(
    "sandbox.sage.pending", AuthorizationRequest.from_session, SageUser
)
start = _store.start
load = _store.load
sign_in = _store.sign_in
finish = _store.finish
