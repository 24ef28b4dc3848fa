"""Authorisation requests in progress in one sandbox's sign-in flow, kept in the
visitor's session between the authorize URL, the sign-in page and the consent (or
company) screen. Several may be open at once; an answered one ends, so a consent cannot
be submitted twice. Each provider sandbox makes one store of its own."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.contrib.sessions.backends.base import SessionBase
from django.db import models

KEEP = 10  # the most recent requests kept per session


class SessionRequest(Protocol):
    """An authorisation request that can be kept in a session."""

    def as_session(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=SessionRequest)
U = TypeVar("U", bound=models.Model)


@dataclass(frozen=True)
class Pending(Generic[R, U]):
    key: str
    request: R
    user_email: str
    user_model: type[U]

    def user(self) -> U | None:
        """The sandbox user who signed in for this request, once one has."""
        if not self.user_email:
            return None
        return self.user_model._default_manager.filter(email=self.user_email).first()


class PendingRequests(Generic[R, U]):
    def __init__(
        self,
        session_key: str,
        from_session: Callable[[Mapping[str, Any]], R],
        user_model: type[U],
    ) -> None:
        self.session_key = session_key
        self.from_session = from_session
        self.user_model = user_model

    def _all(self, session: SessionBase) -> dict[str, dict[str, Any]]:
        stored = session.get(self.session_key)
        return dict(stored) if isinstance(stored, dict) else {}

    def _save(self, session: SessionBase, entries: dict[str, dict[str, Any]]) -> None:
        session[self.session_key] = dict(list(entries.items())[-KEEP:])

    def start(self, session: SessionBase, request: R) -> str:
        key = secrets.token_urlsafe(16)
        entries = self._all(session)
        entries[key] = {"request": request.as_session(), "user": ""}
        self._save(session, entries)
        return key

    def load(self, session: SessionBase, key: str) -> Pending[R, U] | None:
        entry = self._all(session).get(key)
        if entry is None:
            return None
        request = self.from_session(entry["request"])
        return Pending(key, request, str(entry.get("user", "")), self.user_model)

    def sign_in(self, session: SessionBase, key: str, email: str) -> None:
        entries = self._all(session)
        if key in entries:
            entries[key] = {**entries[key], "user": email}
            self._save(session, entries)

    def finish(self, session: SessionBase, key: str) -> None:
        entries = self._all(session)
        entries.pop(key, None)
        self._save(session, entries)
