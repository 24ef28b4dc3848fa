"""View guards that ask for a capability, never a role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from tenancy.models import Membership
from tenancy.roles import Capability

P = ParamSpec("P")
View = Callable[..., HttpResponseBase]


def current_membership(request: HttpRequest) -> Membership | None:
    membership: Membership | None = getattr(request, "membership", None)
    return membership


def has_capability(request: HttpRequest, capability: Capability) -> bool:
    membership = current_membership(request)
    return membership is not None and membership.can(capability)


def require_capability(capability: Capability) -> Callable[[View], View]:
    """Sign-in first; then the current membership must grant ``capability`` (else 403)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if current_membership(request) is None:
                raise PermissionDenied("You are not a member of any organisation.")
            if not has_capability(request, capability):
                raise PermissionDenied("Your role in this organisation cannot open this page.")
            return view(request, *args, **kwargs)

        return guarded

    return decorator
