"""Issuing the website key: one active per organisation, shown once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apikeys import tokens, website_key_cache
from apikeys.models import WebsiteKey
from apikeys.website_key_cache import KnownWebsiteKey
from tenancy.models import Organisation, User


def active_key(organisation: Organisation) -> WebsiteKey | None:
    return WebsiteKey.objects.filter(organisation=organisation, revoked_at__isnull=True).first()


@transaction.atomic
def issue(organisation: Organisation, actor: User | None = None) -> tuple[WebsiteKey, str]:
    """Revoke the organisation's active website key (if any) and issue a new one.

    Returns the new row and the plaintext, which is never stored: the caller shows it
    once. The old key's revocation commits with the new key, so there is no moment
    with two active keys and none where the site has no key the owner could copy.
    The public API's cached lookup of the old key is dropped here too (and tombstoned
    on commit), so the old key is refused on its very next call.
    """
    now = timezone.now()
    old = list(
        WebsiteKey.objects.select_for_update()
        .filter(organisation=organisation, revoked_at__isnull=True)
        .values_list("pk", "key_hash")
    )
    if old:
        WebsiteKey.objects.filter(pk__in=[pk for pk, _ in old]).update(revoked_at=now)
        website_key_cache.forget_revoked(
            [digest for _, digest in old],
            [KnownWebsiteKey(pk, organisation.pk, now) for pk, _ in old],
        )
    plaintext = tokens.generate(tokens.WEBSITE_PREFIX)
    key = WebsiteKey.objects.create(
        organisation=organisation,
        key_hash=tokens.digest(plaintext),
        prefix=tokens.display_prefix(plaintext),
        last4=plaintext[-4:],
        created_by=actor,
    )
    return key, plaintext
