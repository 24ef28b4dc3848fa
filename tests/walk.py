"""The URL walk's shared world: every URL pattern of the project, how to build each one's
URL from Alpha's objects, and every kind of visitor. Used by the URL walk (errors and
leaks) and the hostile-input walk (hostile query and form values).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.sdk_files import BY_SLUG
from integrations.models import ConnectionEvent
from operations.models import LegalEntity
from status.models import ProviderIncident
from tenancy.models import Membership, User
from tenancy.roles import Role
from tests import factories
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection
from tests.tenant_rows import Secrets, add_the_rest

ALPHA_MARKER = "ALPHAMARK"
BRAVO_MARKER = "BRAVOMARK"
# On what Alpha's crew member owns (their calendar account): no one else, owners of
# Alpha included, may see it.
CREW_MARKER = "CREWMARK"

# Non-admin URLs whose `pk` is an object: which record of make_every_record it takes.
PK_SOURCES: dict[str, str] = {
    "operations:invoice_detail": "draft_invoice",
    "operations:customer_detail": "customer",
    "operations:invoice_issue": "draft_invoice",
    "operations:payment_create": "invoice",
    "operations:purchase_order_detail": "purchase_order",
    "operations:purchase_order_approve": "purchase_order",
    "operations:purchase_order_receive": "purchase_order",
    "operations:purchase_order_bill": "purchase_order",
    "integrations:connection-icloud": "calendar_connection",
    "integrations:disconnect-icloud": "calendar_connection",
    "integrations:connection-outlook": "calendar_connection",
    "integrations:disconnect-outlook": "calendar_connection",
    "calendars:icloud-check": "account_check",
    "integrations:connection-google-calendar": "calendar_connection",
    "integrations:disconnect-google-calendar": "calendar_connection",
    "calendars:account": "calendar_connection",
    "calendars:choose-calendar": "calendar_connection",
    "calendars:preferences": "calendar_connection",
    "integrations:connection-xero": "connection",
    "integrations:disconnect-xero": "connection",
    "integrations:connection-sage": "connection",
    "integrations:disconnect-sage": "connection",
    "integrations:connection-quickbooks": "connection",
    "integrations:disconnect-quickbooks": "connection",
    "accounting:sync_now": "connection",
    "accounting:record_retry": "connection",
    "accounting:record_exclude": "connection",
    "accounting:record_include": "connection",
    "accounting:mappings_refresh": "connection",
    "accounting:crew_mappings": "connection",
    "accounting:crew_refresh": "connection",
    "operations:timesheet_approve": "timesheet",
    "operations:timesheet_reject": "timesheet",
    "accounting:push_choices": "connection",
    "accounting:include_invoice": "invoice",
    "accounting:include_credit_note": "credit_note",
    "accounting:resolve_review": "review",
    "operations:booking_check_out": "booking",
    "operations:booking_return": "booking",
    "operations:legal_entity_rename": "legal_entity",
    "operations:contract_detail": "contract",
    "operations:contract_edit": "contract",
    "operations:contract_pause": "contract",
    "operations:contract_resume": "contract",
    "operations:contract_end": "contract",
    "apikeys:key_revoke": "api_key",
    "apikeys:key_limits": "api_key",
    "apikeys:webhooks:endpoint_edit": "webhook_endpoint",
    "apikeys:webhooks:endpoint_rotate": "webhook_endpoint",
    "apikeys:webhooks:endpoint_delete": "webhook_endpoint",
    "apikeys:webhooks:endpoint_test": "webhook_endpoint",
    "apikeys:webhooks:endpoint_re_enable": "webhook_endpoint",
    "apikeys:webhooks:delivery_detail": "delivery",
    "apikeys:webhooks:delivery_resend": "delivery",
    "api:customer-detail": "customer",
    "api:equipment-detail": "item",
    "api:equipment-availability": "item",
    "api:project-detail": "project",
    "api:quote-detail": "quote",
    "api:quote-approve": "quote",
    "api:invoice-detail": "invoice",
    "api:credit-note-detail": "credit_note",
    "api:payment-detail": "payment",
    "api:webhook-endpoint-detail": "webhook_endpoint",
    "wordpress_bridge:remove_origin": "allowed_origin",
    "wordpress_bridge:category_items": "category",
}

# Patterns with no name, and the sample path that reaches each (keyed by route).
UNNAMED_SAMPLES: dict[str, str] = {
    "admin/(?P<url>.*)$": "/admin/no-such-admin-page/",
    "api/v1/^[\\s\\S]*$": "/api/v1/no-such-endpoint/",
    "api/public/v1/^[\\s\\S]*$": "/api/public/v1/no-such-endpoint",
}


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    params: frozenset[str]


def _walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += _walk(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern):
            params = set(entry.pattern.regex.groupindex) - set(entry.default_args)
            name = f"{namespace}{entry.name}" if entry.name else None
            routes.append(Route(name, route, frozenset(params)))
    return routes


ROUTES = _walk(get_resolver().url_patterns)


@dataclass
class World:
    tenants: Tenants
    alpha: dict[str, Any]
    staff: User
    by_model: dict[type[Model], Model]
    bravo: dict[str, Any]
    # Bravo's users by role (its owner is tenants.outsider).
    bravo_by_role: dict[str, User]
    # Per organisation pk: the plaintext secrets of its read API key and website key.
    secrets: dict[int, Secrets]


def make_world(tenants: Tenants, settings: Any) -> World:
    # Provider calls (disconnect, revoke) go to a closed loopback port: refused at once.
    for name in (
        "XERO_TOKEN_URL",
        "XERO_REVOCATION_URL",
        "XERO_CONNECTIONS_URL",
        "XERO_API_BASE",
        "SAGE_TOKEN_URL",
        "SAGE_REVOKE_URL",
        "SAGE_API_BASE",
        "QUICKBOOKS_TOKEN_URL",
        "QUICKBOOKS_REVOCATION_URL",
        "QUICKBOOKS_JWKS_URL",
        "QUICKBOOKS_API_BASE",
    ):
        setattr(settings, name, f"http://127.0.0.1:9/{name.lower()}")
    bravo_by_role = _bravo_members(tenants)
    _mark_members(tenants.by_role, ALPHA_MARKER)
    _mark_members(bravo_by_role, BRAVO_MARKER)
    alpha = _organisation_records(tenants.alpha, ALPHA_MARKER, tenants.by_role[Role.CREW])
    alpha.update(_calendar_records(tenants.alpha, tenants.crew, CREW_MARKER))
    bravo = _organisation_records(tenants.bravo, BRAVO_MARKER, bravo_by_role[Role.CREW])
    bravo.update(_calendar_records(tenants.bravo, bravo_by_role[Role.CREW], BRAVO_MARKER))
    secrets = {
        tenants.alpha.pk: add_the_rest(tenants.alpha, ALPHA_MARKER, alpha),
        tenants.bravo.pk: add_the_rest(tenants.bravo, BRAVO_MARKER, bravo),
    }
    tenants.alpha.name = f"Alpha Hire {ALPHA_MARKER}"
    tenants.alpha.save()
    tenants.bravo.name = f"Bravo Hire {BRAVO_MARKER}"
    tenants.bravo.save()
    staff = User.objects.create_superuser("staff@patchbay.test", factories.PASSWORD)
    by_model: dict[type[Model], Model] = {type(obj): obj for obj in alpha.values()}
    by_model[type(tenants.alpha)] = tenants.alpha
    by_model[User] = tenants.owner
    by_model[Membership] = Membership.objects.get(user=tenants.owner)
    by_model[Group] = Group.objects.create(name="Support")
    by_model.update(_axes_records())
    by_model.update(_provider_webhook_records(alpha["connection"]))
    by_model[ProviderIncident] = ProviderIncident.objects.create(
        provider="xero", title="Xero answers slowly", body="Syncs catch up by themselves."
    )
    for model in _line_models():
        by_model[model] = model.objects.filter(organisation=tenants.alpha).first()
    return World(tenants, alpha, staff, by_model, bravo, bravo_by_role, secrets)


def _bravo_members(tenants: Tenants) -> dict[str, User]:
    """Bravo gets a user of every role too (its owner is the outsider to Alpha), so that
    each organisation's every role can be walked with the other's rows present."""
    members = {Role.OWNER.value: tenants.outsider}
    for role in Role:
        if role != Role.OWNER:
            members[role.value] = factories.make_user(
                f"{role.value}@bravo.test", tenants.bravo, role
            )
    return members


def _mark_members(by_role: dict[str, User], marker: str) -> None:
    """People's names are the organisation's rows too (schedules, assignments, logs)."""
    for role, user in by_role.items():
        user.full_name = f"{marker} {role}"
        user.save(update_fields=["full_name"])


def _organisation_records(organisation: Any, marker: str, crew: User) -> dict[str, Any]:
    """One organisation's rows, every one carrying ``marker`` in a field its pages show."""
    records = factories.make_every_record(organisation, marker, crew)
    records["connection"] = make_connection(organisation, remote_name=f"{marker} Xero org")
    records["connection_event"] = ConnectionEvent.objects.create(
        organisation=organisation,
        connection=records["connection"],
        kind="connected",
        message=f"{marker} connected",
    )
    records.update(_sync_records(records["connection"], marker))
    records.update(_api_access_records(organisation, marker))
    records.update(_website_records(organisation, marker, records))
    records["legal_entity"] = LegalEntity.objects.create(
        organisation=organisation, name=f"{marker} Ltd"
    )
    return records


