"""What each integration card shows: its badge, a detail line and its actions.

Cards render from the registry and the organisation's active connections,
fetched in one query whatever the size of the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.timesince import timesince

from integrations import schedule
from integrations.models import Connection
from integrations.registry import (
    Category,
    Integration,
    ManagedIntegration,
    get_integration,
    provider_for,
    registered,
    rivals,
)
from operations.models import LegalEntity
from tenancy.models import Membership, User
from tenancy.roles import Capability


class Badge(StrEnum):
    NOT_CONNECTED = "not-connected"
    CONNECTED = "connected"
    DEGRADED = "degraded"
    ERROR = "error"
    SYNCING = "syncing"
    NEEDS_MAPPINGS = "needs-mappings"
    # A managed integration with nothing set up yet, or set up and not yet called.
    NOT_SET_UP = "not-set-up"
    WAITING = "waiting"


BADGE_LABELS = {
    Badge.NOT_CONNECTED: "Not Connected",
    Badge.CONNECTED: "Connected",
    Badge.DEGRADED: "Connected, retrying",
    Badge.ERROR: "Error",
    Badge.SYNCING: "Syncing",
    Badge.NEEDS_MAPPINGS: "Needs mappings",
    Badge.NOT_SET_UP: "Not set up",
    Badge.WAITING: "Waiting for first call",
}

STATE_BADGES: dict[str, Badge] = {
    Connection.State.CONNECTED: Badge.CONNECTED,
    Connection.State.DEGRADED: Badge.DEGRADED,
    Connection.State.ERROR: Badge.ERROR,
}


@dataclass(frozen=True)
class Action:
    label: str
    enabled: bool = True
    reason: str = ""
    url: str = ""
    post: bool = False  # a form button (state-changing) rather than a link
    primary: bool = True
    # A form button that first asks which legal entity: (id, name) of each to choose from.
    entities: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Company:
    """One connected company of an integration that connects one per legal entity."""

    entity: str
    card: Card


@dataclass(frozen=True)
class Card:
    integration: Integration
    badge: Badge
    actions: list[Action] = field(default_factory=list)
    detail: str = ""
    connection: Connection | None = None
    polling: bool = False  # re-fetch the card while a sync runs
    # A second badge beside the connection's own, e.g. Needs mappings on a green card.
    also: Badge | None = None
    # One card per company when an integration connects one company per legal entity.
    companies: list[Company] = field(default_factory=list)

    @property
    def also_label(self) -> str:
        return BADGE_LABELS[self.also] if self.also else ""

    @property
    def badge_label(self) -> str:
        return BADGE_LABELS[self.badge]

    @property
    def sync_line(self) -> str:
        return sync_summary(self.connection) if self.connection is not None else ""

    @property
    def status_url(self) -> str:
        """On a red or retrying card of a provider's connection: its entry on the public
        status page, where Patchbay says whether the provider fails for everyone."""
        troubled = self.badge in (Badge.ERROR, Badge.DEGRADED)
        if not troubled or self.connection is None:
            return ""
        return f"{reverse('status:page')}#{self.integration.slug}"

    @property
    def refresh_url(self) -> str:
        return reverse(f"integrations:card-{self.integration.slug}")

    @property
    def dom_id(self) -> str:
        return f"card-{self.integration.slug}"


def clock(moment: datetime) -> str:
    """A time in the organisation's zone (active for the request), with the zone's name:
    "14:15 GMT" today, "7 Dec, 14:15 GMT" another day."""
    local = timezone.localtime(moment)
    today = timezone.localdate()
    shown = f"{local:%H:%M}" if local.date() == today else f"{local.day} {local:%b, %H:%M}"
    return f"{shown} {local.tzname()}"


def sync_summary(connection: Connection) -> str:
    """ "Synced 4 minutes ago · next at 14:15 GMT" for a card."""
    if connection.last_sync_at is not None:
        parts = [f"Synced {timesince(connection.last_sync_at, depth=1)} ago"]
    else:
        parts = ["Not synced yet"]
    next_at = schedule.next_sync_at(connection)
    if next_at is not None:
        parts.append(f"next at {clock(next_at)}")
    return " · ".join(parts)


def integration_url(name: str, integration: Integration, **kwargs: int) -> str:
    """One of the registry-generated URLs of `integration` (connect, connection...)."""
    return reverse(f"integrations:{name}-{integration.slug}", kwargs=kwargs or None)


def _unavailable(integration: Integration, blocker: Connection | None) -> Card:
    if blocker is not None:
        rival = get_integration(blocker.provider)
        reason = (
            f"{rival.name if rival else blocker.provider} is connected ({blocker.remote_name}): "
            f"Patchbay works with one {integration.exclusive_group} platform at a time."
        )
    elif integration.per_user:
        reason = "Calendar connections are not built yet."
    else:
        reason = "This integration is not built yet."
    label = "Connect" if blocker is not None else "Available soon"
    detail = (
        "Each crew member connects their own calendar from their profile."
        if integration.per_user
        else ""
    )
    return Card(
        integration, Badge.NOT_CONNECTED, [Action(label, enabled=False, reason=reason)], detail
    )


def _connected(integration: Integration, connection: Connection, can_manage: bool) -> Card:
    if connection.state != Connection.State.ERROR:
        own = integration.connected_card(connection, can_manage)
        if own is not None:
            return own
    details = integration_url("connection", integration, pk=connection.pk)
    actions = [Action("Details", url=details, primary=False)]
    if connection.state == Connection.State.ERROR:
        detail = connection.reason
        if can_manage:
            actions.insert(
                0, Action("Reconnect", url=integration_url("connect", integration), post=True)
            )
    else:
        detail = connection.remote_name
        if connection.state == Connection.State.DEGRADED:
            detail = f"{connection.remote_name} · {connection.reason}"
    if can_manage:  # a link to the confirmation, which says what is kept and revoked
        disconnect = integration_url("disconnect", integration, pk=connection.pk)
        actions.append(Action("Disconnect", url=disconnect, primary=False))
    return Card(integration, STATE_BADGES[connection.state], actions, detail, connection)


def _not_connected(integration: Integration, can_manage: bool) -> Card:
    if not can_manage:
        reason = "Only owners and integration managers can connect."
        return Card(integration, Badge.NOT_CONNECTED, [Action("Connect", False, reason)])
    return Card(
        integration,
        Badge.NOT_CONNECTED,
        [Action("Connect", url=integration_url("connect", integration), post=True)],
    )


def _managed(integration: ManagedIntegration, membership: Membership) -> Card:
    """An integration with a page of its own (API access): Manage, logs and docs."""
    own = integration.managed_card(membership)
    if own is not None:
        return own
    in_use, detail = import_string(integration.status_path)(membership.organisation)
    if membership.can(Capability.MANAGE_API_ACCESS):
        actions = [Action("Manage", url=reverse(integration.manage_url_name))]
    else:
        reason = "Only owners and integration managers manage API access."
        actions = [Action("Manage", enabled=False, reason=reason)]
    if integration.logs_url_name and membership.can(Capability.VIEW_LOGS):
        actions.append(
            Action("Delivery logs", url=reverse(integration.logs_url_name), primary=False)
        )
    if integration.docs_url_name:
        actions.append(Action("API docs", url=reverse(integration.docs_url_name), primary=False))
    badge = Badge.CONNECTED if in_use else Badge.NOT_CONNECTED
    return Card(integration, badge, actions, detail)


def _connects_per_entity(integration: Integration, membership: Membership) -> bool:
    return (
        integration.connects_by_oauth
        and provider_for(integration.slug).connects_per_legal_entity
        and LegalEntity.objects.for_organisation(membership.organisation).exists()
    )


def _per_entity(
    integration: Integration, membership: Membership, connections: dict[str, Connection]
) -> Card:
    """Each legal entity's company with its own status and actions, and Connect for the
    entities that have none yet."""
    organisation = membership.organisation
    can_manage = membership.can(Capability.MANAGE_CONNECTIONS)
    rows = (
        Connection.objects.for_organisation(organisation)
        .filter(provider=integration.slug, state__in=Connection.ACTIVE_STATES, owner__isnull=True)
        .select_related("legal_entity", "schedule")
        .order_by("legal_entity__name", "pk")
    )
    companies = [
        Company(
            row.legal_entity.name if row.legal_entity else "",
            _connected(integration, row, can_manage),
        )
        for row in rows
    ]
    blocker = next((connections[s] for s in rivals(integration) if s in connections), None)
    if not companies and blocker is not None:
        return _unavailable(integration, blocker)
    taken = {row.legal_entity_id for row in rows}
    free = tuple(
        (entity.pk, entity.name)
        for entity in LegalEntity.objects.for_organisation(organisation)
        if entity.pk not in taken
    )
    actions = []
    if free and can_manage:
        label = "Connect another company" if companies else "Connect"
        actions.append(
            Action(label, url=integration_url("connect", integration), post=True, entities=free)
        )
    badge = companies[0].card.badge if companies else Badge.NOT_CONNECTED
    for company in companies:  # the card shows the worst of its companies
        if company.card.badge in (Badge.ERROR, Badge.DEGRADED):
            badge = company.card.badge
    detail = f"{len(companies)} of {len(companies) + len(free)} legal entities connected"
    polling = any(company.card.polling for company in companies)
    return Card(integration, badge, actions, detail, polling=polling, companies=companies)


def build_card(
    integration: Integration, membership: Membership, connections: dict[str, Connection]
) -> Card:
    card = _build_card(integration, membership, connections)
    if not membership.can(Capability.MANAGE_CONNECTIONS):
        return card
    if integration.settings_url_name:
        card.actions.append(
            Action("Settings", url=reverse(integration.settings_url_name), primary=False)
        )
    if integration.logs_url_name and not isinstance(integration, ManagedIntegration):
        card.actions.append(Action("Calls", url=reverse(integration.logs_url_name), primary=False))
    return card


def _crew_card(integration: Integration, membership: Membership) -> Card:
    """A per-user integration on the organisation's page: how many users connected it and
    how many need to reconnect; never whose account or what is in it."""
    summary = (
        Connection.objects.for_organisation(membership.organisation)
        .filter(provider=integration.slug, owner__isnull=False, state__in=Connection.ACTIVE_STATES)
        .aggregate(
            connected=Count("pk"),
            failing=Count("pk", filter=Q(state=Connection.State.ERROR)),
            last=Max("last_sync_at"),
        )
    )
    connected, failing = summary["connected"], summary["failing"]
    detail = f"{connected} {'person' if connected == 1 else 'people'} connected"
    badge = Badge.CONNECTED if connected else Badge.NOT_CONNECTED
    if failing:
        badge = Badge.ERROR
        detail += f" · {failing} must reconnect from their profile"
    if summary["last"] is not None:
        detail += f" · last sync {timesince(summary['last'])} ago"
    actions = []
    if membership.can(Capability.CONNECT_OWN_CALENDAR):
        actions.append(Action("Connect yours", url=reverse("tenancy:profile"), primary=False))
    return Card(integration, badge, actions, detail)


def own_card(integration: Integration, user: User, connections: dict[str, Connection]) -> Card:
    """A per-user integration as its user sees it on their profile: connected or not,
    with Connect, Reconnect, Details and Disconnect for their own account only."""
    connection = connections.get(integration.slug)
    if connection is not None:
        return _connected(integration, connection, can_manage=True)
    blocker = next((connections[s] for s in rivals(integration) if s in connections), None)
    if blocker is not None or not integration.connects:
        return _unavailable(integration, blocker)
    if integration.connect_url_name:  # its own connect page (an app-specific password)
        connect = Action("Connect", url=reverse(integration.connect_url_name))
        return Card(integration, Badge.NOT_CONNECTED, [connect])
    return _not_connected(integration, can_manage=True)


def own_connections(user: User, organisation_id: int) -> dict[str, Connection]:
    """The user's own active connections in an organisation, per integration (one query)."""
    rows = Connection.objects.filter(
        organisation_id=organisation_id, owner=user, state__in=Connection.ACTIVE_STATES
    ).select_related("schedule")
    return {row.provider: row for row in rows}


