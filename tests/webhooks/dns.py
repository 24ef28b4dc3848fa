"""Controlled DNS for SSRF tests: names answer what the test says, nothing leaves the machine.

``socket.getaddrinfo`` is replaced: a name in the table gets its listed addresses;
an IP literal (in any spelling the C library accepts) is parsed locally with
AI_NUMERICHOST, which never sends a query; anything else does not resolve.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from typing import Any

_real_getaddrinfo = socket.getaddrinfo

Answer = Sequence[str] | Callable[[], Sequence[str]]


def fake_getaddrinfo(table: dict[str, Answer]) -> Callable[..., Any]:
    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.lower().rstrip(".")
        if name in table:
            answer = table[name]
            addresses = answer() if callable(answer) else answer
            return [_entry(address, int(port)) for address in addresses]
        try:
            return _real_getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None

    return getaddrinfo


def _entry(address: str, port: int) -> tuple[Any, ...]:
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
