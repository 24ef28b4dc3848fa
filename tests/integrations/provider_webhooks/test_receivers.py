"""The receivers: what is verified, what is refused and logged, and what gets woken."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from integrations import syncs
from integrations.models import Connection, SyncRun
from integrations.provider_webhooks import tasks, wakeups
from integrations.provider_webhooks.models import ProviderNotification, SyncWakeup
from tests.conftest import Tenants
from tests.factories import make_user
from tests.integrations.helpers import make_connection
from tests.integrations.provider_webhooks import notify

Outcome = ProviderNotification.Outcome
TENANT_X = "aef86862-2015-4b6b-88bc-d89032cecc50"
TENANT_Y = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
REALM = "9341453050123456"
LATER = timedelta(hours=1)


@pytest.fixture
def provider() -> Client:
    """The provider's server: no session, no CSRF token."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Every sync the two dispatchers start, with its trigger, instead of a broker."""
    started: list[tuple[int, str]] = []

    def delay(connection_id: int, trigger: str = SyncRun.Trigger.SCHEDULE) -> None:
        started.append((connection_id, trigger))

    monkeypatch.setattr(syncs.sync_connection, "delay", delay)
    # The beat tick publishes through one producer for all its messages.
    monkeypatch.setattr(syncs.sync_connection, "apply_async", lambda args, **_: delay(*args))
    return started


def connected(tenants: Tenants, remote_id: str = TENANT_X, **extra: Any) -> Connection:
    """A connection synced recently: its next regular sync is an hour away."""
    extra.setdefault("organisation", tenants.alpha)
    return make_connection(
        extra.pop("organisation"),
        remote_id=remote_id,
        next_sync_at=timezone.now() + LATER,
        **extra,
    )


def dispatch_everything() -> None:
    tasks.dispatch_webhook_syncs()
    syncs.dispatch_due_syncs()


def test_a_burst_of_twenty_makes_one_webhook_run(tenants, provider, dispatched, settings):
    connection = connected(tenants)
    for sequence in range(1, 21):
        answer = notify.post_xero(provider, notify.xero_body(TENANT_X, first=sequence))
        assert answer.status_code == 200
    assert SyncWakeup.objects.filter(connection=connection).count() == 1
    dispatch_everything()
    assert dispatched == []  # not yet: the delay lets the burst settle
    after_delay = timedelta(seconds=settings.WEBHOOK_SYNC_DELAY_SECONDS + 1)
    with time_machine.travel(timezone.now() + after_delay):
        for _ in range(3):
            dispatch_everything()
    assert dispatched == [(connection.pk, SyncRun.Trigger.WEBHOOK)]
    assert not SyncWakeup.objects.exists()
    scheduled = ProviderNotification.objects.filter(outcome=Outcome.SCHEDULED)
    assert scheduled.count() == 20
    assert {tuple(row.connection_ids) for row in scheduled} == {(connection.pk,)}


def test_a_notification_pulls_next_sync_in_once(tenants, provider, settings):
    connection = connected(tenants)
    before = timezone.now()
    notify.post_xero(provider, notify.xero_body(TENANT_X))
    connection.refresh_from_db()
    latest = before + timedelta(
        seconds=settings.WEBHOOK_SYNC_DELAY_SECONDS + settings.WEBHOOK_SYNC_BACKSTOP_SECONDS + 5
    )
    assert connection.schedule.next_sync_at is not None
    assert before < connection.schedule.next_sync_at < latest
    moved = connection.schedule.next_sync_at
    notify.post_xero(provider, notify.xero_body(TENANT_X))
    connection.refresh_from_db()
    assert connection.schedule.next_sync_at == moved  # min(): a later notification never postpones


def test_the_regular_dispatcher_is_the_backstop(tenants, provider, dispatched, settings):
    connection = connected(tenants)
    notify.post_xero(provider, notify.xero_body(TENANT_X))
    wait = settings.WEBHOOK_SYNC_DELAY_SECONDS + settings.WEBHOOK_SYNC_BACKSTOP_SECONDS + 1
    with time_machine.travel(timezone.now() + timedelta(seconds=wait)):
        syncs.dispatch_due_syncs()  # the webhook dispatcher is not running
    assert dispatched == [(connection.pk, SyncRun.Trigger.SCHEDULE)]


def test_a_wake_up_waits_for_a_running_sync_and_then_runs(tenants, provider, dispatched, settings):
    connection = connected(tenants)
    run = SyncRun.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        trigger=SyncRun.Trigger.SCHEDULE,
        started_at=timezone.now() - timedelta(minutes=1),
        lease_expires_at=timezone.now() + timedelta(minutes=5),
    )
    notify.post_xero(provider, notify.xero_body(TENANT_X))
    soon = timezone.now() + timedelta(seconds=settings.WEBHOOK_SYNC_DELAY_SECONDS + 1)
    with time_machine.travel(soon):
        tasks.dispatch_webhook_syncs()
        assert dispatched == []  # mid-run: that run may have read the books already
        run.status = SyncRun.Status.SUCCEEDED
        run.save()
        tasks.dispatch_webhook_syncs()
    assert dispatched == [(connection.pk, SyncRun.Trigger.WEBHOOK)]


