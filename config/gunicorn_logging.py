"""Gunicorn's access log without codes, states or tokens: every atom of the line (request
line, query string, Referer, headers) goes through config.log_redaction, whatever
access_log_format an operator chooses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gunicorn import glogging

from config.log_redaction import redact


def _clean(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if "?" in value:
        return redact(value)
    return redact(f"?{value}")[1:]  # a bare query string (%(q)s, {query_string}e)


class RedactingLogger(glogging.Logger):  # type: ignore[misc]  # gunicorn is untyped
    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta
    ) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {name: _clean(name, value) for name, value in atoms.items()}
