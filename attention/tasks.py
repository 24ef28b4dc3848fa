"""Beat tasks: the scan every minute, the daily digest, the weekly bookkeeping summary."""

from __future__ import annotations

from celery import shared_task

from attention import digest, scan


@shared_task
def scan_for_problems() -> str:
    result = scan.scan()
    return f"opened {len(result.opened)}, closed {len(result.closed)}, mails {result.mails}"


@shared_task
def send_daily_digests() -> int:
    return digest.send_daily()


@shared_task
def send_weekly_summaries() -> int:
    return digest.send_weekly()
