"""How the website's calls have gone, for the WordPress card: last call, test, refusals.

Nothing here writes on every request. "Last call" is written when the rate limiter's
per-key gate opens (a Redis ``SET NX EX`` in the same script that spends the quota:
once a minute per key); the test time and each kind of refusal have gates of their
own (``cache.add``, which is ``SET NX EX`` on Redis). Writes are ``UPDATE``s, which
send no signal, so recording a call never invalidates the public API's cache.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from apikeys.models import WebsiteKey
from tenancy.models import Organisation
from wordpress_bridge.models import WebsiteSettings

GATE_SECONDS = 60
# Longer User-Agents are not the plugin's: nothing is parsed from them.
MAX_USER_AGENT = 512
# PatchbayAvailability/<plugin version> (WordPress/<wp version>; <home_url>)
PLUGIN_AGENT = re.compile(r"PatchbayAvailability/([0-9A-Za-z][0-9A-Za-z.+_-]{0,39})(?:\s|$)")
SITE_PART = re.compile(
    r"\(WordPress/[0-9A-Za-z.+_-]{1,40}; (https?://[^\s;()<>\"']{1,290})\)\s*$", re.ASCII
)


@dataclass(frozen=True)
class Agent:
    plugin_version: str
    site_url: str  # blank when the User-Agent carries no well-formed home URL


def parse_user_agent(value: str | None) -> Agent | None:
    """The plugin's version and site from its User-Agent; None for anything else."""
    if not value or len(value) > MAX_USER_AGENT or not value.startswith("PatchbayAvailability/"):
        return None
    version = PLUGIN_AGENT.match(value)
    if version is None:
        return None
    site = SITE_PART.search(value)
    return Agent(version.group(1), site.group(1) if site else "")


def _gate(name: str) -> bool:
    """True at most once per GATE_SECONDS for ``name`` (always True without a cache)."""
    try:
        return bool(cache.add(f"wp-usage:{name}", 1, GATE_SECONDS))
    except Exception:
        return True


def _update_settings(organisation_id: int, **fields: object) -> None:
    if WebsiteSettings.objects.filter(organisation_id=organisation_id).update(**fields):
        return
    # First call ever: the card's row may not exist yet (nor, from a stale cached key,
    # the organisation itself).
    if Organisation.objects.filter(pk=organisation_id).exists():
        WebsiteSettings.objects.get_or_create(organisation_id=organisation_id, defaults=fields)


def note_call(
    key_id: int, organisation_id: int, origin: str, user_agent: str | None, at: datetime
) -> None:
    """An accepted call. The caller does this only when the limiter's gate opened."""
    WebsiteKey.objects.filter(pk=key_id).update(last_used_at=at, last_used_origin=origin)
    fields: dict[str, object] = {"last_call_at": at, "last_call_origin": origin}
    agent = parse_user_agent(user_agent)
    if agent is not None:
        fields["plugin_version"] = agent.plugin_version
        if agent.site_url:
            fields["site_url"] = agent.site_url
    _update_settings(organisation_id, **fields)


def note_test(key_id: int, organisation_id: int) -> None:
    """GET /site, the plugin's "Test connection": the card counts the site as connected."""
    if _gate(f"tested:{key_id}"):
        _update_settings(organisation_id, tested_at=timezone.now())


def note_refusal(organisation_id: int, kind: str, reason: str) -> None:
    """A refused call the card shows (a replaced key, an origin not allowed)."""
    if _gate(f"refused:{organisation_id}:{kind}"):
        _update_settings(organisation_id, refused_at=timezone.now(), refused_reason=reason[:300])
