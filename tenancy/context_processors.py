from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tenancy.roles import Capability


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    granted = {cap.value: bool(membership and membership.can(cap)) for cap in Capability}
    return {
        "current_membership": membership,
        "current_organisation": getattr(request, "organisation", None),
        "can": granted,
    }
