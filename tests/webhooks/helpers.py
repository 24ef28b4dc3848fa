from __future__ import annotations

from typing import Any

from operations.events import EVENT_TYPES
from tenancy.models import Organisation
from webhooks import services
from webhooks.models import Endpoint


def make_endpoint(
    organisation: Organisation, url: str = "https://93.184.215.14/in", **extra: Any
) -> tuple[Endpoint, str]:
    created = services.create_endpoint(
        organisation,
        url=url,
        event_types=extra.pop("event_types", list(EVENT_TYPES)),
        created_by=None,
        **extra,
    )
    return created.endpoint, created.secret
