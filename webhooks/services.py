"""Changes to endpoints, and the two manual sends: a test event and a Resend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from operations.events import EVENT_TYPES
from tenancy.models import Organisation, User
from webhooks import outbox, signing
from webhooks.addresses import url_rule, vet
from webhooks.catalog import TEST_EVENT
from webhooks.models import Delivery, Endpoint, Event


class WebhookError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NewSecret:
    endpoint: Endpoint
    secret: str  # shown once; afterwards only its last four characters


def check_url(url: str) -> None:
    """Raise addresses.UnsafeUrl unless Patchbay would call ``url`` now."""
    vet(url, allow_loopback_http=settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP)


def allowed_urls() -> str:
    """What ``check_url`` accepts under the running settings, in words."""
    return url_rule(allow_loopback_http=settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP)


def _check_events(event_types: Sequence[str]) -> list[str]:
    unknown = [name for name in event_types if name not in EVENT_TYPES]
    if unknown or not event_types:
        raise WebhookError("Choose one or more events from the catalog.")
    return list(dict.fromkeys(event_types))


@transaction.atomic
def create_endpoint(
    organisation: Organisation,
    *,
    url: str,
    event_types: Sequence[str],
    created_by: User | None,
    description: str = "",
) -> NewSecret:
    check_url(url)
    secret = signing.new_secret()
    endpoint = Endpoint.objects.create(
        organisation=organisation,
        url=url,
        description=description,
        event_types=_check_events(event_types),
        secret=secret,
        created_by=created_by,
    )
    return NewSecret(endpoint, secret)


@transaction.atomic
def update_endpoint(
    endpoint: Endpoint, *, url: str, event_types: Sequence[str], description: str, enabled: bool
) -> Endpoint:
    check_url(url)
    endpoint.url, endpoint.description = url, description
    endpoint.event_types = _check_events(event_types)
    endpoint.enabled = enabled
    if enabled:
        endpoint.disabled_reason = ""
        endpoint.auto_disabled_at = None  # enabled by hand: endpoint_health.re_enable resends
    endpoint.save()
    if not enabled:
        endpoint.deliveries.filter(status__in=Delivery.ACTIVE).update(
            status=Delivery.Status.CANCELLED, next_attempt_at=None
        )
    return endpoint


@transaction.atomic
def rotate_secret(endpoint: Endpoint, overlap: timedelta | None = None) -> NewSecret:
    """A new secret signs from now on; the old one signs too until the overlap ends."""
    overlap = settings.WEBHOOKS_SECRET_OVERLAP if overlap is None else overlap
    secret = signing.new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + overlap
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return NewSecret(endpoint, secret)


@transaction.atomic
def send_test_event(endpoint: Endpoint, requested_by: User | None) -> Event:
    if not endpoint.enabled:
        raise WebhookError("This endpoint is disabled: enable it to send events.")
    data = {
        "message": "A test event from Patchbay.",
        "endpoint_id": endpoint.pk,
        "requested_by": requested_by.display_name if requested_by else "",
    }
    return outbox.record(endpoint.organisation_id, TEST_EVENT, data, endpoints=[endpoint])


@transaction.atomic
def resend(delivery: Delivery) -> None:
    """One more attempt now, with the same webhook-id and body; not retried if it fails."""
    if not delivery.is_terminal:
        raise WebhookError("This delivery is still being tried; wait for it to finish.")
    if not delivery.endpoint.enabled:
        raise WebhookError("The endpoint is disabled: enable it before resending.")
    now = timezone.now()
    changed = Delivery.objects.filter(pk=delivery.pk, status=delivery.status).update(
        status=Delivery.Status.PENDING, manual=True, next_attempt_at=now, hinted_at=now
    )
    if changed:
        transaction.on_commit(lambda: outbox.wake([delivery.pk]))
