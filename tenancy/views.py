from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tenancy import profile_panels
from tenancy.access import has_capability
from tenancy.forms import ProfileForm, SwitchOrganisationForm
from tenancy.middleware import SESSION_KEY
from tenancy.models import Membership, User
from tenancy.roles import Capability


def _user(request: HttpRequest) -> User:
    # Only called behind login_required, where request.user is a real User.
    return cast(User, request.user)


@login_required
def home(request: HttpRequest) -> HttpResponseBase:
    """Where signing in lands: the Integrations page for those who may see it."""
    if has_capability(request, Capability.VIEW_INTEGRATIONS):
        return redirect("integrations:index")
    return redirect("tenancy:profile")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("tenancy:profile")
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    return render(
        request,
        "tenancy/profile.html",
        {"form": form, "memberships": memberships, "panels": profile_panels.render_all(request)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponseBase:
    form = SwitchOrganisationForm(_user(request), request.POST)
    if not form.is_valid():
        errors = form.errors.get("organisation") or ["Choose an organisation."]
        messages.error(request, " ".join(str(error) for error in errors))
        return redirect("tenancy:profile")
    membership: Membership = form.cleaned_data["organisation"]
    request.session[SESSION_KEY] = membership.organisation_id
    messages.success(request, f"You are now working in {membership.organisation.name}.")
    return redirect("integrations:index")
