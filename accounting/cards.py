"""The accounting card of a live connection: needs mappings, syncing, or ready, with
its reviews, runs and Sync Now. The platform asks for it through the registry entry."""

from __future__ import annotations

from django.urls import reverse

from accounting.status import sync_status
from integrations.cards import STATE_BADGES, Action, Badge, Card, integration_url
from integrations.models import Connection
from integrations.registry import DisconnectTerms, Integration, access_revoked


def sync_card(integration: Integration, connection: Connection, can_manage: bool) -> Card:
    """The accounting states of a healthy connection: needs mappings, syncing, or ready."""
    status = sync_status(connection)
    details = Action(
        "Details", url=integration_url("connection", integration, pk=connection.pk), primary=False
    )
    choices = Action(
        "Push choices",
        url=reverse("accounting:push_choices", kwargs={"pk": connection.pk}),
        primary=False,
    )
    tail = [details, choices, Action("Sync runs", url=reverse("accounting:runs"), primary=False)]
    if status.open_reviews:
        to_review = Action(f"Review ({status.open_reviews})", url=reverse("accounting:reviews"))
        tail.insert(0, to_review)
    if can_manage:  # a link to the confirmation, which says what is kept and revoked
        disconnect = integration_url("disconnect", integration, pk=connection.pk)
        tail.append(Action("Disconnect", url=disconnect, primary=False))
    if status.needs_mappings:
        mappings_url = reverse("accounting:mappings")
        if connection.legal_entity_id is not None:  # one of several: say which
            mappings_url += f"?connection={connection.pk}"
        mappings = Action("Set up mappings", url=mappings_url)
        detail = f"{connection.remote_name} · map accounts before the first sync"
        badge = STATE_BADGES[connection.state]
        return Card(
            integration, badge, [mappings, *tail], detail, connection, also=Badge.NEEDS_MAPPINGS
        )
    run = status.latest_run
    if run is not None and run.is_running:
        detail = f"{connection.remote_name} · {run.progress_label}"
        return Card(integration, Badge.SYNCING, tail, detail, connection, polling=True)
    head = (
        [
            Action(
                "Sync Now",
                url=reverse("accounting:sync_now", kwargs={"pk": connection.pk}),
                post=True,
            )
        ]
        if can_manage
        else []
    )
    detail = connection.remote_name
    if connection.state == Connection.State.DEGRADED:
        detail = f"{connection.remote_name} · {connection.reason}"
    elif status.failing:
        # What is true now, not what the last run met: records still refused, whichever
        # run first met them (each is retried every run until fixed or excluded).
        records = "record" if status.failing == 1 else "records"
        detail = f"{connection.remote_name} · {status.failing} {records} failing: see Sync runs"
    return Card(integration, STATE_BADGES[connection.state], [*head, *tail], detail, connection)


def disconnect_terms(integration: Integration, connection: Connection) -> DisconnectTerms:
    """An accounting connection: what was synced stays on both sides; syncing and
    Patchbay's access end."""
    return DisconnectTerms(
        kept=[
            f"Everything synced so far: the customers, items, invoices, credit notes and "
            f"payments stay in Patchbay and in {connection.remote_name} at "
            f"{integration.name}. Nothing is deleted on either side.",
            "The sync runs, the audit log of every call, the reviews and this connection's "
            "history.",
        ],
        revoked=[
            "Syncing: no scheduled sync or Sync Now runs, and changes made in Patchbay from "
            f"now on are not sent to {integration.name}.",
            *access_revoked(integration, connection),
        ],
    )
