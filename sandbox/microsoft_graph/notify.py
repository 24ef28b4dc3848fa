"""Change notifications, really sent over HTTP to the subscriber's URLs.

- Creating a subscription first POSTs `?validationToken=...` to the notification URL
  (and the lifecycle URL): the answer must be 200, text/plain, the token itself, within
  SANDBOX_GRAPH_VALIDATION_TIMEOUT_SECONDS (Graph: 10 s), or the create fails.
- A change to an event in the mailbox is sent after the write commits, one POST per
  subscription, `{"value": [...]}` with `clientState` and `resourceData`.
- Lifecycle events (`reauthorizationRequired`, `subscriptionRemoved`, `missed`) go to
  the lifecycle URL, or the notification URL when there is none.
https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
https://learn.microsoft.com/graph/change-notifications-lifecycle-events
Not emulated: Graph's retries for up to four hours of an unanswered notification.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox.microsoft_graph.models import GraphDelivery, GraphEvent, GraphSubscription, GraphUser

GRAPH_TIME = "%Y-%m-%dT%H:%M:%S.0000000Z"


def handshake(url: str) -> bool:
    """Graph's validation request to `url`: True when answered as Graph requires."""
    token = (
        "Validation: Testing client application reachability for subscription "
        f"Request-Id: {timezone.now().timestamp()}"
    )
    separator = "&" if "?" in url else "?"
    try:
        response = requests.post(
            f"{url}{separator}{urlencode({'validationToken': token})}",
            timeout=float(settings.SANDBOX_GRAPH_VALIDATION_TIMEOUT_SECONDS),
            allow_redirects=False,
        )
    except requests.RequestException:
        GraphDelivery.objects.create(subscription_id="", url=url, kind="validation", status=0)
        return False
    GraphDelivery.objects.create(
        subscription_id="", url=url, kind="validation", status=response.status_code
    )
    plain = response.headers.get("Content-Type", "").startswith("text/plain")
    return response.status_code == 200 and plain and response.text == token


def _resource_matches(subscription: GraphSubscription, event: GraphEvent) -> bool:
    resource = subscription.resource.strip("/").lower()
    user = event.calendar.user
    mailbox = ("me/events", f"users/{user.oid}/events", f"users/{user.email}/events")
    return resource in mailbox or resource.endswith(
        f"calendars/{event.calendar.graph_id.lower()}/events"
    )


def changed(event: GraphEvent, change_type: str) -> None:
    user = event.calendar.user
    subscriptions = [
        s
        for s in GraphSubscription.objects.filter(user=user, expires_at__gt=timezone.now())
        if change_type in s.change_type.split(",") and _resource_matches(s, event)
    ]
    for subscription in subscriptions:
        body = {"value": [_notification(subscription, event, change_type)]}
        _send_after_commit(subscription, subscription.notification_url, "change", body)


def _notification(subscription: GraphSubscription, event: GraphEvent, kind: str) -> dict[str, Any]:
    user = event.calendar.user
    resource = f"Users/{user.oid}/Events/{event.graph_id}"
    return {
        "subscriptionId": subscription.sub_id,
        "subscriptionExpirationDateTime": subscription.expires_at.strftime(GRAPH_TIME),
        "changeType": kind,
        "resource": resource,
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Event",
            "@odata.id": resource,
            "@odata.etag": f'W/"{event.change_key}"',
            "id": event.graph_id,
        },
        "clientState": subscription.client_state,
        "tenantId": user.tenant_id,
    }


def lifecycle(subscription: GraphSubscription, event: str) -> None:
    body = {
        "value": [
            {
                "subscriptionId": subscription.sub_id,
                "subscriptionExpirationDateTime": subscription.expires_at.strftime(GRAPH_TIME),
                "tenantId": subscription.user.tenant_id,
                "clientState": subscription.client_state,
                "lifecycleEvent": event,
            }
        ]
    }
    url = subscription.lifecycle_url or subscription.notification_url
    _send_after_commit(subscription, url, "lifecycle", body)


def remove_subscriptions(user: GraphUser, reason: str = "subscriptionRemoved") -> None:
    for subscription in GraphSubscription.objects.filter(user=user):
        lifecycle(subscription, reason)
        subscription.delete()


def _send_after_commit(
    subscription: GraphSubscription, url: str, kind: str, body: dict[str, Any]
) -> None:
    sub_id = subscription.sub_id

    def send() -> None:
        if settings.SANDBOX_GRAPH_NOTIFY_ASYNC:
            threading.Thread(target=deliver, args=(sub_id, url, kind, body), daemon=True).start()
        else:
            deliver(sub_id, url, kind, body)

    transaction.on_commit(send)


def deliver(sub_id: str, url: str, kind: str, body: dict[str, Any]) -> int:
    try:
        response = requests.post(
            url,
            json=body,
            timeout=float(settings.SANDBOX_GRAPH_NOTIFY_TIMEOUT_SECONDS),
            allow_redirects=False,
        )
        status = response.status_code
    except requests.RequestException:
        status = 0
    GraphDelivery.objects.create(
        subscription_id=sub_id, url=url, kind=kind, body=body, status=status
    )
    return status
