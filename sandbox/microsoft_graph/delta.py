"""calendarView/delta: rounds of pages, `@odata.nextLink` ($skiptoken) until a page
carries `@odata.deltaLink` ($deltatoken) (https://learn.microsoft.com/graph/delta-query-events).

Tokens are signed watermarks of the global change sequence: an initial round lists what
is in the window now; a later round lists what changed since its token, with
`@removed` for deletions, cancelled occurrences and events that moved out of the window
(Graph also reports changes outside the window this way). $select, $filter, $expand and
$orderby are refused (400). The console's "expire delta tokens" makes older tokens
answer 410 Gone with `syncStateNotFound` and a `Location` whose $deltatoken is empty
(https://learn.microsoft.com/graph/delta-query-overview).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox.microsoft_graph import errors, store
from sandbox.microsoft_graph.api import Caller, max_page_size, preferred_zone
from sandbox.microsoft_graph.models import GraphCalendar, GraphEvent, GraphSequence

SALT = "sandbox.microsoft_graph.delta"
DEFAULT_PAGE = 10
UNSUPPORTED = ("$select", "$filter", "$expand", "$orderby", "$search")


def serve_delta(request: HttpRequest, caller: Caller, calendar: GraphCalendar) -> HttpResponse:
    params = request.GET
    if any(name in params for name in UNSUPPORTED):
        return errors.bad_request(
            "Query option not supported on delta for events.", "ErrorInvalidUrlQuery"
        )
    base = request.build_absolute_uri(request.path)
    if "$deltatoken" in params or "$skiptoken" in params:
        state = _state(params.get("$deltatoken") or params.get("$skiptoken", ""), caller, calendar)
        if state is None:
            return errors.bad_request("Badly formed token.", "BadRequest")
        if state["ep"] != caller.user.delta_epoch:
            return _gone(base)
        if "$deltatoken" in params:  # a new round from the watermark
            state = {**state, "f": state["t"], "t": _now_seq(), "o": 0}
    else:
        window = _window(params)
        if window is None:
            return errors.bad_request(
                "This request requires a time window specified by the query string parameters "
                "StartDateTime and EndDateTime.",
                "ErrorInvalidParameter",
            )
        state = {
            "u": caller.user.pk,
            "c": calendar.pk,
            "s": window[0].isoformat(),
            "e": window[1].isoformat(),
            "f": 0,
            "t": _now_seq(),
            "o": 0,
            "ep": caller.user.delta_epoch,
        }
    return _page(request, state, calendar, base)


def _window(params: Any) -> tuple[dt.datetime, dt.datetime] | None:
    try:
        start = dt.datetime.fromisoformat(params["startDateTime"].replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(params["endDateTime"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    start = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
    end = end if end.tzinfo else end.replace(tzinfo=dt.UTC)
    return (start, end) if end > start else None


def _now_seq() -> int:
    row = GraphSequence.objects.filter(pk=1).first()
    return int(row.value) if row else 0


def _state(raw: str, caller: Caller, calendar: GraphCalendar) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = signing.loads(raw, salt=SALT)
    except signing.BadSignature:
        return None
    if state.get("u") != caller.user.pk or state.get("c") != calendar.pk:
        return None
    return state


def _gone(base: str) -> HttpResponse:
    response = errors.graph_error(
        410, "syncStateNotFound", "The sync state generation is not found or has expired."
    )
    response["Location"] = f"{base}?$deltatoken="
    return response


def _items(state: dict[str, Any], calendar: GraphCalendar, zone: str) -> list[dict[str, Any]]:
    start = dt.datetime.fromisoformat(state["s"])
    end = dt.datetime.fromisoformat(state["e"])
    since, upto = int(state["f"]), int(state["t"])
    changed = GraphEvent.objects.filter(calendar=calendar, seq__gt=since, seq__lte=upto)
    items: list[dict[str, Any]] = []
    for event in changed.order_by("seq", "pk"):
        for item in store.occurrences(event):
            inside = store.overlaps(item, start, end)
            if event.deleted_at is None and not item.cancelled() and inside:
                items.append(store.event_json(item, zone))
            elif since:  # a later round reports what left; an initial one does not
                items.append(_removed(item.id))
    return items


def _removed(graph_id: str) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.event",
        "id": graph_id,
        "@removed": {"reason": "deleted"},
    }


def _page(
    request: HttpRequest, state: dict[str, Any], calendar: GraphCalendar, base: str
) -> HttpResponse:
    size = max_page_size(request, DEFAULT_PAGE)
    items = _items(state, calendar, preferred_zone(request))
    offset = int(state["o"])
    page = items[offset : offset + size]
    body: dict[str, Any] = {"@odata.context": f"{base}/$metadata#Collection(event)", "value": page}
    if offset + size < len(items):
        token = signing.dumps({**state, "o": offset + size}, salt=SALT)
        body["@odata.nextLink"] = f"{base}?{urlencode({'$skiptoken': token})}"
    else:
        token = signing.dumps({**state, "o": 0}, salt=SALT)
        body["@odata.deltaLink"] = f"{base}?{urlencode({'$deltatoken': token})}"
    return JsonResponse(body)
