"""The user's own connections (their calendars), as a section of their profile page."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from integrations.cards import own_card, own_connections
from integrations.registry import registered
from tenancy.access import current_membership
from tenancy.models import User
from tenancy.roles import Capability


def profile_panel(request: HttpRequest) -> SafeString:
    membership = current_membership(request)
    per_user = [entry for entry in registered() if entry.per_user]
    if not per_user:
        return SafeString("")
    cards = []
    if membership is not None and membership.can(Capability.CONNECT_OWN_CALENDAR):
        user = cast(User, request.user)
        connections = own_connections(user, membership.organisation_id)
        cards = [own_card(entry, user, connections) for entry in per_user]
    return render_to_string(
        "integrations/_own_connections.html",
        {"cards": cards, "membership": membership},
        request=request,
    )
