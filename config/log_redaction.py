"""Keeps authorization codes, states and tokens out of every log line.

The development server's access log (and any log message quoting a URL) would otherwise
write callback URLs whole: ``/callback/?code=...&state=...``. A query value is replaced
by ``[redacted]`` when its name says it is a credential or when the value looks like one
(a long opaque string); the path and harmless values (``realmId=...``) stay readable.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

REDACTED = "[redacted]"
SENSITIVE_NAME = re.compile(
    r"code|state|nonce|token|secret|password|passwd|key|signature|verifier|assertion|session",
    re.IGNORECASE,
)
QUERY_PAIR = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;\s\"'#]+)=(?P<value>[^&;\s\"'#]*)")
TOKEN_LIKE = re.compile(r"[A-Za-z0-9._~+/=%-]{32,}")


def _redact_pair(match: re.Match[str]) -> str:
    name, value = match["name"], match["value"]
    if value and (SENSITIVE_NAME.search(unquote(name)) or TOKEN_LIKE.fullmatch(value)):
        return f"{match['lead']}{name}={REDACTED}"
    return match.group(0)


def redact(text: str) -> str:
    """The text with credential-like query values of any URL in it redacted."""
    return QUERY_PAIR.sub(_redact_pair, text)


class RedactSecrets(logging.Filter):
    """A logging filter (on every handler) that rewrites records quoting secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