def _api_access_records(organisation: Any, marker: str) -> dict[str, Any]:
    """An API key, a webhook endpoint and a delivery, each carrying ``marker``."""
    from apikeys import services as keys
    from webhooks import outbox
    from webhooks.models import Delivery, Endpoint

    key = keys.create_key(organisation, name=f"{marker} key", scopes={}, created_by=None).key
    endpoint = Endpoint.objects.create(
        organisation=organisation,
        url=f"https://hooks.example.com/{marker}",
        description=f"{marker} hook",
        event_types=["customer.created"],
        secret="whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS13YWxrLW9ubHk=",
    )
    outbox.record(organisation.pk, "customer.created", {"name": marker}, endpoints=[endpoint])
    delivery = Delivery.objects.get(endpoint=endpoint)
    return {"api_key": key, "webhook_endpoint": endpoint, "delivery": delivery}


def _website_records(organisation: Any, marker: str, records: dict[str, Any]) -> dict[str, Any]:
    """A website key, an allowed origin and website settings whose last calls (shown on
    the card and the settings page) carry ``marker``; the category shown, the item hidden."""
    from datetime import timedelta

    from django.utils import timezone

    from apikeys import website_keys
    from wordpress_bridge.models import AllowedOrigin, WebsiteSettings

    key, _ = website_keys.issue(organisation)
    # Issued a day ago, so that any recent call makes a card read as connected: a seeded
    # defect that shows the other organisation's settings then shows its marker, however
    # long the other organisation took to build (a second, under load, was not always
    # enough, and the walk missed the defect).
    type(key).objects.filter(pk=key.pk).update(created_at=timezone.now() - timedelta(days=1))
    origin = AllowedOrigin.objects.create(
        organisation=organisation, origin=f"https://{marker}.example.com"
    )
    # Its Test connection passed "tomorrow": later than any refused call the walk's own
    # requests may record (a refusal newer than the last success turns the card red and
    # hides the site's details, and with them the marker a seeded defect should show).
    site = WebsiteSettings.objects.create(
        organisation=organisation,
        last_call_at=timezone.now() + timedelta(seconds=1),
        tested_at=timezone.now() + timedelta(days=1),
        site_url=f"https://{marker}.example.com",
        plugin_version=f"1.0-{marker}",
    )
    site.shown_categories.add(records["category"])
    site.hidden_items.add(records["item"])
    return {"allowed_origin": origin, "website_settings": site}