def test_a_run_started_after_the_notification_serves_it(tenants, provider, dispatched, settings):
    connection = connected(tenants)
    notify.post_xero(provider, notify.xero_body(TENANT_X))
    SyncRun.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.SUCCEEDED,
        lease_expires_at=timezone.now(),
    )
    soon = timezone.now() + timedelta(seconds=settings.WEBHOOK_SYNC_DELAY_SECONDS + 1)
    with time_machine.travel(soon):
        tasks.dispatch_webhook_syncs()
    assert dispatched == []
    assert not SyncWakeup.objects.exists()


def test_wrong_signature_is_refused_logged_and_schedules_nothing(tenants, provider):
    connection = connected(tenants)
    body = notify.xero_body(TENANT_X)
    answer = notify.post_xero(provider, body, key="not-the-webhook-key")
    assert answer.status_code == 401
    assert answer.content == b""
    refusal = ProviderNotification.objects.get()
    assert (refusal.provider, refusal.outcome) == ("xero", Outcome.REFUSED)
    assert refusal.reason == "signature mismatch"
    assert refusal.remote_addr == "127.0.0.1"
    assert refusal.body_bytes == len(body)
    assert refusal.remote_ids == []  # nothing from an unverified body is kept
    assert not SyncWakeup.objects.exists()
    connection.refresh_from_db()
    assert connection.schedule.next_sync_at is not None
    assert connection.schedule.next_sync_at > timezone.now() + LATER - timedelta(minutes=1)


def test_a_body_changed_after_signing_is_refused(tenants, provider, settings):
    connected(tenants)
    body = notify.xero_body(TENANT_X)
    sig = notify.signature(settings.XERO_WEBHOOK_KEY, body)
    tampered = body.replace(b'"UPDATE"', b'"CREATE"')
    answer = provider.post(
        notify.XERO_URL, tampered, content_type="application/json", HTTP_X_XERO_SIGNATURE=sig
    )
    assert answer.status_code == 401
    assert not SyncWakeup.objects.exists()


def test_missing_header_and_missing_key_are_refused(tenants, provider, settings):
    connected(tenants)
    body = notify.xero_body(TENANT_X)
    assert provider.post(notify.XERO_URL, body, content_type="application/json").status_code == 401
    settings.XERO_WEBHOOK_KEY = ""
    assert notify.post_xero(provider, body, key="").status_code == 401
    reasons = set(ProviderNotification.objects.values_list("reason", flat=True))
    assert reasons == {"no x-xero-signature header", "no key configured (XERO_WEBHOOK_KEY)"}
    assert not SyncWakeup.objects.exists()


@pytest.mark.parametrize("signed_right, status", [(True, 200), (False, 401)])
def test_xero_intent_to_receive(db, provider, settings, signed_right, status):
    body = json.dumps(
        {"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": "ABCDEFGH"}
    ).encode()
    key = settings.XERO_WEBHOOK_KEY if signed_right else "a-key-xero-made-up"
    answer = notify.post_xero(provider, body, key=key)
    assert answer.status_code == status
    assert answer.content == b""
    assert not answer.cookies
    expected = Outcome.INTENT if signed_right else Outcome.REFUSED
    assert ProviderNotification.objects.get().outcome == expected


def test_unknown_tenant_is_ignored_and_recorded(tenants, provider):
    answer = notify.post_xero(provider, notify.xero_body("11111111-2222-3333-4444-555555555555"))
    assert answer.status_code == 200
    record = ProviderNotification.objects.get()
    assert record.outcome == Outcome.IGNORED
    assert record.unknown_remote_ids == ["11111111-2222-3333-4444-555555555555"]
    assert record.connection_ids == []


def test_a_tenant_never_wakes_another_organisations_connection(tenants, provider):
    alpha = connected(tenants, TENANT_X)
    bravo = connected(tenants, TENANT_Y, organisation=tenants.bravo, remote_connection_id="c2")
    bravo_before = bravo.schedule.next_sync_at
    notify.post_xero(provider, notify.xero_body(TENANT_X))
    assert list(SyncWakeup.objects.values_list("connection_id", "organisation_id")) == [
        (alpha.pk, tenants.alpha.pk)
    ]
    bravo.refresh_from_db()
    assert bravo.schedule.next_sync_at == bravo_before


