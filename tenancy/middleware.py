"""Resolves the signed-in user's current organisation and membership per request."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tenancy.models import Membership

SESSION_KEY = "current_organisation_id"


def resolve_membership(request: HttpRequest) -> Membership | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user_id=user.pk).select_related("organisation")
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        membership = memberships.filter(organisation_id=chosen).first()
        if membership is not None:
            return membership
    # No choice yet, or the chosen membership was removed: fall back to the first.
    membership = memberships.order_by("organisation__name", "pk").first()
    if membership is not None:
        request.session[SESSION_KEY] = membership.organisation_id
    return membership


class CurrentOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = resolve_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.organisation = membership.organisation if membership else None  # type: ignore[attr-defined]
        if membership is None:
            return self.get_response(request)
        # Pages show times in the organisation's time zone.
        with timezone.override(ZoneInfo(membership.organisation.timezone)):
            return self.get_response(request)
