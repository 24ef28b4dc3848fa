"""The mailbox as Graph's JSON: events in and out, calendars, the change sequence and
occurrence expansion. Views call these; so does the console."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox.microsoft_graph import zones
from sandbox.microsoft_graph.models import GraphCalendar, GraphEvent, GraphSequence, change_key

SHOW_AS = ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown")
WRITABLE = (
    "subject",
    "body",
    "start",
    "end",
    "isAllDay",
    "showAs",
    "location",
    "isReminderOn",
    "sensitivity",
    "categories",
    "importance",
    "responseStatus",
    "isCancelled",
)
GRAPH_TIME = "%Y-%m-%dT%H:%M:%S.0000000"


class Invalid(ValueError):
    """A request body Graph would refuse with 400; the message is Graph's (or close)."""


def next_seq() -> int:
    with transaction.atomic():
        row, _ = GraphSequence.objects.select_for_update().get_or_create(pk=1)
        GraphSequence.objects.filter(pk=1).update(value=F("value") + 1)
        return int(row.value) + 1


def parse_when(value: Any) -> dt.datetime:
    """A dateTimeTimeZone as an aware datetime (Invalid if Graph would refuse it)."""
    if not isinstance(value, dict) or "dateTime" not in value:
        raise Invalid("start and end need dateTime and timeZone.")
    tz = zones.zone(str(value.get("timeZone") or "UTC"))
    if tz is None:
        raise Invalid(f"A valid TimeZone value must be specified. ({value.get('timeZone')})")
    try:
        naive = dt.datetime.fromisoformat(str(value["dateTime"])[:26])
    except ValueError:
        raise Invalid("Cannot convert the literal to the expected type 'Edm.DateTime'.") from None
    return naive.replace(tzinfo=None).replace(tzinfo=tz)


def check_fields(fields: dict[str, Any]) -> None:
    start, end = parse_when(fields.get("start")), parse_when(fields.get("end"))
    if end < start:
        raise Invalid("The event's end must not come before its start.")
    if fields.get("showAs", "busy") not in SHOW_AS:
        raise Invalid("Invalid value for showAs.")
    if fields.get("isAllDay"):
        same_zone = fields["start"].get("timeZone") == fields["end"].get("timeZone")
        midnight = all((t.hour, t.minute, t.second) == (0, 0, 0) for t in (start, end))
        if not (same_zone and midnight and end > start):
            raise Invalid(
                "Your request can't be completed. If an event is all-day, its start and end "
                "must be set to midnight and be in the same time zone.",
            )


def writable(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in WRITABLE if key in body}


@dataclass(frozen=True)
class Occurrence:
    """An event as calendarView shows it: itself, or one day of a daily series."""

    event: GraphEvent
    index: int | None  # None: a single instance

    @property
    def id(self) -> str:
        if self.index is None:
            return self.event.graph_id
        return f"{self.event.graph_id}_{self.index:04d}"

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        start = parse_when(self.event.fields["start"])
        end = parse_when(self.event.fields["end"])
        shift = dt.timedelta(days=self.index or 0)
        return start + shift, end + shift

    def cancelled(self) -> bool:
        return self.index is not None and self.index in self.event.cancelled_occurrences


def occurrences(event: GraphEvent) -> list[Occurrence]:
    if not event.daily_occurrences:
        return [Occurrence(event, None)]
    return [Occurrence(event, i) for i in range(event.daily_occurrences)]


def overlaps(item: Occurrence, start: dt.datetime, end: dt.datetime) -> bool:
    first, last = item.times()
    return first < end and last > start


def when_json(moment: dt.datetime, zone_name: str = "UTC") -> dict[str, str]:
    tz = zones.zone(zone_name) or zones.zone("UTC")
    return {"dateTime": moment.astimezone(tz).strftime(GRAPH_TIME), "timeZone": zone_name}


