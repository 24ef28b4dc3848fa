"""Graph v1.0's calendar and subscription endpoints under /sandbox/microsoft-graph/v1.0/,
at Graph's own paths (`/me/...` and `/users/{id}/...`, which are the same for the
signed-in user). Every call goes through api.serve."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from sandbox.core.gate import Refused
from sandbox.microsoft_graph import delta, errors, notify, store
from sandbox.microsoft_graph.api import Caller, body_of, preferred_zone, serve
from sandbox.microsoft_graph.models import GraphCalendar, GraphEvent, GraphSubscription
from sandbox.microsoft_graph.seed import default_calendar

EXT_FILTER = re.compile(
    r"^singleValueExtendedProperties/Any\(ep:\s*ep/id eq '(?P<id>[^']+)' and "
    r"ep/value eq '(?P<value>[^']*)'\)$"
)
EXT_EXPAND = re.compile(r"^singleValueExtendedProperties\(\$filter=id eq '(?P<id>[^']+)'\)$")
PAGE = 10
MIN_SUBSCRIPTION = timedelta(minutes=45)


def _user_ok(caller: Caller, user: str) -> None:
    """`/users/{id}` must be the signed-in user (delegated permission)."""
    if user.removeprefix("users/") not in ("me", caller.user.oid, caller.user.email):
        raise Refused(errors.forbidden())


def _calendar(caller: Caller, calendar_id: str) -> GraphCalendar:
    found = GraphCalendar.objects.filter(user=caller.user, graph_id=calendar_id).first()
    if found is None:
        raise Refused(errors.not_found())
    return found


def _event(caller: Caller, event_id: str) -> tuple[GraphEvent, int | None]:
    master_id, _, index = event_id.partition("_")
    event = (
        GraphEvent.objects.select_related("calendar__user")
        .filter(calendar__user=caller.user, graph_id=master_id, deleted_at__isnull=True)
        .first()
    )
    if event is None or (index and not (index.isdigit() and int(index) < event.daily_occurrences)):
        raise Refused(errors.not_found())
    return event, int(index) if index else None


# --- calendars ----------------------------------------------------------------------


@csrf_exempt
def calendars(request: HttpRequest, user: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        _user_ok(caller, user)
        if request.method == "POST":
            body = body_of(request)
            name = str(body.get("name") or "").strip()
            if not name:
                return errors.bad_request("The calendar name is required.", "ErrorInvalidRequest")
            if caller.user.calendars.filter(name=name).exists():
                return errors.graph_error(
                    409, "ErrorFolderExists", "A folder with the specified name already exists."
                )
            made = GraphCalendar.objects.create(user=caller.user, name=name)
            return JsonResponse(store.calendar_json(made), status=201)
        default_calendar(caller.user)
        rows = [store.calendar_json(c) for c in caller.user.calendars.all()]
        return JsonResponse({"value": rows})

    return serve(request, handle)


@csrf_exempt
def calendar(request: HttpRequest, user: str, calendar_id: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        _user_ok(caller, user)
        found = _calendar(caller, calendar_id)
        if request.method == "DELETE":
            if found.is_default:
                return errors.bad_request("The default calendar cannot be deleted.")
            found.delete()
            return HttpResponse(status=204)
        return JsonResponse(store.calendar_json(found))

    return serve(request, handle)


# --- events -------------------------------------------------------------------------


@csrf_exempt
def calendar_events(request: HttpRequest, user: str, calendar_id: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        _user_ok(caller, user)
        found = _calendar(caller, calendar_id)
        if request.method == "POST":
            return _create(request, caller, found)
        return _list(request, found)

    return serve(request, handle)


@csrf_exempt
def default_events(request: HttpRequest, user: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        _user_ok(caller, user)
        found = default_calendar(caller.user)
        return (
            _create(request, caller, found) if request.method == "POST" else _list(request, found)
        )

    return serve(request, handle)


def _create(request: HttpRequest, caller: Caller, calendar: GraphCalendar) -> HttpResponse:
    body = body_of(request)
    transaction_id = str(body.get("transactionId") or "")
    if transaction_id:
        # The sandbox's choice (Graph's is undocumented): a repeated transactionId in
        # the mailbox answers 201 with the event the first POST made; nothing is added.
        earlier = GraphEvent.objects.filter(
            calendar__user=caller.user, transaction_id=transaction_id, deleted_at__isnull=True
        ).first()
        if earlier is not None:
            return JsonResponse(_json(request, earlier, None), status=201)
    try:
        event = store.create_event(calendar, body)
    except store.Invalid as problem:
        return errors.bad_request(str(problem))
    return JsonResponse(_json(request, event, None), status=201)


def _json(request: HttpRequest, event: GraphEvent, index: int | None) -> dict[str, Any]:
    expand = EXT_EXPAND.match(request.GET.get("$expand", ""))
    body = store.event_json(store.Occurrence(event, index), preferred_zone(request))
    if expand is not None and expand["id"] in event.extended:
        body["singleValueExtendedProperties"] = [
            {"id": expand["id"], "value": event.extended[expand["id"]]}
        ]
    selected = [s.strip() for s in request.GET.get("$select", "").split(",") if s.strip()]
    if selected:
        keep = {"@odata.etag", "id", "singleValueExtendedProperties", *selected}
        body = {key: value for key, value in body.items() if key in keep}
    return body


def _list(request: HttpRequest, calendar: GraphCalendar) -> HttpResponse:
    rows = list(
        GraphEvent.objects.filter(calendar=calendar, deleted_at__isnull=True).order_by("pk")
    )
    raw_filter = request.GET.get("$filter", "")
    if raw_filter:
        matched = EXT_FILTER.match(raw_filter)
        if matched is None:
            return errors.bad_request("Invalid filter clause.", "BadRequest")
        wanted = {matched["id"]: matched["value"]}
        rows = [e for e in rows if e.extended.get(matched["id"]) == wanted[matched["id"]]]
    top = int(request.GET.get("$top", PAGE)) if request.GET.get("$top", "").isdigit() else PAGE
    skip = int(request.GET.get("$skip", 0)) if request.GET.get("$skip", "").isdigit() else 0
    page = rows[skip : skip + top]
    body: dict[str, Any] = {"value": [_json(request, e, None) for e in page]}
    if skip + top < len(rows):
        params = {**request.GET.dict(), "$skip": str(skip + top), "$top": str(top)}
        body["@odata.nextLink"] = f"{request.build_absolute_uri(request.path)}?{urlencode(params)}"
    return JsonResponse(body)


def _if_match_fails(request: HttpRequest, event: GraphEvent) -> bool:
    """If-Match with an etag (W/"changeKey") or a bare changeKey: the sandbox refuses a
    stale one with 412 (whether Graph enforces it on events is unconfirmed)."""
    sent = request.headers.get("If-Match", "").strip()
    if not sent or sent == "*":
        return False
    return sent.removeprefix("W/").strip('"') != event.change_key


@csrf_exempt
def event(request: HttpRequest, user: str, event_id: str) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        _user_ok(caller, user)
        found, index = _event(caller, event_id)
        if request.method in ("PATCH", "DELETE") and _if_match_fails(request, found):
            return errors.graph_error(
                412,
                "ErrorIrresolvableConflict",
                "The change key passed in the request does not match the current change key "
                "for the item.",
            )
        if request.method == "PATCH":
            try:
                store.update_event(found, body_of(request))
            except store.Invalid as problem:
                return errors.bad_request(str(problem))
            return JsonResponse(_json(request, found, index))
        if request.method == "DELETE":
            if index is None:
                store.delete_event(found)
            else:
                store.cancel_occurrence(found, index)
            return HttpResponse(status=204)
        return JsonResponse(_json(request, found, index))

    return serve(request, handle)


# --- calendarView/delta -------------------------------------------------------------


@csrf_exempt
def view_delta(request: HttpRequest, user: str, calendar_id: str = "") -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        _user_ok(caller, user)
        found = _calendar(caller, calendar_id) if calendar_id else default_calendar(caller.user)
        return delta.serve_delta(request, caller, found)

    return serve(request, handle)


# --- subscriptions ------------------------------------------------------------------


def _subscription_json(subscription: GraphSubscription) -> dict[str, Any]:
    return {
        "id": subscription.sub_id,
        "resource": subscription.resource,
        "applicationId": subscription.client_id,
        "changeType": subscription.change_type,
        "clientState": subscription.client_state or None,
        "notificationUrl": subscription.notification_url,
        "lifecycleNotificationUrl": subscription.lifecycle_url or None,
        "expirationDateTime": subscription.expires_at.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
        "creatorId": subscription.user.oid,
        "latestSupportedTlsVersion": "v1_2",
        "includeResourceData": False,
    }


def _expiry(value: Any) -> Any:
    """The requested expiry, clamped to [now + 45 min, now + the maximum]."""
    moment = parse_datetime(str(value or ""))
    if moment is None:
        raise Refused(errors.bad_request("expirationDateTime is required.", "InvalidRequest"))
    now = timezone.now()
    if moment <= now:
        raise Refused(
            errors.bad_request(
                "Subscription expiration can only be in the future.", "InvalidRequest"
            )
        )
    longest = now + timedelta(minutes=int(settings.SANDBOX_GRAPH_SUBSCRIPTION_MAX_MINUTES))
    return max(min(moment, longest), now + MIN_SUBSCRIPTION)


def _valid_resource(resource: str) -> bool:
    return bool(re.fullmatch(r"/?(me|users/[^/]+)(/calendars/[^/]+)?/events", resource, re.I))


@csrf_exempt
def subscriptions(request: HttpRequest) -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        if request.method != "POST":
            rows = GraphSubscription.objects.filter(user=caller.user, client_id=caller.client_id)
            return JsonResponse({"value": [_subscription_json(s) for s in rows]})
        body = body_of(request)
        resource = str(body.get("resource") or "")
        url = str(body.get("notificationUrl") or "")
        lifecycle = str(body.get("lifecycleNotificationUrl") or "")
        state = str(body.get("clientState") or "")
        if not _valid_resource(resource) or not body.get("changeType"):
            return errors.bad_request("Invalid resource or changeType.", "InvalidRequest")
        if not url.startswith(("https://", "http://")) or len(state) > 128:
            return errors.bad_request("Invalid notificationUrl or clientState.", "InvalidRequest")
        expires_at = _expiry(body.get("expirationDateTime"))
        for target in filter(None, (url, lifecycle)):
            if not notify.handshake(target):
                return errors.bad_request(
                    "Subscription validation request failed. Response must exactly match "
                    "validationToken query parameter.",
                    "ValidationError",
                )
        made = GraphSubscription.objects.create(
            user=caller.user,
            client_id=caller.client_id,
            sub_id=str(uuid.uuid4()),
            resource=resource,
            change_type=str(body["changeType"]),
            notification_url=url,
            lifecycle_url=lifecycle,
            client_state=state,
            expires_at=expires_at,
        )
        return JsonResponse(_subscription_json(made), status=201)

    return serve(request, handle, calendars=False)


@csrf_exempt
def subscription(request: HttpRequest, sub_id: str, action: str = "") -> HttpResponse:
    def handle(caller: Caller) -> HttpResponse:
        found = GraphSubscription.objects.filter(
            user=caller.user, client_id=caller.client_id, sub_id=sub_id
        ).first()
        if found is None or found.expires_at <= timezone.now():
            return errors.graph_error(
                404, "ResourceNotFound", f"The object was not found: {sub_id}"
            )
        if action == "reauthorize":
            return (
                HttpResponse(status=204) if request.method == "POST" else HttpResponse(status=405)
            )
        if request.method == "DELETE":
            found.delete()
            return HttpResponse(status=204)
        if request.method == "PATCH":
            found.expires_at = _expiry(body_of(request).get("expirationDateTime"))
            found.save(update_fields=["expires_at"])
        return JsonResponse(_subscription_json(found))

    return serve(request, handle, calendars=False)
