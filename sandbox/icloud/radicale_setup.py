"""Radicale's configuration for the sandbox: htpasswd logins, one storage folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import radicale.app
import radicale.config

DEMO_USERS = {"crew@icloud.test": "abcd-efgh-ijkl-mnop"}


def write_users(storage: Path, users: Mapping[str, str]) -> Path:
    """An htpasswd file in plain text: Apple IDs and app-specific passwords."""
    storage.mkdir(parents=True, exist_ok=True)
    path = storage / "users"
    path.write_text("".join(f"{apple_id}:{password}\n" for apple_id, password in users.items()))
    return path


def application(storage: Path, users: Mapping[str, str]) -> radicale.app.Application:
    configuration = radicale.config.load()  # built-in defaults: no /etc or ~ config files
    configuration.update(
        {
            "auth": {
                "type": "htpasswd",
                "htpasswd_filename": str(write_users(storage, users)),
                "htpasswd_encryption": "plain",
                "delay": "0",  # Radicale's default pause after a failed login slows tests
            },
            "storage": {"filesystem_folder": str(storage / "collections")},
            "rights": {"type": "owner_only"},
            "web": {"type": "none"},
        },
        "patchbay sandbox",
    )
    return radicale.app.Application(configuration)