def _sync_records(connection: Any, marker: str) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from accounting.models import ExternalRef, RemoteChoices, Review
    from integrations.models import AuditEntry, SyncRun

    org = connection.organisation
    run = SyncRun.objects.create(
        organisation=org,
        connection=connection,
        trigger="manual",
        status="partial",
        errors=[{"message": f"{marker} run error"}],
        lease_expires_at=timezone.now() - timedelta(minutes=1),
    )
    return {
        "sync_run": run,
        "external_ref": ExternalRef.objects.create(
            organisation=org,
            connection=connection,
            entity="invoice",
            local_id=1,
            remote_id="r",
            state=ExternalRef.State.ERROR,
            last_error=f"{marker} push refused",
        ),
        "review": Review.objects.create(
            organisation=org,
            connection=connection,
            kind="conflict",
            entity="customer",
            local_id=1,
            remote_id=f"{marker}-remote",
            patchbay_version={"name": "Patchbay name"},
            ledger_version={"name": f"{marker} ledger name"},
        ),
        "remote_choices": RemoteChoices.objects.create(
            organisation=org,
            connection=connection,
            choices={"accounts": [{"code": "200", "name": f"{marker} Sales"}]},
            fetched_at=timezone.now(),
        ),
        "audit_entry": AuditEntry.objects.create(
            organisation=org,
            connection=connection,
            run=run,
            direction="push",
            entity="invoice",
            method="PUT",
            url=f"https://x/{marker}",
            outcome="created",
        ),
    }


