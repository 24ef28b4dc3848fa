from __future__ import annotations

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from integrations.models import OAuthGrant
from integrations.vault import decrypt, mask
from tests.conftest import Tenants
from tests.integrations.helpers import make_grant


def raw_columns(grant: OAuthGrant) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM integrations_oauthgrant WHERE id = %s",
            [grant.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0], row[1]


def test_tokens_are_encrypted_at_rest_and_readable_through_the_model(tenants: Tenants) -> None:
    grant = make_grant(tenants.alpha, refresh_token="plain-refresh-value")
    raw_access, raw_refresh = raw_columns(grant)
    assert "plain-refresh-value" not in raw_refresh
    assert grant.access_token not in raw_access
    assert decrypt(raw_refresh) == "plain-refresh-value"
    assert OAuthGrant.objects.get(pk=grant.pk).refresh_token == "plain-refresh-value"


def test_key_rotation_re_encrypts_every_secret_and_the_new_key_works_alone(
    tenants: Tenants,
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(PATCHBAY_ENCRYPTION_KEYS=[old]):
        grants = [
            make_grant(tenants.alpha, subject=f"user-{n}", refresh_token=f"r{n}") for n in range(3)
        ]
        before = [raw_columns(g)[1] for g in grants]
    with override_settings(PATCHBAY_ENCRYPTION_KEYS=[new, old]):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    with override_settings(PATCHBAY_ENCRYPTION_KEYS=[new]):
        after = [raw_columns(g)[1] for g in grants]
        assert all(a != b for a, b in zip(after, before, strict=True))
        assert [OAuthGrant.objects.get(pk=g.pk).refresh_token for g in grants] == ["r0", "r1", "r2"]
        assert Fernet(new.encode()).decrypt(after[0].encode()) == b"r0"


def test_pages_show_at_most_the_last_four_characters_of_a_secret() -> None:
    assert mask("whsec_abcdefgh1234") == "••••1234"
    assert mask("") == ""


def test_app_specific_passwords_are_encrypted_at_rest_and_the_check_forgets_its_copy(
    tenants: Tenants,
) -> None:
    from calendars.models import AccountCheck
    from calendars.providers.icloud.connect import _finish
    from integrations.models import AppPassword

    password = AppPassword.objects.create(
        organisation=tenants.alpha,
        provider="icloud",
        owner=tenants.crew,
        username="crew@icloud.test",
        password="abcd-efgh-ijkl-mnop",
    )
    attempt = AccountCheck.objects.create(
        organisation=tenants.alpha,
        user=tenants.crew,
        provider="icloud",
        username="crew@icloud.test",
        password="abcd-efgh-ijkl-mnop",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM integrations_apppassword WHERE id = %s", [password.pk])
        (stored,) = cursor.fetchone() or ("",)
        cursor.execute("SELECT password FROM calendars_accountcheck WHERE id = %s", [attempt.pk])
        (pending,) = cursor.fetchone() or ("",)
    assert "abcd-efgh" not in stored and decrypt(stored) == "abcd-efgh-ijkl-mnop"
    assert "abcd-efgh" not in pending
    _finish(attempt, AccountCheck.Status.REFUSED, "refused")
    assert AccountCheck.objects.get(pk=attempt.pk).password == ""
