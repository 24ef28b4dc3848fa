"""The calendar kind's worker tasks. Syncs themselves run through the platform's
dispatcher (integrations.syncs), which calls calendars.sync via the registry."""

from __future__ import annotations

from celery import shared_task

from calendars.models import AccountCheck
from calendars.providers.icloud import connect as icloud_connect


@shared_task
def check_icloud_account(check_id: int) -> str:
    attempt = AccountCheck.objects.filter(pk=check_id, status=AccountCheck.Status.CHECKING).first()
    if attempt is None:
        return "gone"
    return icloud_connect.check(attempt).status


@shared_task
def list_calendars(listing_id: int) -> str:
    from calendars import listing

    found = AccountCheck.objects.filter(pk=listing_id, status=AccountCheck.Status.CHECKING).first()
    if found is None:
        return "gone"
    return listing.run(found).status


@shared_task
def purge_account_checks() -> int:
    """Password checks and calendar listings are for the minutes a person is choosing:
    kept a day for support, then gone (a pending check's password with them)."""
    from datetime import timedelta

    from django.utils import timezone

    old = AccountCheck.objects.filter(created_at__lt=timezone.now() - timedelta(days=1))
    deleted, _ = old.delete()
    return deleted
