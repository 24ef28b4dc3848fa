"""What the push engine needs from a calendar provider. One subclass per provider
package (calendars/providers/<name>/adapter.py); the engine knows no provider by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from calendars.event import EventDraft
from calendars.models import EventLink, ReadCursor


@dataclass(frozen=True)
class RemoteCalendar:
    remote_id: str
    name: str
    primary: bool = False
    writable: bool = True


@dataclass(frozen=True)
class Written:
    remote_id: str
    version: str


@dataclass(frozen=True)
class Busy:
    """One busy occurrence read from the user's calendar: its digest and times only."""

    remote_key: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool = False
    tentative: bool = False


@dataclass
class BusyRead:
    """What an incremental read found: busy time added or changed, keys that are no
    longer busy, Patchbay's own events the user deleted, and where to read from next.
    `full` says the provider made Patchbay start over (blocks not seen again go)."""

    busy: list[Busy] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    deleted_events: list[str] = field(default_factory=list)  # remote ids of our events
    # Patchbay's events the user changed in their calendar (their version is no longer
    # the one Patchbay wrote): written again, since Patchbay is their source.
    edited_events: list[str] = field(default_factory=list)
    cursor: str = ""
    full: bool = False


class CalendarAdapter(ABC):
    # Reads busy time back (Google, Outlook); iCloud is one way.
    two_way: ClassVar[bool] = False

    @abstractmethod
    def calendars(self) -> list[RemoteCalendar]:
        """The user's calendars Patchbay may write to."""

    @abstractmethod
    def create_calendar(self, name: str) -> RemoteCalendar:
        """A calendar of Patchbay's own in the user's account."""

    @abstractmethod
    def put(self, calendar_id: str, draft: EventDraft, link: EventLink) -> Written:
        """Create the event under the link's key, or update the one the link names (with
        its version). A create retried after a timeout adopts the event it made. Raises
        EventGone when the event to update was deleted, CalendarGone for the calendar."""

    @abstractmethod
    def delete(self, calendar_id: str, link: EventLink) -> None:
        """Remove the event; one that is already gone counts as removed."""

    @abstractmethod
    def existing(self, calendar_id: str) -> dict[str, str]:
        """Patchbay's events in the calendar now: remote id -> version (the reconcile
        pass, which puts back what the user deleted)."""

    def read_busy(self, cursor: ReadCursor, own_ids: Mapping[str, str]) -> BusyRead:
        """Busy time changed since `cursor.cursor` (two-way providers), leaving out
        `own_ids` (Patchbay's own events, remote id -> the version Patchbay wrote: never
        busy blocks, no echo; one seen at another version was edited by the user). A blank cursor
        reads everything in [cursor.window_start, cursor.window_end). An expired cursor
        (Google's 410, Graph's expired delta) is the adapter's to handle: it reads
        everything again and returns `full=True`."""
        raise NotImplementedError(f"{type(self).__name__} does not read busy time.")

    def renew_watch(self, cursor: ReadCursor) -> None:
        """Make (or renew) the push channel or subscription that tells Patchbay the
        calendar changed, and set cursor.channel_* (the engine saves the cursor). The
        engine calls it when there is none or it expires within RENEW_AHEAD."""
        raise NotImplementedError(f"{type(self).__name__} has no push notifications.")

    def stop_watch(self, cursor: ReadCursor) -> None:
        """Remove the channel or subscription (disconnect); one already gone is fine."""
        raise NotImplementedError(f"{type(self).__name__} has no push notifications.")
