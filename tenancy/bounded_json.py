"""JSON from strangers, bounded in size and depth before it is parsed.

``json.loads`` recurses once per nesting level, so a body of 100,000 ``[`` raises
RecursionError (a 500) instead of ValueError. The depth is therefore measured first
with a flat scan that never recurses, and the size before the body is read. One loader
for every JSON body Patchbay accepts from outside: the REST API's parser and the
provider webhook receivers. (It lives in ``tenancy``, the bottom layer, so that both
may import it.)
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

MAX_DEPTH = 64  # far beyond any real payload; far below Python's recursion limit
# A JSON string (escapes included), so that brackets inside strings are not counted.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_OPENERS, _CLOSERS = frozenset(b"[{"), frozenset(b"]}")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _OPENERS | _CLOSERS)


class UnreadableJson(ValueError):
    """A body refused before or while parsing, with a reason fit to show its sender."""


class TooLarge(UnreadableJson):
    def __init__(self, limit: int) -> None:
        super().__init__(f"The body is larger than {limit} bytes.")
        self.limit = limit


class TooDeep(UnreadableJson):
    def __init__(self) -> None:
        super().__init__(f"The JSON is nested deeper than {MAX_DEPTH} levels.")


def depth(body: bytes) -> int:
    """How deeply ``body``'s arrays and objects nest, counted without recursion; stops
    counting once past MAX_DEPTH."""
    deepest = level = 0
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    for byte in brackets:
        if byte in _OPENERS:
            level += 1
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                break
        elif byte in _CLOSERS:
            level -= 1
    return deepest


def loads(body: bytes | str) -> Any:
    """``json.loads`` that raises UnreadableJson (a ValueError) for anything it refuses:
    too deep, malformed, or not UTF-8; never RecursionError."""
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if depth(raw) > MAX_DEPTH:
        raise TooDeep
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:  # RecursionError: belt and braces
        raise UnreadableJson(f"The body is not valid JSON: {error}") from None


def read(stream: IO[bytes], limit: int, declared: int | None = None) -> bytes:
    """At most ``limit`` bytes of ``stream``, refusing a larger body: by its declared
    Content-Length before reading anything, else after reading one byte too many."""
    if declared is not None and declared > limit:
        raise TooLarge(limit)
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise TooLarge(limit)
    return body