def test_one_delivery_naming_two_tenants_wakes_both(tenants, provider):
    alpha = connected(tenants, TENANT_X)
    bravo = connected(tenants, TENANT_Y, organisation=tenants.bravo, remote_connection_id="c2")
    notify.post_xero(provider, notify.xero_body(TENANT_X, TENANT_Y, TENANT_X))
    record = ProviderNotification.objects.get()
    assert (record.event_count, record.sequence) == (3, "1-3")
    assert sorted(record.connection_ids) == sorted([alpha.pk, bravo.pk])
    assert SyncWakeup.objects.count() == 2


def test_a_provider_slug_is_part_of_the_match(tenants, provider):
    connected(tenants, REALM)  # a Xero connection whose id happens to equal a realm
    notify.post_quickbooks(provider, notify.quickbooks_body(REALM))
    assert not SyncWakeup.objects.exists()


@pytest.mark.parametrize(
    "state", [Connection.State.DISCONNECTED, Connection.State.ERROR], ids=lambda s: s.value
)
def test_a_connection_that_cannot_sync_is_not_woken(tenants, provider, state):
    connection = connected(tenants, state=state)
    answer = notify.post_xero(provider, notify.xero_body(TENANT_X))
    assert answer.status_code == 200
    assert not SyncWakeup.objects.exists()
    assert ProviderNotification.objects.get().outcome == Outcome.IGNORED
    connection.refresh_from_db()
    assert connection.schedule.next_sync_at is not None
    assert connection.schedule.next_sync_at > timezone.now() + timedelta(minutes=30)


def test_a_connection_disconnected_before_its_wake_up_is_dropped(tenants, provider, dispatched):
    connection = connected(tenants)
    notify.post_xero(provider, notify.xero_body(TENANT_X))
    connection.state = Connection.State.DISCONNECTED
    connection.save(update_fields=["state"])
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        dispatch_everything()
    assert dispatched == []
    assert not SyncWakeup.objects.exists()


def test_quickbooks_legacy_notification_wakes_the_realm(tenants, provider):
    connection = connected(tenants, REALM, provider="quickbooks")
    answer = notify.post_quickbooks(provider, notify.quickbooks_body(REALM))
    assert answer.status_code == 200
    assert answer.content == b""
    assert SyncWakeup.objects.get().connection_id == connection.pk
    record = ProviderNotification.objects.get()
    assert (record.provider, record.remote_ids, record.event_count) == ("quickbooks", [REALM], 1)


def test_quickbooks_cloudevents_notification_wakes_the_realm(tenants, provider):
    connection = connected(tenants, REALM, provider="quickbooks")
    body = json.dumps(
        [
            {
                "specversion": "1.0",
                "id": "88cd52a3",
                "source": "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=",
                "type": "qbo.invoice.updated.v1",
                "datacontenttype": "application/json",
                "time": "2026-05-04T09:20:11.000Z",
                "intuitentityid": "130",
                "intuitaccountid": REALM,
                "data": {},
            }
        ]
    ).encode()
    assert notify.post_quickbooks(provider, body).status_code == 200
    assert SyncWakeup.objects.get().connection_id == connection.pk


def test_quickbooks_wrong_signature_is_refused(tenants, provider):
    connected(tenants, REALM, provider="quickbooks")
    answer = notify.post_quickbooks(provider, notify.quickbooks_body(REALM), key="guess")
    assert answer.status_code == 401
    assert ProviderNotification.objects.get().reason == "signature mismatch"
    assert not SyncWakeup.objects.exists()


@pytest.mark.parametrize("body", [b"not json", b'{"events": "nope"}', b"\xff\xfe"])
def test_a_verified_but_unreadable_body_is_a_400_not_a_500(db, provider, body):
    answer = notify.post_xero(provider, body)
    assert answer.status_code == 400
    assert ProviderNotification.objects.get().outcome == Outcome.UNREADABLE


def test_only_post_is_served(db, provider):
    assert provider.get(notify.XERO_URL).status_code == 405
    assert not ProviderNotification.objects.exists()


def test_staff_see_refusals_in_admin(tenants, provider):
    notify.post_xero(provider, notify.xero_body(TENANT_X), key="wrong")
    staff = make_user("staff@patchbay.test")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    page = client.get("/admin/provider_webhooks/providernotification/")
    assert page.status_code == 200
    assert b"signature mismatch" in page.content


def test_old_notifications_are_purged(db, provider, settings):
    notify.post_xero(provider, notify.xero_body(TENANT_X))
    later = timedelta(days=settings.WEBHOOK_NOTIFICATION_RETENTION_DAYS + 1)
    with time_machine.travel(timezone.now() + later):
        notify.post_xero(provider, notify.xero_body(TENANT_X))
        assert tasks.purge_provider_notifications() == 1
    assert ProviderNotification.objects.count() == 1


def test_wake_reports_unknown_ids(tenants):
    connection = connected(tenants)
    woken = wakeups.wake("xero", [TENANT_X, TENANT_Y])
    assert woken.connection_ids == [connection.pk]
    assert woken.unknown_remote_ids == [TENANT_Y]
