"""The website key: generated and shown once, regenerated after a confirmation that says
the old key stops at once, and the old key refused from its very next use."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apikeys import tokens, website_keys
from apikeys.models import WebsiteKey
from tests.conftest import Tenants, client_for

KEY = reverse("wordpress_bridge:key")
SETTINGS = reverse("wordpress_bridge:settings")


def _shown_key(body: str) -> str:
    marker = 'data-testid="new-secret" value="'
    start = body.index(marker) + len(marker)
    return body[start : body.index('"', start)]


def test_generating_shows_the_key_once_then_only_its_masked_form(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    response = client.post(KEY)
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0")
    plaintext = _shown_key(response.content.decode())
    assert tokens.well_formed(plaintext, tokens.WEBSITE_PREFIX)
    key = WebsiteKey.objects.get(organisation=tenants.alpha)
    assert key.key_hash == tokens.digest(plaintext)  # only the digest is stored
    assert plaintext not in str(WebsiteKey.objects.filter(pk=key.pk).values().get())
    settings_page = client.get(SETTINGS).content.decode()
    assert plaintext not in settings_page
    assert f"<code>{plaintext[:9]}…{plaintext[-4:]}</code>" in settings_page
    assert "Not used yet" in settings_page


def test_the_regenerate_confirmation_says_the_old_key_stops_at_once(tenants: Tenants) -> None:
    old, _ = website_keys.issue(tenants.alpha)
    body = client_for(tenants.manager).get(KEY).content.decode()
    assert f"Key <code>{old.masked}</code> stops working <strong>at once</strong>" in body
    assert "friendly error" in body
    assert "Regenerate key" in body
    assert WebsiteKey.objects.get().revoked_at is None  # looking changes nothing


def test_regenerating_revokes_the_old_key_in_the_same_transaction(tenants: Tenants) -> None:
    old, old_plaintext = website_keys.issue(tenants.alpha)
    with CaptureQueriesContext(connection) as captured:
        response = client_for(tenants.owner).post(KEY)
    new_plaintext = _shown_key(response.content.decode())
    old.refresh_from_db()
    assert old.revoked_at is not None
    active = website_keys.active_key(tenants.alpha)
    assert active is not None and active.key_hash == tokens.digest(new_plaintext)
    # The old key's digest now finds only a revoked row: refused on its next call.
    looked_up = WebsiteKey.objects.get(key_hash=tokens.digest(old_plaintext))
    assert looked_up.revoked_at is not None
    sql = [query["sql"] for query in captured]
    begin = next(i for i, q in enumerate(sql) if q.startswith("SAVEPOINT") or "BEGIN" in q)
    revoke = next(i for i, q in enumerate(sql) if q.startswith('UPDATE "apikeys_websitekey"'))
    insert = next(i for i, q in enumerate(sql) if q.startswith('INSERT INTO "apikeys_websitekey"'))
    release = next(i for i, q in enumerate(sql) if i > insert and q.startswith("RELEASE"))
    assert begin < revoke < insert < release
    body = response.content.decode()
    assert f"The previous key, <code>{old.masked}</code>, no longer works" in body
    assert f"Key {old.masked} stopped working just now." in body


def test_the_last_use_shows_its_origin_or_says_it_came_from_a_server(tenants: Tenants) -> None:
    key, _ = website_keys.issue(tenants.alpha)
    key.last_used_at = timezone.now() - timedelta(minutes=3)
    key.save()
    client = client_for(tenants.owner)
    assert "from a server" in client.get(SETTINGS).content.decode()
    key.last_used_origin = "https://rentals.example.com"
    key.save()
    assert "from https://rentals.example.com" in client.get(SETTINGS).content.decode()


def test_one_organisations_key_is_never_shown_or_regenerated_by_another(
    tenants: Tenants,
) -> None:
    alpha_key, _ = website_keys.issue(tenants.alpha)
    response = client_for(tenants.outsider).post(KEY)
    assert response.status_code == 201
    alpha_key.refresh_from_db()
    assert alpha_key.revoked_at is None
    page = client_for(tenants.outsider).get(SETTINGS).content.decode()
    assert alpha_key.masked not in page
