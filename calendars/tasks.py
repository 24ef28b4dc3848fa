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
