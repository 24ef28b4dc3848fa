"""Issuing the website key: one active per organisation, shown once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apikeys import tokens
from apikeys.models import WebsiteKey
from tenancy.models import Organisation, User


def active_key(organisation: Organisation) -> WebsiteKey | None:
    return WebsiteKey.objects.filter(organisation=organisation, revoked_at__isnull=True).first()


@transaction.atomic
def issue(organisation: Organisation, actor: User | None = None) -> tuple[WebsiteKey, str]:
    """Revoke the organisation's active website key (if any) and issue a new one.

    Returns the new row and the plaintext, which is never stored: the caller shows it
    once. The old key's revocation commits with the new key, so there is no moment
    with two active keys and none where the site has no key the owner could copy.
    """
    WebsiteKey.objects.select_for_update().filter(
        organisation=organisation, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    plaintext = tokens.generate(tokens.WEBSITE_PREFIX)
    key = WebsiteKey.objects.create(
        organisation=organisation,
        key_hash=tokens.digest(plaintext),
        prefix=tokens.display_prefix(plaintext),
        last4=plaintext[-4:],
        created_by=actor,
    )
    return key, plaintext
