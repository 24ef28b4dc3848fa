"""The capability table, role by role, as DESIGN.md states it."""

from __future__ import annotations

import pytest

from tenancy.roles import ROLE_CAPABILITIES, Capability, Role, role_has

C = Capability
EXPECTED = {
    Role.OWNER: set(Capability),
    Role.INTEGRATION_MANAGER: set(Capability) - {C.SET_API_RATE_LIMITS},
    Role.BOOKKEEPER: {
        C.VIEW_INTEGRATIONS,
        C.VIEW_INTEGRATION_SETTINGS,
        C.VIEW_LOGS,
        C.RESOLVE_CONFLICTS,
        C.CONNECT_OWN_CALENDAR,
        C.RECORD_OWN_TIME,
        C.VIEW_INVOICES,
        C.MANAGE_INVOICES,
        C.VIEW_PURCHASE_ORDERS,
    },
    Role.CREW: {C.CONNECT_OWN_CALENDAR, C.RECORD_OWN_TIME},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_exactly_its_capabilities(role: Role) -> None:
    assert set(ROLE_CAPABILITIES[role]) == EXPECTED[role]


def test_bookkeeper_cannot_connect_or_manage_api_access() -> None:
    assert not role_has(Role.BOOKKEEPER, Capability.MANAGE_CONNECTIONS)
    assert not role_has(Role.BOOKKEEPER, Capability.MANAGE_API_ACCESS)
    assert not role_has(Role.BOOKKEEPER, Capability.EDIT_INTEGRATION_SETTINGS)


def test_an_unknown_role_grants_nothing() -> None:
    assert not any(role_has("admin", capability) for capability in Capability)


def test_every_role_records_its_own_time_and_only_managers_approve_it() -> None:
    assert all(role_has(role, C.RECORD_OWN_TIME) for role in Role)
    approvers = {role for role in Role if role_has(role, C.APPROVE_TIMESHEETS)}
    assert approvers == {Role.OWNER, Role.INTEGRATION_MANAGER}
