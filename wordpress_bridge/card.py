"""Where the organisation's website stands, for its card and its settings page.

Not set up (no key), waiting for the plugin's first call, connected (the current key
was used, or the plugin's Test connection succeeded, after it was made), or in error
(calls refused since the last accepted one). The request path fills in the calls;
this module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.urls import reverse

from apikeys.models import WebsiteKey
from apikeys.website_keys import active_key
from integrations.cards import BADGE_LABELS, Action, Badge, Card, clock
from integrations.registry import Integration
from tenancy.models import Membership
from tenancy.roles import Capability
from wordpress_bridge.models import WebsiteSettings
from wordpress_bridge.site_settings import settings_to_read

WHAT_TO_DO_WHEN_REFUSED = (
    "check that WordPress > Settings > Patchbay holds the current website key (if it was "
    "lost, regenerate it here and paste the new one there) and, for a browser widget, that "
    "the site's domain is among the allowed domains"
)


class SiteState(StrEnum):
    NOT_SET_UP = "not-set-up"
    WAITING = "waiting"
    CONNECTED = "connected"
    ERROR = "error"


BADGES = {
    SiteState.NOT_SET_UP: Badge.NOT_SET_UP,
    SiteState.WAITING: Badge.WAITING,
    SiteState.CONNECTED: Badge.CONNECTED,
    SiteState.ERROR: Badge.ERROR,
}


@dataclass(frozen=True)
class Standing:
    state: SiteState
    detail: str

    @property
    def badge(self) -> Badge:
        return BADGES[self.state]

    @property
    def badge_label(self) -> str:
        return BADGE_LABELS[self.badge]


def _after(moment: datetime | None, since: datetime) -> bool:
    return moment is not None and moment > since


def _last_success(site: WebsiteSettings) -> datetime | None:
    moments = [m for m in (site.last_call_at, site.tested_at) if m is not None]
    return max(moments) if moments else None


def _connected_detail(site: WebsiteSettings) -> str:
    parts = [site.site_url or site.last_call_origin or "Called from a server"]
    if site.plugin_version:
        parts.append(f"plugin {site.plugin_version}")
    if site.last_call_at is not None:
        parts.append(f"last call {clock(site.last_call_at)}")
    elif site.tested_at is not None:
        parts.append(f"Test connection passed {clock(site.tested_at)}")
    return " · ".join(parts)


def standing(key: WebsiteKey | None, site: WebsiteSettings) -> Standing:
    if key is None:
        return Standing(
            SiteState.NOT_SET_UP,
            "No website key yet. Generate one in Settings, then install the plugin on your "
            "WordPress site.",
        )
    success = _last_success(site)
    refused = site.refused_at
    if refused is not None and refused >= key.created_at and (success is None or refused > success):
        # A recorded reason says what to do itself (the request path knows which fix fits).
        reason = site.refused_reason or WHAT_TO_DO_WHEN_REFUSED
        return Standing(SiteState.ERROR, f"Calls refused since {clock(refused)}: {reason}.")
    if _after(site.last_call_at, key.created_at) or _after(site.tested_at, key.created_at):
        return Standing(SiteState.CONNECTED, _connected_detail(site))
    return Standing(
        SiteState.WAITING,
        f"Website key {key.masked} is ready. Next: install the plugin in WordPress, paste the "
        "key in Settings > Patchbay and press Test connection.",
    )


def standing_of(membership: Membership) -> Standing:
    organisation = membership.organisation
    return standing(active_key(organisation), settings_to_read(organisation))


def _actions(state: SiteState, membership: Membership) -> list[Action]:
    settings_url = reverse("wordpress_bridge:settings")
    if membership.can(Capability.EDIT_INTEGRATION_SETTINGS):
        label = "Set up" if state == SiteState.NOT_SET_UP else "Settings"
        actions = [Action(label, url=settings_url)]
    elif membership.can(Capability.VIEW_INTEGRATION_SETTINGS):
        actions = [Action("View settings", url=settings_url, primary=False)]
    else:
        return []
    download = reverse("wordpress_bridge:download_plugin")
    actions.append(Action("Download plugin", url=download, primary=False))
    return actions


def website_card(integration: Integration, membership: Membership) -> Card:
    found = standing_of(membership)
    return Card(integration, found.badge, _actions(found.state, membership), found.detail)
