"""The notices page and the notification preferences page (settings/notifications/)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from attention import notices
from attention.forms import PreferencesForm
from attention.kinds import Choice
from attention.models import NotificationPreference, WeeklyDigestChoice
from tenancy.models import Membership


def _membership(request: HttpRequest) -> Membership | None:
    return cast(Membership | None, getattr(request, "membership", None))


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if membership is None:
        raise PermissionDenied("You are not a member of any organisation.")
    rows = list(notices.recent_for(membership)[:100])
    return render(request, "attention/notices.html", {"notices": rows})


def _initial(membership: Membership, form_kinds: list[str]) -> dict[str, object]:
    chosen = dict(
        NotificationPreference.objects.filter(
            organisation_id=membership.organisation_id, user_id=membership.user_id
        ).values_list("kind", "choice")
    )
    initial: dict[str, object] = {k: chosen.get(k, Choice.IMMEDIATELY) for k in form_kinds}
    weekly = WeeklyDigestChoice.objects.filter(
        organisation_id=membership.organisation_id, user_id=membership.user_id
    ).first()
    initial["weekly_summary"] = weekly is None or weekly.wanted
    return initial


def _save(form: PreferencesForm) -> None:
    membership = form.membership
    for kind in form.kinds:
        NotificationPreference.objects.update_or_create(
            organisation_id=membership.organisation_id,
            user_id=membership.user_id,
            kind=kind,
            defaults={"choice": form.cleaned_data[kind]},
        )
    if form.weekly:
        WeeklyDigestChoice.objects.update_or_create(
            organisation_id=membership.organisation_id,
            user_id=membership.user_id,
            defaults={"wanted": form.cleaned_data["weekly_summary"]},
        )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if membership is None:
        raise PermissionDenied("You are not a member of any organisation.")
    probe = PreferencesForm(membership)
    form = PreferencesForm(
        membership, request.POST or None, initial=_initial(membership, probe.kinds)
    )
    if request.method == "POST" and form.is_valid():
        _save(form)
        messages.success(request, "Notification preferences saved.")
        return redirect("attention:preferences")
    status = 400 if form.errors else 200
    return render(request, "attention/preferences.html", {"form": form}, status=status)
