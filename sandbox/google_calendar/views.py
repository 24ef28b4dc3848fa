"""The Calendar API v3 endpoints, at Google's paths under /sandbox/google-calendar/calendar/v3/.
https://developers.google.com/workspace/calendar/api/v3/reference
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox.google_calendar import errors, listing, push, store
from sandbox.google_calendar.api import Caller, serve
from sandbox.google_calendar.models import GoogleCalendar, GoogleChannel, GoogleEvent

LOOPBACK = ("127.0.0.1", "localhost", "::1", "testserver")


def _json(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _method_not_allowed() -> HttpResponse:
    return errors.error(405, "httpMethodNotAllowed", "Method Not Allowed")


def _calendar(caller: Caller, calendar_id: str) -> GoogleCalendar | HttpResponse:
    calendar = store.live_calendar(caller.user, calendar_id)
    if calendar is None:
        return errors.not_found()
    # calendar.app.created alone reaches only the calendars this app made.
    broad = caller.has("calendar") or caller.has("calendar.events")
    if not broad and calendar.created_by_client != caller.client_id:
        return errors.not_found()
    return calendar


@csrf_exempt
def calendar_list(request: HttpRequest) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        rows = GoogleCalendar.objects.filter(user=caller.user, deleted_at__isnull=True)
        items = [store.list_entry_json(calendar) for calendar in rows]
        return JsonResponse(
            {"kind": "calendar#calendarList", "etag": store.new_etag(), "items": items}
        )

    if request.method != "GET":
        return _method_not_allowed()
    return serve(request, handle, "list")


@csrf_exempt
def calendars(request: HttpRequest) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        body = _json(request)
        if body is None:
            return errors.error(400, "parseError", "Parse Error")
        if not body.get("summary"):
            return errors.error(400, "required", "Required", location="summary")
        made = store.create_calendar(
            caller.user, body["summary"], body.get("timeZone", ""), caller.client_id
        )
        return JsonResponse(store.calendar_json(made))

    if request.method != "POST":
        return _method_not_allowed()
    return serve(request, handle, "calendars")


@csrf_exempt
def calendar(request: HttpRequest, calendar_id: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        found = _calendar(caller, calendar_id)
        if isinstance(found, HttpResponse):
            return found
        if request.method == "GET":
            return JsonResponse(store.calendar_json(found))
        if request.method != "DELETE":
            return _method_not_allowed()
        if found.primary:
            return errors.error(
                400, "cannotDeletePrimaryCalendar", "Cannot delete primary calendar."
            )
        store.delete_calendar(found)
        return HttpResponse(status=204)

    return serve(request, handle, "calendars")


@csrf_exempt
def events(request: HttpRequest, calendar_id: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        found = _calendar(caller, calendar_id)
        if isinstance(found, HttpResponse):
            return found
        if request.method == "GET":
            return _list(found, request)
        if request.method == "POST":
            return _insert(found, request)
        return _method_not_allowed()

    return serve(request, handle, "events")


def _list(calendar: GoogleCalendar, request: HttpRequest) -> HttpResponse:
    try:
        return JsonResponse(listing.list_events(calendar, request.GET))
    except listing.Refusal as refusal:
        if refusal.expired:
            return errors.full_sync_required()
        return errors.invalid(str(refusal))


def _insert(calendar: GoogleCalendar, request: HttpRequest) -> HttpResponse:
    body = _json(request)
    if body is None:
        return errors.error(400, "parseError", "Parse Error")
    try:
        event = store.insert(calendar, str(body.get("id", "")), body)
    except store.Invalid as problem:
        return errors.invalid(str(problem))
    except LookupError:
        return errors.duplicate()
    return JsonResponse(store.as_json(event))


def _precondition_failed(request: HttpRequest, event: GoogleEvent) -> bool:
    wanted = request.headers.get("If-Match")
    return wanted is not None and wanted != "*" and wanted != event.etag


@csrf_exempt
def event(request: HttpRequest, calendar_id: str, event_id: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        found = _calendar(caller, calendar_id)
        if isinstance(found, HttpResponse):
            return found
        row = GoogleEvent.objects.filter(calendar=found, event_id=event_id).first()
        if row is None:
            return errors.not_found()
        if request.method == "GET":
            if request.headers.get("If-None-Match") == row.etag:
                return HttpResponse(status=304)
            return JsonResponse(store.as_json(row))
        if request.method not in ("PATCH", "PUT", "DELETE"):
            return _method_not_allowed()
        if row.status == "cancelled":
            return errors.deleted()
        if _precondition_failed(request, row):
            return errors.condition_not_met()
        if request.method == "DELETE":
            store.delete(row)
            return HttpResponse(status=204)
        return _write(row, request, replace=request.method == "PUT")

    return serve(request, handle, "events")


def _write(row: GoogleEvent, request: HttpRequest, *, replace: bool) -> HttpResponse:
    body = _json(request)
    if body is None:
        return errors.error(400, "parseError", "Parse Error")
    try:
        return JsonResponse(store.as_json(store.patch(row, body, replace=replace)))
    except store.Invalid as problem:
        return errors.invalid(str(problem))


def _address_problem(address: str) -> str:
    parts = urlsplit(address)
    if parts.scheme == "https":
        return ""
    loopback = parts.hostname in LOOPBACK
    if parts.scheme == "http" and loopback and settings.SANDBOX_GOOGLE_CALENDAR_ALLOW_HTTP_LOOPBACK:
        return ""  # the sandbox's stand-in for a certificate Google trusts
    return f"WebHook callback must be HTTPS: {address}"


@csrf_exempt
def watch(request: HttpRequest, calendar_id: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        found = _calendar(caller, calendar_id)
        if isinstance(found, HttpResponse):
            return found
        body = _json(request) or {}
        channel_id, address = str(body.get("id", "")), str(body.get("address", ""))
        if (
            not channel_id
            or len(channel_id) > 64
            or body.get("type") not in ("web_hook", "webhook")
        ):
            return errors.invalid("Invalid channel id or type.")
        problem = _address_problem(address)
        if problem:
            return errors.error(400, "push.webhookUrlNotHttps", problem, domain="push")
        if len(str(body.get("token", ""))) > 256:
            return errors.invalid("Channel token is too long.")
        if GoogleChannel.objects.filter(channel_id=channel_id).exists():
            return errors.error(
                400, "channelIdNotUnique", f"Channel id {channel_id} not unique", domain="push"
            )
        with transaction.atomic():
            channel = GoogleChannel.objects.create(
                channel_id=channel_id,
                resource_id=push.resource_id(found.pk),
                calendar=found,
                client_id=caller.client_id,
                address=address,
                token=str(body.get("token", "")),
                expiration=push.channel_expiration((body.get("params") or {}).get("ttl")),
            )
            transaction.on_commit(lambda: push.channel_made(channel))
        return JsonResponse(
            {
                "kind": "api#channel",
                "id": channel.channel_id,
                "resourceId": channel.resource_id,
                "resourceUri": f"https://www.googleapis.com/calendar/v3/calendars/{found.calendar_id}/events?alt=json",
                "token": channel.token,
                "expiration": str(int(channel.expiration.timestamp() * 1000)),
            }
        )

    if request.method != "POST":
        return _method_not_allowed()
    return serve(request, handle, "events")


@csrf_exempt
def stop_channel(request: HttpRequest) -> HttpResponse:
    """channels.stop needs both the channel id and its resourceId; only the app (and
    user) that made a channel may stop it."""

    def handle(caller: Caller) -> HttpResponse:
        body = _json(request) or {}
        if not body.get("id") or not body.get("resourceId"):
            return errors.error(400, "required", "Required", location="resourceId")
        channel = GoogleChannel.objects.filter(
            channel_id=body["id"],
            resource_id=body["resourceId"],
            client_id=caller.client_id,
            calendar__user=caller.user,
        ).first()
        if channel is None:
            return errors.error(404, "notFound", f"Channel '{body['id']}' not found for project")
        if channel.stopped_at is None:
            channel.stopped_at = timezone.now()
            channel.save(update_fields=["stopped_at"])
        return HttpResponse(status=204)

    if request.method != "POST":
        return _method_not_allowed()
    return serve(request, handle, "events")
