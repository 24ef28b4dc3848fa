"""The mails: a problem, its recovery, and the daily digest. Each is recorded in a
NoticeMail row created before sending, whose unique constraint is what makes a mail go
once however many scans see the same problem."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from attention.models import Notice, NoticeMail
from tenancy.models import User

SUBJECT_PREFIX = "[Patchbay] "


def _url(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}"


def _claim(notice: Notice, user: User, phase: str) -> bool:
    """True for the one caller that gets to send this mail."""
    try:
        with transaction.atomic():
            NoticeMail.objects.create(
                organisation_id=notice.organisation_id, notice=notice, user=user, phase=phase
            )
    except IntegrityError:
        return False
    return True


def _footer(notice: Notice) -> str:
    return (
        f"\n\n— Patchbay, for {notice.organisation.name}. Choose how you are told about "
        f"this kind of problem: {_url('/settings/notifications/preferences/')}"
    )


def problem(notice: Notice, user: User) -> bool:
    if not _claim(notice, user, NoticeMail.Phase.OPENED):
        return False
    body = f"{notice.detail}\n\nWhere to act: {_url(notice.link)}{_footer(notice)}"
    send_mail(f"{SUBJECT_PREFIX}{notice.title}", body, None, [user.email])
    return True


def recovered(notice: Notice, user: User) -> bool:
    if not _claim(notice, user, NoticeMail.Phase.RECOVERED):
        return False
    body = (
        f"Recovered: {notice.recovery}\n\nThe problem was: {notice.title}.\n"
        f"Nothing more is needed.{_footer(notice)}"
    )
    send_mail(f"{SUBJECT_PREFIX}Recovered: {notice.title}", body, None, [user.email])
    return True


def _digest_line(notice: Notice, user: User) -> str | None:
    """A notice's line in ``user``'s digest, once while open and once when recovered."""
    if notice.is_open:
        if not _claim(notice, user, NoticeMail.Phase.DIGEST):
            return None
        return f"- Open: {notice.title}\n  {notice.detail}\n  {_url(notice.link)}"
    _claim(notice, user, NoticeMail.Phase.DIGEST)  # opened and closed between two digests
    if not _claim(notice, user, NoticeMail.Phase.RECOVERED):
        return None
    return f"- Recovered: {notice.title}\n  {notice.recovery}"


def digest(user: User, organisation_name: str, notices: Sequence[Notice]) -> int:
    """One mail of the notices ``user`` has not yet read about in a digest."""
    lines = [line for n in notices if (line := _digest_line(n, user)) is not None]
    if not lines:
        return 0
    body = (
        f"What needed attention at {organisation_name} since the last digest:\n\n"
        + "\n\n".join(lines)
        + f"\n\nChoose how you are told: {_url('/settings/notifications/preferences/')}"
    )
    count = len(lines)
    subject = f"{SUBJECT_PREFIX}Daily digest: {count} notice{'s' if count != 1 else ''}"
    send_mail(subject, body, None, [user.email])
    return count
