"""Roles and the capabilities they grant: the one place that maps one to the other.

Views ask for a capability, never for a role. The table follows DESIGN.md; the two
operations capabilities stand in for the host application's own permissions.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    INTEGRATION_MANAGER = "integration_manager", "Integration manager"
    BOOKKEEPER = "bookkeeper", "Bookkeeper"
    CREW = "crew", "Crew"


class Capability(StrEnum):
    VIEW_INTEGRATIONS = "view_integrations"
    MANAGE_CONNECTIONS = "manage_connections"
    VIEW_INTEGRATION_SETTINGS = "view_integration_settings"
    EDIT_INTEGRATION_SETTINGS = "edit_integration_settings"
    MANAGE_API_ACCESS = "manage_api_access"
    VIEW_LOGS = "view_logs"
    RESOLVE_CONFLICTS = "resolve_conflicts"
    CONNECT_OWN_CALENDAR = "connect_own_calendar"
    VIEW_INVOICES = "view_invoices"
    MANAGE_INVOICES = "manage_invoices"
    HANDLE_EQUIPMENT = "handle_equipment"
    SET_API_RATE_LIMITS = "set_api_rate_limits"
    SCHEDULE_CREW = "schedule_crew"
    VIEW_PURCHASE_ORDERS = "view_purchase_orders"
    MANAGE_PURCHASE_ORDERS = "manage_purchase_orders"
    RECORD_OWN_TIME = "record_own_time"
    APPROVE_TIMESHEETS = "approve_timesheets"


# Any member records the hours they worked on the projects they are crewed on.
_EVERYONE = frozenset({Capability.CONNECT_OWN_CALENDAR, Capability.RECORD_OWN_TIME})
_BOOKKEEPING = frozenset(
    {
        Capability.VIEW_INTEGRATIONS,
        Capability.VIEW_INTEGRATION_SETTINGS,
        Capability.VIEW_LOGS,
        Capability.RESOLVE_CONFLICTS,
        Capability.VIEW_INVOICES,
        Capability.MANAGE_INVOICES,
        Capability.VIEW_PURCHASE_ORDERS,
    }
)
_ADMINISTRATION = frozenset(
    {
        Capability.MANAGE_CONNECTIONS,
        Capability.EDIT_INTEGRATION_SETTINGS,
        Capability.MANAGE_API_ACCESS,
        # Stand-ins, like the invoice capabilities, for the host's own warehouse and
        # scheduling permissions.
        Capability.HANDLE_EQUIPMENT,
        Capability.SCHEDULE_CREW,
        # Sub-hire spending: owners and integration managers; bookkeepers only view.
        Capability.MANAGE_PURCHASE_ORDERS,
        Capability.APPROVE_TIMESHEETS,
    }
)
# An API key's elevated rate limits are the owner's call alone.
_OWNERSHIP = frozenset({Capability.SET_API_RATE_LIMITS})

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: _EVERYONE | _BOOKKEEPING | _ADMINISTRATION | _OWNERSHIP,
    Role.INTEGRATION_MANAGER: _EVERYONE | _BOOKKEEPING | _ADMINISTRATION,
    Role.BOOKKEEPER: _EVERYONE | _BOOKKEEPING,
    Role.CREW: _EVERYONE,
}


def role_has(role: str, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