# Object pages of what the crew member owns: only they may open them.
CREW_OWNED = frozenset(
    name
    for name, source in PK_SOURCES.items()
    if source in ("calendar_connection", "account_check")
)


def _calendar_records(org: Any, crew: User, marker: str) -> dict[str, Any]:
    """A crew member's own iCloud account: connection, password, calendar, events."""
    from calendars.models import AccountCheck, CalendarTarget, EventLink
    from integrations.models import AppPassword, Connection

    account = f"{marker}@icloud.test"
    password = AppPassword.objects.create(
        organisation=org, provider="icloud", owner=crew, username=account, password="x" * 16
    )
    connection = Connection.objects.create(
        organisation=org,
        owner=crew,
        provider="icloud",
        remote_id=account,
        remote_name=account,
        app_password=password,
    )
    CalendarTarget.objects.create(
        organisation=org, connection=connection, remote_id="/c/", name=f"{marker} shifts"
    )
    EventLink.objects.create(
        organisation=org, connection=connection, source="assignment", source_id=1, key="pb1"
    )
    check = AccountCheck.objects.create(
        organisation=org,
        user=crew,
        provider="icloud",
        username=account,
        status="connected",
        calendars=[{"remote_id": "/c/", "name": f"{marker} shifts"}],
        connection=connection,
    )
    return {"calendar_connection": connection, "account_check": check}


def _axes_records() -> dict[type[Model], Model]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    who = {"username": "someone@alpha.test", "ip_address": "127.0.0.1", "user_agent": "walk"}
    return {
        AccessAttempt: AccessAttempt.objects.create(**who, failures_since_start=1),
        AccessLog: AccessLog.objects.create(**who),
        AccessFailureLog: AccessFailureLog.objects.create(**who),
    }


def _provider_webhook_records(connection: Any) -> dict[type[Model], Model]:
    from integrations.provider_webhooks.models import ProviderNotification, SyncWakeup

    notification = ProviderNotification.objects.create(provider="xero", outcome="refused")
    wakeup = SyncWakeup.objects.get(connection=connection)  # made by tests/tenant_rows.py
    return {ProviderNotification: notification, SyncWakeup: wakeup}


def _line_models() -> list[type[Any]]:
    from operations.models import CreditNoteLine, InvoiceLine, QuoteLine

    return [QuoteLine, InvoiceLine, CreditNoteLine]


def _admin_model(name: str) -> type[Model]:
    from django.apps import apps

    label = name.removeprefix("admin:").rsplit("_", 1)[0]
    for model in apps.get_models():
        if f"{model._meta.app_label}_{model._meta.model_name}" == label:
            return model
    raise LookupError(label)


