"""Who got which mail, and the notices a member sees."""

from __future__ import annotations

from django.core import mail

from attention.models import Notice


def recipients(subject_part: str) -> list[str]:
    """Each address mailed with ``subject_part`` in the subject, once per mail, sorted."""
    found: list[str] = []
    for message in mail.outbox:
        if subject_part in str(message.subject):
            found += [str(address) for address in message.to]
    return sorted(found)


def subjects_to(address: str) -> list[str]:
    return [str(message.subject) for message in mail.outbox if address in message.to]


def open_notices(kind: str) -> list[Notice]:
    return list(Notice.objects.filter(kind=kind, closed_at__isnull=True))
