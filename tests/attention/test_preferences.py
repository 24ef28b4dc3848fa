"""Each member's choice per kind: immediately, a daily digest, or off; the header's count
and the notices page; the preferences page for each role."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from apikeys import services as keys
from attention.digest import send_daily
from attention.kinds import Kind
from attention.scan import scan
from tests.attention.helpers import recipients, subjects_to
from tests.conftest import Tenants, client_for

PREFERENCES = "/settings/notifications/preferences/"


def choose(client: object, **choices: str) -> None:
    form = {kind: "immediately" for kind in Kind.values} | choices
    answer = client.post(PREFERENCES, form)  # type: ignore[attr-defined]
    assert answer.status_code == 302, answer.content.decode()


def expiring_key(tenants: Tenants) -> int:
    key = keys.create_key(
        tenants.alpha,
        name="Till",
        scopes={},
        created_by=None,
        expires_at=timezone.now() + timedelta(days=3),
    ).key
    return key.pk


def test_digest_readers_get_one_daily_mail_and_off_means_no_mail_but_the_notice_shows(
    tenants: Tenants,
) -> None:
    choose(client_for(tenants.manager), api_key_expiring="digest")
    key_id = expiring_key(tenants)

    scan()

    assert recipients("API key Till") == ["owner@alpha.test"]  # the manager waits
    assert send_daily() == 1
    assert send_daily() == 0  # nothing new since
    [digest] = [m for m in mail.outbox if "Daily digest" in m.subject]
    assert digest.to == ["integration_manager@alpha.test"]
    assert "Open: API key Till" in digest.body

    client_for(tenants.owner).post(f"/settings/api/keys/{key_id}/revoke/")
    scan()
    assert recipients("Recovered: API key Till") == ["owner@alpha.test"]
    assert send_daily() == 1
    assert "Recovered: API key Till" in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["integration_manager@alpha.test"]


def test_off_sends_nothing_while_the_header_still_counts_the_notice(tenants: Tenants) -> None:
    manager = client_for(tenants.manager)
    choose(manager, api_key_expiring="off")
    expiring_key(tenants)

    scan()
    send_daily()

    assert subjects_to("integration_manager@alpha.test") == []
    page = manager.get("/settings/integrations/").content.decode()
    assert 'data-testid="header-notice-count"' in page and "API key Till" in page
    notices = manager.get("/settings/notifications/").content.decode()
    assert "API key Till" in notices
    crew = client_for(tenants.crew).get("/settings/notifications/").content.decode()
    assert "API key Till" not in crew and "Nothing needs your attention" in crew


def test_each_role_chooses_only_the_kinds_it_can_act_on(tenants: Tenants) -> None:
    crew = client_for(tenants.crew).get(PREFERENCES).content.decode()
    books = client_for(tenants.bookkeeper).get(PREFERENCES).content.decode()
    owner = client_for(tenants.owner).get(PREFERENCES).content.decode()

    assert "Your calendar needs Reconnect" in crew and "API key" not in crew
    assert "Reviews or conflicts waiting" in books and "Weekly accounting summary" in books
    assert "A connection needs Reconnect" not in books
    assert "A connection needs Reconnect" in owner and "Security: owners cannot" in owner


def test_anonymous_visitors_are_sent_to_sign_in(client: object) -> None:
    answer = client.get(PREFERENCES)  # type: ignore[attr-defined]
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
