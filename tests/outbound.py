"""Refusing and recording outbound HTTP: proof that a code path calls no provider."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests


class ProviderCalled(requests.ConnectionError):
    """Raised instead of sending: a call to the outside world where none may happen."""


@contextmanager
def refused_outbound() -> Iterator[list[str]]:
    """Every attempt to send over HTTP (integrations.http's sessions, authlib, a bare
    requests.post) is recorded as "METHOD url" and refused."""
    attempts: list[str] = []

    def refuse(self: Any, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        attempts.append(f"{request.method} {request.url}")
        raise ProviderCalled(f"outbound call where none may happen: {request.url}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
        patch.setattr(requests.Session, "send", refuse)
        yield attempts
