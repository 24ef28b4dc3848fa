from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tenancy.forms import ProfileForm, SwitchOrganisationForm
from tenancy.middleware import SESSION_KEY
from tenancy.models import Membership, User


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


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
        {"form": form, "memberships": memberships},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponseBase:
    form = SwitchOrganisationForm(_user(request), request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("organisation", ["Choose an organisation."])))
        return redirect("tenancy:profile")
    membership: Membership = form.cleaned_data["organisation"]
    request.session[SESSION_KEY] = membership.organisation_id
    messages.success(request, f"You are now working in {membership.organisation.name}.")
    return redirect("integrations:index")
