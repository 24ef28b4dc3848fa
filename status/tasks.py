"""The status page's beat task (config's CELERY_BEAT_SCHEDULE runs it every minute)."""

from __future__ import annotations

from celery import shared_task

from status import summary


@shared_task
def summarise_provider_health() -> int:
    """Recompute the providers' health figures from the call audit; how many rows."""
    return len(summary.summarise())
