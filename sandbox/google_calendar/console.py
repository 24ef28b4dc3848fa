"""The console: the person acting as the crew member in Google Calendar (add a busy
event, mark one free, move or delete an event Patchbay wrote, delete a calendar), as
Google (expire the sync tokens, revoke the app) and as the tester (faults)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sandbox.core.faults import FaultForm
from sandbox.google_calendar import faults, seed, store, tokens
from sandbox.google_calendar.models import (
    GoogleCalendar,
    GoogleChannel,
    GoogleDelivery,
    GoogleEvent,
    GoogleGrant,
)

RECENT = 50


class BusyForm(forms.Form):
    calendar = forms.ModelChoiceField(GoogleCalendar.objects.filter(deleted_at__isnull=True))
    summary = forms.CharField(initial="Busy", max_length=200)
    start = forms.DateTimeField(help_text="YYYY-MM-DD HH:MM (the calendar's time zone)")
    end = forms.DateTimeField()
    all_day = forms.BooleanField(required=False)
    transparent = forms.BooleanField(required=False, label="Show me as available (free)")


class MoveForm(forms.Form):
    event = forms.ModelChoiceField(GoogleEvent.objects.exclude(status="cancelled"))
    start = forms.DateTimeField()
    end = forms.DateTimeField()
    summary = forms.CharField(required=False, max_length=200)


def _times(data: dict[str, Any], zone: str) -> dict[str, Any]:
    start, end = data["start"], data["end"]
    if data.get("all_day"):
        last = end.date() if end.date() > start.date() else start.date() + dt.timedelta(days=1)
        return {"start": {"date": start.date().isoformat()}, "end": {"date": last.isoformat()}}
    return {
        "start": {"dateTime": start.replace(tzinfo=None).isoformat(), "timeZone": zone},
        "end": {"dateTime": end.replace(tzinfo=None).isoformat(), "timeZone": zone},
    }


def _add_busy(request: HttpRequest) -> str:
    form = BusyForm(request.POST)
    if not form.is_valid():
        return f"Check the busy event: {form.errors.as_text()}"
    data = form.cleaned_data
    calendar: GoogleCalendar = data["calendar"]
    body = {"summary": data["summary"], **_times(data, calendar.time_zone)}
    if data["transparent"]:
        body["transparency"] = "transparent"
    try:
        event = store.insert(calendar, "", body)
    except store.Invalid as problem:
        return f"Google refused the event: {problem}"
    return f"Added {event.event_id} to {calendar.summary}."


def _move(request: HttpRequest) -> str:
    form = MoveForm(request.POST)
    if not form.is_valid():
        return f"Check the event: {form.errors.as_text()}"
    data = form.cleaned_data
    event: GoogleEvent = data["event"]
    body = _times(data, event.calendar.time_zone)
    if data["summary"]:
        body["summary"] = data["summary"]
    store.patch(event, body)
    return f"Changed {event.event_id}."


def _row(request: HttpRequest, model: type[Any], name: str) -> Any:
    return model.objects.filter(pk=request.POST.get(name)).first()


def _delete_event(request: HttpRequest) -> str:
    event = _row(request, GoogleEvent, "event")
    if event is None or event.status == "cancelled":
        return "That event is already gone."
    store.delete(event)
    return f"Deleted {event.event_id}."


def _delete_calendar(request: HttpRequest) -> str:
    calendar = _row(request, GoogleCalendar, "calendar")
    if calendar is None or calendar.primary:
        return "Only a secondary calendar can be deleted."
    store.delete_calendar(calendar)
    return f"Deleted the calendar {calendar.summary}."


def _expire(request: HttpRequest) -> str:
    calendar = _row(request, GoogleCalendar, "calendar")
    if calendar is None:
        return "No such calendar."
    store.expire_sync_tokens(calendar)
    return f"Sync tokens of {calendar.summary} expired: the next read gets 410."


def _revoke(request: HttpRequest) -> str:
    grant = _row(request, GoogleGrant, "grant")
    if grant is None:
        return "No such grant."
    tokens.revoke_grant(grant)
    return f"Revoked the app's access for {grant.user.email}."


def _fault(request: HttpRequest) -> str:
    form = FaultForm(request.POST, switch=faults.switch)
    if not form.is_valid():
        return f"Check the fault: {form.errors.as_text()}"
    form.apply()
    return "Fault set."


def _clear(request: HttpRequest) -> str:
    faults.clear_faults()
    return "Faults cleared."


ACTIONS: dict[str, Callable[[HttpRequest], str]] = {
    "add_busy": _add_busy,
    "move": _move,
    "delete_event": _delete_event,
    "delete_calendar": _delete_calendar,
    "expire_tokens": _expire,
    "revoke": _revoke,
    "fault": _fault,
    "clear_faults": _clear,
}


@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    seed.ensure_demo_world()
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        messages.info(request, action(request) if action else "Unknown action.")
        return HttpResponseRedirect(reverse("sandbox:google_calendar:console"))
    calendars = GoogleCalendar.objects.filter(deleted_at__isnull=True).select_related("user")
    context = {
        "calendars": calendars,
        "events": GoogleEvent.objects.select_related("calendar").order_by("-updated")[:RECENT],
        "grants": GoogleGrant.objects.select_related("user").filter(revoked_at__isnull=True),
        "channels": GoogleChannel.objects.select_related("calendar")[:RECENT],
        "deliveries": GoogleDelivery.objects.select_related("channel").order_by("-at")[:RECENT],
        "busy_form": BusyForm(),
        "move_form": MoveForm(),
        "fault_form": FaultForm(switch=faults.switch),
    }
    return render(request, "sandbox/google_calendar/console.html", context)
