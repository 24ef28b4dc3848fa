"""Busy time out of a calendarView/delta round: what counts as busy, and what leaves.

Busy: showAs busy, oof or tentative (tentative flagged); not cancelled; not declined;
not Patchbay's own event (its id among the links, or a transactionId that is one of
Patchbay's keys: delta cannot $expand the extended property,
https://learn.microsoft.com/graph/api/event-delta). Only times are kept; the block's key
is a digest of the occurrence id, never the id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from calendars.adapter import Busy, BusyRead

BUSY_SHOW_AS = frozenset({"busy", "oof", "tentative"})
OWN_KEY = re.compile(r"pb[0-9a-f]{30}")


def remote_key(graph_id: str) -> str:
    return hashlib.sha256(graph_id.encode()).hexdigest()


def _moment(value: dict[str, Any]) -> dt.datetime:
    text = str(value.get("dateTime", ""))[:26]
    zone = str(value.get("timeZone") or "UTC")
    moment = dt.datetime.fromisoformat(text)
    try:
        tz: dt.tzinfo = ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        tz = dt.UTC  # a Windows name: delta answers in UTC unless told otherwise
    return moment.replace(tzinfo=tz)


def is_own(item: dict[str, Any], own_ids: Mapping[str, str]) -> bool:
    return item.get("id") in own_ids or bool(OWN_KEY.fullmatch(str(item.get("transactionId", ""))))


def is_busy(item: dict[str, Any]) -> bool:
    declined = (item.get("responseStatus") or {}).get("response") == "declined"
    return (
        item.get("showAs", "busy") in BUSY_SHOW_AS
        and not item.get("isCancelled")
        and not declined
        and item.get("type") != "seriesMaster"
    )


def apply(
    read: BusyRead,
    items: list[dict[str, Any]],
    own_ids: Mapping[str, str],
    window: tuple[dt.datetime, dt.datetime],
) -> None:
    """Fold one page into `read`. Replays and repeats are idempotent (by id, last wins)."""
    for item in items:
        graph_id = str(item.get("id", ""))
        if not graph_id:
            continue
        key = remote_key(graph_id)
        if "@removed" in item:
            if graph_id in own_ids:
                read.deleted_events.append(graph_id)
            else:
                _forget(read, key)
            continue
        if is_own(item, own_ids):
            written = own_ids.get(graph_id)
            if written and item.get("changeKey") not in (None, written):
                read.edited_events.append(graph_id)  # changed in Outlook: put back
            continue
        block = _block(item, key) if is_busy(item) else None
        if block is None or block.ends_at <= window[0] or block.starts_at >= window[1]:
            _forget(read, key)  # free now, or out of the window: no longer busy here
            continue
        read.busy = [b for b in read.busy if b.remote_key != key] + [block]
        read.gone = [g for g in read.gone if g != key]


def _forget(read: BusyRead, key: str) -> None:
    read.busy = [b for b in read.busy if b.remote_key != key]
    if key not in read.gone:
        read.gone.append(key)


def _block(item: dict[str, Any], key: str) -> Busy | None:
    try:
        start, end = _moment(item["start"]), _moment(item["end"])
    except (KeyError, TypeError, ValueError):
        return None
    if end < start:
        return None
    return Busy(
        remote_key=key,
        starts_at=start,
        ends_at=end,
        all_day=bool(item.get("isAllDay")),
        tentative=item.get("showAs") == "tentative",
    )