def event_json(
    item: Occurrence, zone_name: str = "UTC", *, with_ext: bool = False
) -> dict[str, Any]:
    event = item.event
    start, end = item.times()
    fields = event.fields
    kind = "singleInstance" if item.index is None else "occurrence"
    body: dict[str, Any] = {
        "@odata.etag": f'W/"{event.change_key}"',
        "id": item.id,
        "createdDateTime": event.created_at.strftime(GRAPH_TIME) + "Z",
        "lastModifiedDateTime": event.modified_at.strftime(GRAPH_TIME) + "Z",
        "changeKey": event.change_key,
        "iCalUId": hashlib.sha256(item.id.encode()).hexdigest()[:64].upper(),
        "subject": fields.get("subject", ""),
        "body": fields.get("body", {"contentType": "text", "content": ""}),
        "isAllDay": bool(fields.get("isAllDay", False)),
        "isCancelled": bool(fields.get("isCancelled", False)),
        "isReminderOn": bool(fields.get("isReminderOn", True)),
        "showAs": fields.get("showAs", "busy"),
        "type": kind,
        "location": fields.get("location", {"displayName": ""}),
        "responseStatus": fields.get(
            "responseStatus", {"response": "organizer", "time": "0001-01-01T00:00:00Z"}
        ),
        "start": when_json(start, zone_name),
        "end": when_json(end, zone_name),
    }
    if fields.get("isAllDay"):
        # All-day events keep their dates whatever zone is asked for.
        body["start"] = {"dateTime": start.strftime(GRAPH_TIME), "timeZone": zone_name}
        body["end"] = {"dateTime": end.strftime(GRAPH_TIME), "timeZone": zone_name}
    if item.index is not None:
        body["seriesMasterId"] = event.graph_id
    if event.transaction_id:
        body["transactionId"] = event.transaction_id
    if with_ext and event.extended:
        body["singleValueExtendedProperties"] = [
            {"id": key, "value": value} for key, value in event.extended.items()
        ]
    return body


def calendar_json(calendar: GraphCalendar) -> dict[str, Any]:
    return {
        "id": calendar.graph_id,
        "name": calendar.name,
        "color": "auto",
        "changeKey": calendar.change_key,
        "canShare": True,
        "canViewPrivateItems": True,
        "canEdit": calendar.can_edit,
        "isDefaultCalendar": calendar.is_default,
        "owner": {"name": calendar.user.name, "address": calendar.user.email},
    }


def extended_of(body: dict[str, Any]) -> dict[str, str]:
    props = body.get("singleValueExtendedProperties") or []
    if not isinstance(props, list):
        raise Invalid("singleValueExtendedProperties must be a collection.")
    return {str(p.get("id")): str(p.get("value")) for p in props if isinstance(p, dict)}


def create_event(calendar: GraphCalendar, body: dict[str, Any], **extra: Any) -> GraphEvent:
    fields = writable(body)
    check_fields(fields)
    from sandbox.microsoft_graph import notify

    event = GraphEvent.objects.create(
        calendar=calendar,
        fields=fields,
        extended=extended_of(body),
        transaction_id=str(body.get("transactionId") or ""),
        seq=next_seq(),
        **extra,
    )
    notify.changed(event, "created")
    return event


def update_event(event: GraphEvent, body: dict[str, Any]) -> GraphEvent:
    fields = {**event.fields, **writable(body)}
    check_fields(fields)
    from sandbox.microsoft_graph import notify

    event.fields = fields
    event.extended = {**event.extended, **extended_of(body)}
    event.change_key = change_key()
    event.modified_at = timezone.now()
    event.seq = next_seq()
    event.save()
    notify.changed(event, "updated")
    return event


def delete_event(event: GraphEvent) -> None:
    from sandbox.microsoft_graph import notify

    event.deleted_at = timezone.now()
    event.seq = next_seq()
    event.save(update_fields=["deleted_at", "seq"])
    notify.changed(event, "deleted")


def cancel_occurrence(event: GraphEvent, index: int) -> None:
    from sandbox.microsoft_graph import notify

    event.cancelled_occurrences = sorted({*event.cancelled_occurrences, index})
    event.change_key = change_key()
    event.seq = next_seq()
    event.save()
    notify.changed(event, "updated")
