"""The calendar pages: connecting iCloud, choosing the calendar, the crew schedule."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from calendars import tasks, wake
from calendars.assign import AssignForm
from calendars.calls import PAGE, calls_of
from calendars.forms import PLATFORM_NAMES, ICloudAccountForm, PolicyForm, TargetForm
from calendars.models import CALENDAR_PLATFORMS, AccountCheck, BusyBlock
from calendars.schedule import week_of
from calendars.settings_of import policy_of
from calendars.targets import set_target
from integrations.flow import blocking_connection
from integrations.models import Connection
from integrations.registry import get_integration
from tenancy.access import has_capability, require_capability
from tenancy.models import Membership, User
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped_get_or_404

ICLOUD = "icloud"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.CONNECT_OWN_CALENDAR)
def icloud_connect(request: HttpRequest) -> HttpResponseBase:
    integration = get_integration(ICLOUD)
    organisation, user = current_organisation(request), _user(request)
    if ICLOUD not in policy_of(organisation.pk).platforms:
        messages.error(
            request,
            f"{organisation.name} does not use iCloud calendars. Ask an owner to allow it "
            "in the calendar defaults, or connect one of the calendars it does use.",
        )
        return redirect("tenancy:profile")
    rival = blocking_connection(organisation, integration, user) if integration else None
    if rival is not None:
        messages.error(
            request,
            f"You connected {rival.remote_name} through another calendar platform; Patchbay "
            "works with one at a time. Disconnect it first on your profile.",
        )
        return redirect("tenancy:profile")
    form = ICloudAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = AccountCheck.objects.create(
            organisation=organisation,
            user=user,
            provider=ICLOUD,
            username=form.cleaned_data["apple_id"],
            password=form.cleaned_data["app_password"],
        )
        transaction.on_commit(lambda: tasks.check_icloud_account.delay(attempt.pk))
        return redirect("calendars:icloud-check", pk=attempt.pk)
    status = 400 if form.errors else 200
    return render(request, "calendars/icloud_connect.html", {"form": form}, status=status)


def _own_check(request: HttpRequest, pk: int) -> AccountCheck:
    return scoped_get_or_404(request, AccountCheck, pk=pk, user=request.user)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@require_capability(Capability.CONNECT_OWN_CALENDAR)
def icloud_check(request: HttpRequest, pk: int) -> HttpResponseBase:
    """While the worker checks: a page that refreshes itself. Then the calendar choice,
    or what went wrong and what to do."""
    attempt = _own_check(request, pk)
    form = TargetForm(request.POST or None, calendars=attempt.calendars)
    ready = attempt.status == AccountCheck.Status.CONNECTED and attempt.connection is not None
    if request.method == "POST" and ready and form.is_valid():
        _choose(attempt, form.cleaned_data["calendar"])
        messages.success(
            request,
            f"Apple iCloud is connected to {attempt.username}. Your assignments appear in "
            "your calendar within a minute.",
        )
        return redirect("tenancy:profile")
    partial = request.htmx  # type: ignore[attr-defined]
    template = "calendars/_icloud_check.html" if partial else "calendars/icloud_check.html"
    context = {"attempt": attempt, "form": form, "ready": ready}
    return render(request, template, context, status=400 if form.errors else 200)


def _choose(attempt: AccountCheck, choice: str) -> None:
    assert attempt.connection is not None  # noqa: S101 - the caller checked `ready`
    names = {row["remote_id"]: row["name"] for row in attempt.calendars}
    set_target(attempt.connection, choice, names)


@require_GET
@require_capability(Capability.CONNECT_OWN_CALENDAR)
def schedule(request: HttpRequest) -> HttpResponse:
    """A week of crew work and busy time: everyone's for schedulers, one's own for crew."""
    monday = _monday(_week(request.GET.get("week", "")) or timezone.localdate())
    everyone = has_capability(request, Capability.SCHEDULE_CREW)
    rows = week_of(current_organisation(request), monday, None if everyone else _user(request))
    context = {
        "rows": rows,
        "monday": monday,
        "days": [monday + timedelta(days=n) for n in range(7)],
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "everyone": everyone,
    }
    return render(request, "calendars/schedule.html", context)


def _week(text: str) -> date | None:
    """?week=YYYY-MM-DD; anything else is this week."""
    try:
        return date.fromisoformat(text[:10]) if len(text) == 10 else None
    except ValueError:
        return None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@require_http_methods(["GET", "POST"])
@require_capability(Capability.VIEW_INTEGRATION_SETTINGS)
def defaults(request: HttpRequest) -> HttpResponseBase:
    """The organisation's calendar defaults. Saving one changes what the next sync of
    every crew calendar writes, so everyone's calendar is synced soon after."""
    organisation = current_organisation(request)
    policy = policy_of(organisation.pk)
    can_edit = has_capability(request, Capability.EDIT_INTEGRATION_SETTINGS)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only owners and integration managers change calendar defaults.")
        if form.is_valid():
            saved = form.save(commit=False)
            saved.organisation, saved.updated_by = organisation, _user(request)
            saved.save()
            owners = Connection.objects.filter(organisation=organisation, owner__isnull=False)
            wake.users_changed(organisation.pk, owners.values_list("owner_id", flat=True))
            messages.success(
                request, "Calendar defaults saved. Crew calendars follow within minutes."
            )
            return redirect("calendars:defaults")
    context = {"form": form, "can_edit": can_edit}
    return render(request, "calendars/defaults.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.SCHEDULE_CREW)
def assign(request: HttpRequest) -> HttpResponse | HttpResponseBase:
    """Assign someone to a project. Busy time from their own calendar is a warning, not a
    refusal: the scheduler sees the clash and may assign anyway."""
    organisation = current_organisation(request)
    form = AssignForm(request.POST or None, organisation=organisation)
    clashes: list[BusyBlock] = []
    if request.method == "POST" and form.is_valid():
        clashes = form.clashes()
        if not clashes or form.cleaned_data["over_busy_time"]:
            assignment = form.save()
            person = assignment.user.full_name or assignment.user.email
            messages.success(
                request,
                f"Assignment {assignment.pk}: {person} is on {assignment.project.name} as "
                f"{assignment.role}. If they connected a calendar, it shows there within a minute.",
            )
            week = _monday(timezone.localdate(assignment.starts_at))
            return redirect(f"{reverse('calendars:schedule')}?week={week:%Y-%m-%d}")
    context = {"form": form, "clashes": clashes}
    return render(request, "calendars/assign.html", context, status=400 if form.errors else 200)


def _number(text: str) -> int | None:
    """A row id from the query string, or None for anything else (no 500 on '²')."""
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


@require_GET
@require_capability(Capability.MANAGE_CONNECTIONS)
def calls(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    person = _number(request.GET.get("person", ""))
    platform = request.GET.get("platform", "")
    page = list(
        calls_of(
            organisation,
            person=person,
            platform=platform,
            before=_number(request.GET.get("before", "")),
        )
    )
    people = Membership.objects.filter(organisation=organisation).select_related("user")
    context = {
        "calls": page,
        "older": page[-1].id if len(page) == PAGE else None,
        "people": sorted((m.user for m in people), key=lambda user: user.email),
        "platforms": [(slug, PLATFORM_NAMES[slug]) for slug in CALENDAR_PLATFORMS],
        "person": person,
        "platform": platform,
    }
    return render(request, "calendars/calls.html", context)
