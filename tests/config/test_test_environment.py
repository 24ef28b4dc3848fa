"""The suite's own ground rules: no internet, specs read in place."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytest_socket import SocketConnectBlockedError


def test_internet_sockets_are_blocked() -> None:
    # A documentation-range address (RFC 5737): nothing is ever sent there.
    with pytest.raises(SocketConnectBlockedError), pytest.warns(UserWarning):
        socket.create_connection(("192.0.2.10", 443), timeout=1)


def test_loopback_sockets_are_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        socket.create_connection(server.getsockname(), timeout=1).close()


def test_provider_specs_are_read_from_the_shared_folder(specs_dir: Path) -> None:
    identity = (specs_dir / "xero" / "xero-identity.yaml").read_text()
    assert identity.lstrip().startswith("openapi:")
    assert (specs_dir / "quickbooks" / "Finance.xsd").is_file()
    assert not (Path(__file__).resolve().parents[2] / "specs").exists()  # never copied in