def _build_card(
    integration: Integration, membership: Membership, connections: dict[str, Connection]
) -> Card:
    if isinstance(integration, ManagedIntegration):
        return _managed(integration, membership)
    if integration.per_user and integration.connects:
        return _crew_card(integration, membership)
    if _connects_per_entity(integration, membership):
        return _per_entity(integration, membership, connections)
    connection = connections.get(integration.slug)
    can_manage = membership.can(Capability.MANAGE_CONNECTIONS)
    if connection is not None:
        return _connected(integration, connection, can_manage)
    blocker = next((connections[s] for s in rivals(integration) if s in connections), None)
    if blocker is not None or not integration.connects_by_oauth:
        return _unavailable(integration, blocker)
    return _not_connected(integration, can_manage)


def active_connections(membership: Membership) -> dict[str, Connection]:
    """The organisation's own active connection per integration (one query); users' own
    connections (their calendars) are not the organisation's."""
    rows = (
        Connection.objects.for_organisation(membership.organisation)
        .filter(state__in=Connection.ACTIVE_STATES, owner__isnull=True)
        .select_related("schedule")
    )
    return {row.provider: row for row in rows}


def build_cards_by_category(membership: Membership) -> list[tuple[Category, list[Card]]]:
    connections = active_connections(membership)
    cards = [build_card(integration, membership, connections) for integration in registered()]
    return [
        (category, [card for card in cards if card.integration.category == category])
        for category in Category
    ]
