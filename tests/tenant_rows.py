"""Every tenant-owned model, found from the app registry, and the rows of it that the
walks' world gives each organisation beyond those tests/walk.py builds.

A model added later is found by ``tenant_models`` at once: the isolation walk's
coverage test fails, naming it, until ``add_the_rest`` (or walk.py) builds a row of it
for both organisations, carrying the organisation's marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils import timezone

from tenancy.models import Organisation


@dataclass(frozen=True)
class Secrets:
    """What the walk sends as the organisation's developer and its website."""

    api_key: str
    website_key: str


def tenant_models() -> list[type[Model]]:
    """Every concrete model whose rows belong to one of Patchbay's organisations."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "organisation"), None)
        if field is not None and field.related_model is Organisation:
            found.append(model)
    return found


def add_the_rest(organisation: Organisation, marker: str, records: dict[str, Any]) -> Secrets:
    """The rows walk.py's builders leave out: repairs, accounting's mappings, cursors,
    settings and ledger balances, calendars' policy, preferences, busy time and read
    cursors, webhook attempts, OAuth states and provider apps; and the keys the walk
    calls the APIs with."""
    _operations_rows(organisation, marker, records)
    _integration_rows(organisation, marker, records)
    _accounting_rows(organisation, marker, records)
    _calendar_rows(organisation, marker, records)
    _webhook_rows(organisation, marker, records)
    _attention_rows(organisation, marker, records)
    return _secrets(organisation, marker)


def _operations_rows(organisation: Organisation, marker: str, records: dict[str, Any]) -> None:
    from operations.models import Booking, EquipmentItem, Repair

    # walk.py hides its item from the website: this one the public API lists.
    records["public_item"] = EquipmentItem.objects.create(
        organisation=organisation,
        category=records["category"],
        name=f"{marker} Speaker",
        stock_quantity=6,
        daily_rate=Decimal("30.00"),
    )
    records["public_booking"] = Booking.objects.create(
        organisation=organisation,
        item=records["public_item"],
        quantity=2,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=1),
    )

    _purchase_order_rows(organisation, marker, records)
    from operations.models import Timesheet

    assignment = records["assignment"]
    records["timesheet"] = Timesheet.objects.create(
        organisation=organisation,
        user=assignment.user,
        project=assignment.project,
        worked_on=date.today(),
        hours=Decimal("7.50"),
        notes=f"{marker} rigging the truss",
    )

    records["repair"] = Repair.objects.create(
        organisation=organisation,
        item=records["item"],
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=2),
        notes=f"{marker} broken lens",
    )
    _contract_rows(organisation, marker, records)


def _contract_rows(organisation: Organisation, marker: str, records: dict[str, Any]) -> None:
    """A recurring contract, its line, and its first period issued by the real scan path."""
    from operations import contracts
    from operations.services import LineInput

    line = LineInput(
        description=f"{marker} PA system",
        unit_price=Decimal("300.00"),
        tax_category=records["tax"],
        income_category=records["income"],
    )
    contract = contracts.create_contract(
        organisation,
        [line],
        name=f"{marker} Warehouse hire",
        customer=records["customer"],
        starts_on=timezone.localdate(),
    )
    assert contracts.issue_next(contract.pk, timezone.now()).issued
    contract.refresh_from_db()
    records["contract"] = contract


def _purchase_order_rows(organisation: Organisation, marker: str, records: dict[str, Any]) -> None:
    from operations.models import Customer, PurchaseOrder, PurchaseOrderLine

    records["supplier"] = Customer.objects.create(
        organisation=organisation, name=f"{marker} Sub-hire Supplier", is_supplier=True
    )
    records["purchase_order"] = PurchaseOrder.objects.create(
        organisation=organisation,
        number=f"{marker}-PO1",
        supplier=records["supplier"],
        booking=records["booking"],
        total=Decimal("120.00"),
    )
    records["purchase_order_line"] = PurchaseOrderLine.objects.create(
        organisation=organisation,
        purchase_order=records["purchase_order"],
        description=f"{marker} sub-hired line array",
        unit_cost=Decimal("100.00"),
        expense_category=records["expense"],
        tax_category=records["tax"],
    )


def _integration_rows(organisation: Organisation, marker: str, records: dict[str, Any]) -> None:
    from integrations.models import OAuthGrant, OAuthState, ProviderApp
    from integrations.provider_webhooks.models import SyncWakeup
    from tenancy.models import Membership

    owner = Membership.objects.filter(organisation=organisation, role="owner").first()
    assert owner is not None
    # The person who granted the connection, as the provider names them.
    OAuthGrant.objects.filter(pk=records["connection"].grant_id).update(
        subject=f"{marker}-xero-user"
    )
    records["oauth_state"] = OAuthState.objects.create(
        organisation=organisation,
        provider="xero",
        state_hash=f"{marker}-state".ljust(64, "0"),
        session_hash="s" * 64,
        user=owner.user,
        redirect_uri=f"https://{marker}.example.com/callback/",
        expires_at=timezone.now() + timedelta(minutes=10),
    )
    records["provider_app"] = ProviderApp.objects.create(
        organisation=organisation,
        provider="quickbooks",
        client_id=f"{marker}-client",
        client_secret="not-a-real-secret",
    )
    records["sync_wakeup"] = SyncWakeup.objects.create(
        organisation=organisation,
        connection=records["connection"],
        first_at=timezone.now(),
        due_at=timezone.now(),
    )


def _accounting_rows(organisation: Organisation, marker: str, records: dict[str, Any]) -> None:
    from accounting.models import (
        AccountMapping,
        CrewChoices,
        CrewMapping,
        ExternalRef,
        IncludedRecord,
        LedgerBalance,
        LedgerDocument,
        PushCursor,
        PushSettings,
        SyncCursor,
    )

    connection, now = records["connection"], timezone.now()
    records["account_mapping"] = AccountMapping.objects.create(
        organisation=organisation,
        connection=connection,
        kind="income",
        local_id=records["income"].pk,
        remote_code="200",
        remote_name=f"{marker} Sales account",
    )
    records["crew_mapping"] = CrewMapping.objects.create(
        organisation=organisation,
        connection=connection,
        user=records["assignment"].user,
        kind="employee",
        remote_id="55",
        remote_name=f"{marker} Employee",
    )
    records["crew_choices"] = CrewChoices.objects.create(
        organisation=organisation,
        connection=connection,
        choices={"people": [{"code": "55", "name": f"{marker} Employee", "kind": "employee"}]},
        fetched_at=now,
    )
    records["sync_cursor"] = SyncCursor.objects.create(
        organisation=organisation, connection=connection, entity="invoice", high_water=now
    )
    records["push_cursor"] = PushCursor.objects.create(
        organisation=organisation,
        connection=connection,
        entity="invoice",
        since=now,
        context=marker,
        full_check_at=now,
    )
    records["push_settings"] = PushSettings.objects.create(
        organisation=organisation, connection=connection
    )
    records["included_record"] = IncludedRecord.objects.create(
        organisation=organisation,
        connection=connection,
        entity="invoice",
        local_id=records["invoice"].pk,
    )
    # The issued invoice, linked in the ledger: the reconciliation compares it with the
    # balance read back from there.
    ExternalRef.objects.update_or_create(
        connection=connection,
        entity="invoice",
        local_id=records["invoice"].pk,
        defaults={
            "organisation": organisation,
            "remote_id": f"{marker}-ledger-invoice",
            "remote_number": f"{marker}-INV",
            "state": ExternalRef.State.LINKED,
        },
    )
    records["ledger_balance"] = LedgerBalance.objects.create(
        organisation=organisation,
        connection=connection,
        local_id=records["invoice"].pk,
        remote_id=f"{marker}-ledger-invoice",
        total=Decimal("120.00"),
        amount_due=Decimal("110.00"),
        status="authorised",
        ledger_status=f"{marker} AUTHORISED",
    )
    mirrored = LedgerDocument.objects.create(
        organisation=organisation,
        connection=connection,
        customer=records["customer"],
        kind="invoice",
        remote_id=f"{marker}-ledger-made-invoice",
        number=f"{marker}-LEDGER-INV",
        currency="GBP",
        total=Decimal("240.00"),
        amount_due=Decimal("240.00"),
        ledger_updated_at=now,
    )
    records["ledger_document"] = mirrored
    LedgerDocument.objects.create(
        organisation=organisation,
        connection=connection,
        customer=records["customer"],
        kind="payment",
        remote_id=f"{marker}-ledger-made-payment",
        number=f"{marker}-LEDGER-PAY",
        currency="GBP",
        total=Decimal("40.00"),
        status="paid",
        invoice=mirrored,
        ledger_updated_at=now,
    )


def _calendar_rows(organisation: Organisation, marker: str, records: dict[str, Any]) -> None:
    from calendars.models import BusyBlock, CalendarPolicy, CalendarPreference, ReadCursor
    from tenancy.models import Membership

    calendar = records["calendar_connection"]
    crew = calendar.owner
    owner = Membership.objects.get(organisation=organisation, role="owner").user
    records["calendar_policy"] = CalendarPolicy.objects.create(
        organisation=organisation, updated_by=owner
    )
    records["calendar_preference"] = CalendarPreference.objects.create(
        organisation=organisation, user=crew
    )
    start = timezone.now() + timedelta(days=3)
    records["busy_block"] = BusyBlock.objects.create(
        organisation=organisation,
        connection=calendar,
        user=crew,
        remote_key=f"{marker}-busy",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    records["read_cursor"] = ReadCursor.objects.create(
        organisation=organisation,
        connection=calendar,
        cursor=f"{marker}-sync-token",
        channel_resource=f"/{marker}/events",
    )


def _webhook_rows(organisation: Organisation, marker: str, records: dict[str, Any]) -> None:
    from webhooks.models import Attempt

    records["attempt"] = Attempt.objects.create(
        organisation=organisation,
        delivery=records["delivery"],
        number=1,
        trigger="scheduled",
        started_at=timezone.now(),
        duration_ms=120,
        url=f"https://hooks.example.com/{marker}",
        response_status=500,
        response_body=f"{marker} receiver failed",
        error=f"{marker} answered 500",
    )


def _attention_rows(organisation: Organisation, marker: str, records: dict[str, Any]) -> None:
    """A notice for those who manage connections (shown on Integrations, the notices
    page and counted in the header), one for the crew member alone, a mail, a
    preference and a weekly summary choice."""
    from attention.models import Notice, NoticeMail, NotificationPreference, WeeklyDigestChoice
    from tenancy.models import Membership

    owner = Membership.objects.filter(organisation=organisation, role="owner").first()
    assert owner is not None
    records["notice"] = Notice.objects.create(
        organisation=organisation,
        kind="connection_error",
        subject_key=str(records["connection"].pk),
        title=f"{marker} Xero org needs Reconnect",
        detail=f"{marker}: Xero refused Patchbay.",
        link="/settings/integrations/",
        capability="manage_connections",
    )
    Notice.objects.create(
        organisation=organisation,
        kind="calendar_reconnect",
        subject_key=str(records["calendar_connection"].pk),
        title=f"Your {marker} calendar needs Reconnect",
        detail=f"{marker}: iCloud refused the password.",
        link="/settings/profile/",
        user=records["calendar_connection"].owner,
    )
    NoticeMail.objects.create(
        organisation=organisation, notice=records["notice"], user=owner.user, phase="opened"
    )
    NotificationPreference.objects.create(
        organisation=organisation, user=owner.user, kind="sync_failing", choice="digest"
    )
    WeeklyDigestChoice.objects.create(organisation=organisation, user=owner.user, wanted=True)


def _secrets(organisation: Organisation, marker: str) -> Secrets:
    from apikeys import website_keys
    from tests.api.helpers import elevate, make_key

    key, secret = make_key(organisation, name=f"{marker} walk key")
    elevate(key)
    website_key, website_secret = website_keys.issue(organisation)
    website_key.last_used_origin = f"https://{marker}.example.com"
    website_key.save(update_fields=["last_used_origin"])
    return Secrets(api_key=secret, website_key=website_secret)
