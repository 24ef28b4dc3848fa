"""The scan (a beat task every minute): compare what the detectors find wrong with the
open notices; open a notice for each new problem and mail those who chose to be told at
once, close the notices whose problem is gone and tell them it recovered.

A problem seen by every scan while it lasts stays one notice and one mail: the open
notice is unique per (organisation, kind, subject) and each mail is claimed by a unique
row first (attention.mail), so two scans at once cannot double either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from attention import audience, mail
from attention.detect import DETECTORS, Problem
from attention.kinds import Choice, Kind
from attention.models import Notice, NoticeMail

RECOVERY: dict[str, str] = {
    Kind.CONNECTION_ERROR: "the connection works again (reconnected) or was disconnected.",
    Kind.CONNECTION_DEGRADED: "the provider answers again and the connection is healthy.",
    Kind.DAILY_LIMIT: "the daily limit was reset and syncing resumed.",
    Kind.SYNC_FAILING: "a sync finished without failing.",
    Kind.REVIEWS_WAITING: "no review or conflict has waited over a day any more.",
    Kind.WEBHOOK_FAILING: "a delivery to the endpoint succeeded (or it was deleted).",
    Kind.WEBHOOK_DISABLED: "the endpoint was enabled again (or deleted).",
    Kind.API_KEY_EXPIRING: "the key was revoked (replaced, or at its expiry) or no longer "
    "expires within 7 days.",
    Kind.CALENDAR_RECONNECT: "your calendar is connected again (or was disconnected).",
}


@dataclass
class ScanResult:
    opened: list[Notice] = field(default_factory=list)
    closed: list[Notice] = field(default_factory=list)
    mails: int = 0


def scan(now: datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    for kind, detector in DETECTORS.items():
        _scan_kind(kind, detector(now), now, result)
    for notice in result.opened:
        result.mails += _tell_opened(notice)
    for notice in result.closed:
        result.mails += _tell_recovered(notice)
    return result


def _scan_kind(
    kind: str, problems: dict[tuple[int, str], Problem], now: datetime, result: ScanResult
) -> None:
    open_notices = {
        (n.organisation_id, n.subject_key): n
        for n in Notice.objects.filter(kind=kind, closed_at__isnull=True)
    }
    for key in problems.keys() - open_notices.keys():
        notice = _open(kind, problems[key], now)
        if notice is not None:
            result.opened.append(notice)
    for key in open_notices.keys() - problems.keys():
        notice = open_notices[key]
        if _close(notice, now):
            result.closed.append(notice)


def _open(kind: str, problem: Problem, now: datetime) -> Notice | None:
    try:
        with transaction.atomic():
            return Notice.objects.create(
                organisation_id=problem.organisation_id,
                kind=kind,
                subject_key=problem.subject_key,
                title=problem.title[:300],
                detail=problem.detail,
                link=problem.link,
                capability=audience.audience_capability(kind) if problem.user_id is None else "",
                user_id=problem.user_id,
                opened_at=now,
            )
    except IntegrityError:
        return None  # another scan opened it first: it tells people


def _close(notice: Notice, now: datetime) -> bool:
    text = RECOVERY[notice.kind]
    won = Notice.objects.filter(pk=notice.pk, closed_at__isnull=True).update(
        closed_at=now, recovery=text[0].upper() + text[1:]
    )
    notice.refresh_from_db()
    return bool(won)


def _tell_opened(notice: Notice) -> int:
    members = audience.members_for(notice)
    chosen = audience.choices(notice.organisation_id, [m.pk for m in members], notice.kind)
    return sum(
        mail.problem(notice, member)
        for member in members
        if chosen[member.pk] == Choice.IMMEDIATELY
    )


def _tell_recovered(notice: Notice) -> int:
    """Those mailed about the problem hear it recovered; digest readers read it there."""
    told = set(
        NoticeMail.objects.filter(notice=notice, phase=NoticeMail.Phase.OPENED).values_list(
            "user_id", flat=True
        )
    )
    members = [m for m in audience.members_for(notice) if m.pk in told]
    chosen = audience.choices(notice.organisation_id, [m.pk for m in members], notice.kind)
    return sum(mail.recovered(notice, m) for m in members if chosen[m.pk] != Choice.OFF)
