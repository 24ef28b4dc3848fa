"""The webhook dispatcher (a beat tick every WEBHOOK_DISPATCH_SECONDS) and the log's purge."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from integrations.models import SyncRun
from integrations.provider_webhooks.models import ProviderNotification
from integrations.provider_webhooks.wakeups import claim_woken
from integrations.syncs import sync_connection


@shared_task
def dispatch_webhook_syncs() -> int:
    """Start a sync, trigger "webhook", for every connection whose wake-up is due."""
    woken = claim_woken()
    for connection_id in woken:
        sync_connection.delay(connection_id, SyncRun.Trigger.WEBHOOK)
    return len(woken)


@shared_task
def purge_provider_notifications() -> int:
    """The notification log is for support, not an audit trail: keep it for a while only."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_NOTIFICATION_RETENTION_DAYS)
    deleted, _ = ProviderNotification.objects.filter(received_at__lt=cutoff).delete()
    return deleted
