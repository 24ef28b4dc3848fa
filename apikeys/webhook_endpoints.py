"""An organisation's webhook endpoints as API access shows them: a port ``webhooks`` fills.

The API access page lists the endpoints beside the keys, its card counts them, and the
REST API lists them and documents which URLs they may have. The endpoints themselves
live in ``webhooks/``, a layer above this one and beside ``api/`` (neither may import
the other), so ``webhooks`` installs its ``WebhookEndpoints`` here when the app loads
(``WebhooksConfig.ready``), the way a kind registers with the platform. Asking before
that is a programming error, never an empty list.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import QuerySet


class WebhookEndpoints(Protocol):
    def listed(self, organisation_id: int) -> QuerySet[Any]:
        """The organisation's endpoints, oldest first, as the API access page shows them."""
        ...

    def published(self, organisation_id: int) -> QuerySet[Any]:
        """The organisation's endpoints by id, as the REST API shows them: secrets not loaded."""
        ...

    def enabled_count(self, organisation_id: int) -> int: ...

    def url_rule(self) -> str:
        """Which URLs an endpoint may have under the running settings, in words."""
        ...


_installed: WebhookEndpoints | None = None


def install(endpoints: WebhookEndpoints) -> None:
    global _installed
    _installed = endpoints


def webhook_endpoints() -> WebhookEndpoints:
    if _installed is None:
        raise RuntimeError("No webhook endpoints installed: is webhooks in INSTALLED_APPS?")
    return _installed