def kwargs_for(route: Route, world: World, records: dict[str, Any] | None = None) -> dict[str, Any]:
    """The URL's arguments, from ``records`` (one organisation's; Alpha's by default)."""
    assert route.name is not None
    records = world.alpha if records is None else records
    kwargs: dict[str, Any] = {}
    for param in route.params:
        if param == "pk" and route.name in PK_SOURCES:
            kwargs[param] = records[PK_SOURCES[route.name]].pk
        elif param == "object_id":
            kwargs[param] = world.by_model[_admin_model(route.name)].pk
        elif route.name == "admin:auth_user_password_change":
            kwargs[param] = world.tenants.owner.pk
        elif param == "app_label":
            kwargs[param] = "operations"
        elif route.name.startswith(("sandbox:xero:", "sandbox:quickbooks:")) and param.endswith(
            "_id"
        ):
            # The Xero sandbox's /connections/{id}, /Invoices/{id}, ...: a made-up id.
            kwargs[param] = uuid.UUID(int=0)
        elif route.name.startswith("sandbox:microsoft_graph:"):
            # The Graph sandbox's tenant, user and made-up calendar, event, subscription ids.
            kwargs[param] = {"tenant": "common", "user": "me"}.get(param, "AAMk0")
        elif route.name.startswith("sandbox:google_calendar:"):
            # The Google sandbox's made-up calendar and event ids.
            kwargs[param] = {"calendar_id": "primary"}.get(param, "pb" + "0" * 30)
        elif route.name.startswith("sandbox:sage:") and param == "key":
            # The Sage sandbox's /v3.1/{resource}/{key}: a made-up 32-hex id.
            kwargs[param] = "0" * 32
        elif route.name.startswith("accounting:record_") and param == "entity":
            kwargs[param] = "invoice"
        elif route.name.startswith("accounting:record_") and param == "local_id":
            kwargs[param] = records["invoice"].pk
        elif param == "content_type_id":
            kwargs[param] = ContentType.objects.get_for_model(world.alpha["customer"]).pk
        elif route.name == "api:sdk-download":
            kwargs[param] = BY_SLUG["python"].filename()  # the one library always in the tree
        elif route.name == "password_reset_confirm":
            kwargs.update(uidb64="MQ", token="set-password")
        else:
            pytest.fail(
                f"The URL walk cannot build {route.name} ({route.route}): teach it {param}."
            )
    return kwargs


ADMIN_OBJECT_REDIRECT = re.compile(r"^admin/(\w+)/(\w+)/<path:object_id>/$")


def _unnamed_url(route: Route, world: World) -> str:
    # The admin keeps an unnamed legacy redirect from /<app>/<model>/<id>/ to the change page.
    legacy = ADMIN_OBJECT_REDIRECT.match(route.route)
    if legacy:
        model = _admin_model(f"admin:{legacy[1]}_{legacy[2]}_change")
        return f"/admin/{legacy[1]}/{legacy[2]}/{world.by_model[model].pk}/"
    if route.route not in UNNAMED_SAMPLES:
        pytest.fail(f"Unnamed URL pattern {route.route!r}: name it or add a sample path.")
    return UNNAMED_SAMPLES[route.route]


def url_for(route: Route, world: World, records: dict[str, Any] | None = None) -> str:
    if route.name is None:
        return _unnamed_url(route, world)
    if route.name == "admin:view_on_site":
        return reverse(
            route.name,
            kwargs={
                "content_type_id": ContentType.objects.get_for_model(world.alpha["customer"]).pk,
                "object_id": world.alpha["customer"].pk,
            },
        )
    return reverse(route.name, kwargs=kwargs_for(route, world, records))


def visitors(world: World) -> dict[str, User | None]:
    tenants = world.tenants
    return {
        "anonymous": None,
        **tenants.by_role,
        "outsider": tenants.outsider,
        "staff": world.staff,
    }


def request_as(user: User | None, method: str, url: str) -> Any:
    """A GET, or an empty POST, as `user` (None: anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url) if method == "GET" else client.post(url, {})
