from __future__ import annotations

from celery import shared_task

from apikeys import services


@shared_task
def revoke_expired_keys() -> int:
    """Mark keys past their expiry as revoked; they are refused from expiry on regardless."""
    return services.expire_due_keys()
