"""The console: a person acting as the Microsoft account holder. They add busy, free,
tentative or out-of-office time (or a daily series, and cancel one day of it), move or
delete an event Patchbay wrote, remove the app's consent, revoke all sessions (which
also removes Outlook's subscriptions), expire delta tokens, and send a lifecycle event."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sandbox.microsoft_graph import identity, notify, store
from sandbox.microsoft_graph.faults import clear_faults, throttle_api
from sandbox.microsoft_graph.models import GraphEvent, GraphSubscription, GraphUser
from sandbox.microsoft_graph.seed import WORK_USER, default_calendar, ensure_demo_world

LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")


def add_block(
    user: GraphUser,
    start: dt.datetime,
    end: dt.datetime,
    *,
    show_as: str = "busy",
    all_day: bool = False,
    days: int = 0,
    subject: str = "Private",
) -> GraphEvent:
    """An event of the person's own in their default calendar (times in UTC)."""
    fmt = "%Y-%m-%dT%H:%M:%S"
    body = {
        "subject": subject,
        "showAs": show_as,
        "isAllDay": all_day,
        "start": {"dateTime": start.strftime(fmt), "timeZone": "UTC"},
        "end": {"dateTime": end.strftime(fmt), "timeZone": "UTC"},
    }
    return store.create_event(default_calendar(user), body, daily_occurrences=days)


def expire_delta(user: GraphUser) -> None:
    GraphUser.objects.filter(pk=user.pk).update(delta_epoch=user.delta_epoch + 1)


def move_event(event: GraphEvent, hours: int = 1) -> None:
    shifted = {}
    for key in ("start", "end"):
        moment = store.parse_when(event.fields[key]) + dt.timedelta(hours=hours)
        shifted[key] = store.when_json(moment, event.fields[key].get("timeZone", "UTC"))
    store.update_event(event, shifted)


@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    ensure_demo_world()
    email = request.GET.get("user", WORK_USER).replace("\x00", "")
    user = GraphUser.objects.filter(email=email).first() or GraphUser.objects.get(email=WORK_USER)
    if request.method == "POST":
        _act(request, user)
        return HttpResponseRedirect(
            f"{reverse('sandbox:microsoft_graph:console')}?user={user.email}"
        )
    events = GraphEvent.objects.filter(calendar__user=user, deleted_at__isnull=True)
    context = {
        "server": identity.server,
        "sandbox_user": user,
        "users": GraphUser.objects.all(),
        "events": events.select_related("calendar").order_by("pk"),
        "subscriptions": GraphSubscription.objects.filter(user=user),
        "lifecycle_events": LIFECYCLE_EVENTS,
        "client_id": settings.OUTLOOK_CLIENT_ID,
    }
    return render(request, "sandbox/microsoft_graph/console.html", context)


def _act(request: HttpRequest, user: GraphUser) -> None:
    action = request.POST.get("action", "")
    if action == "add":
        start = dt.datetime.fromisoformat(request.POST["start"]).replace(tzinfo=dt.UTC)
        end = dt.datetime.fromisoformat(request.POST["end"]).replace(tzinfo=dt.UTC)
        add_block(
            user,
            start,
            end,
            show_as=request.POST.get("show_as", "busy"),
            all_day=bool(request.POST.get("all_day")),
            days=int(request.POST.get("days") or 0),
            subject=request.POST.get("subject") or "Private",
        )
    elif action in ("move", "delete"):
        found = GraphEvent.objects.filter(
            calendar__user=user, graph_id=request.POST.get("event", ""), deleted_at__isnull=True
        ).first()
        if found is not None:
            move_event(found) if action == "move" else store.delete_event(found)
    elif action == "remove_consent":
        identity.remove_consent(user, str(settings.OUTLOOK_CLIENT_ID))
    elif action == "revoke_sessions":
        identity.revoke_sessions(user)
    elif action == "expire_delta":
        expire_delta(user)
    elif action == "throttle":
        throttle_api(minutes=1)
    elif action == "clear_faults":
        clear_faults()
    elif action in LIFECYCLE_EVENTS:
        for subscription in GraphSubscription.objects.filter(user=user):
            notify.lifecycle(subscription, action)
