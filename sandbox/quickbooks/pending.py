"""Authorisation requests in progress, kept in the visitor's session between the authorize
URL, the sign-in page and the company picker (several may be open at once)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from sandbox.quickbooks.authorize import AuthorizationRequest
from sandbox.quickbooks.models import QboUser

SESSION_KEY = "sandbox.quickbooks.pending"
KEEP = 10


@dataclass(frozen=True)
class Pending:
    key: str
    request: AuthorizationRequest
    user_email: str

    def user(self) -> QboUser | None:
        if not self.user_email:
            return None
        return QboUser.objects.filter(email=self.user_email).first()


def _all(session: SessionBase) -> dict[str, dict[str, Any]]:
    stored = session.get(SESSION_KEY)
    return dict(stored) if isinstance(stored, dict) else {}


def _save(session: SessionBase, entries: dict[str, dict[str, Any]]) -> None:
    session[SESSION_KEY] = dict(list(entries.items())[-KEEP:])


def start(session: SessionBase, request: AuthorizationRequest) -> str:
    key = secrets.token_urlsafe(16)
    entries = _all(session)
    entries[key] = {"request": request.as_session(), "user": ""}
    _save(session, entries)
    return key


def load(session: SessionBase, key: str) -> Pending | None:
    entry = _all(session).get(key)
    if entry is None:
        return None
    return Pending(key, AuthorizationRequest.from_session(entry["request"]), str(entry["user"]))


def sign_in(session: SessionBase, key: str, email: str) -> None:
    entries = _all(session)
    if key in entries:
        entries[key] = {**entries[key], "user": email}
        _save(session, entries)


def finish(session: SessionBase, key: str) -> None:
    """Answered requests end: a consent cannot be submitted twice."""
    entries = _all(session)
    entries.pop(key, None)
    _save(session, entries)
