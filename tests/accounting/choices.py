"""Filling a connection's cached mapping choices the way the worker does."""

from __future__ import annotations

from accounting.tasks import refresh_remote_choices
from integrations.models import Connection


def fetch_choices(connection: Connection) -> None:
    """Run the refresh task's body here (what a worker does after Connect or Refresh)."""
    assert refresh_remote_choices(connection.pk), "the choices could not be fetched"
