"""The integration registry: one declarative entry per integration.

Each entry generates its card on the Integrations page and its URLs. The platform
knows entries only through this module: a kind (accounting, calendars...) subclasses
`Integration` with its own fields and hooks (how a live connection's card looks, how
it syncs) and registers its entries from its AppConfig.ready(). An entry whose
integration is not built yet is ``available=False``: its card says so and offers no
action.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from integrations.providers import load_provider

if TYPE_CHECKING:
    from integrations.cards import Card
    from integrations.models import Connection, SyncRun
    from integrations.provider_webhooks.sources import Source
    from integrations.providers import OAuthProvider
    from tenancy.models import Membership


class Category(StrEnum):
    ACCOUNTING = "Accounting"
    WEBSITE = "Website"
    CALENDARS = "Crew calendars"
    DEVELOPERS = "Custom integrations"


@dataclass(frozen=True)
class DisconnectChoice:
    """A box on the Disconnect confirmation: one of the kind's disconnect_choices."""

    name: str
    label: str
    checked: bool = False


@dataclass(frozen=True)
class DisconnectTerms:
    """What the Disconnect confirmation says is kept and what is revoked, and the
    kind's choices about the rest."""

    kept: list[str]
    revoked: list[str]
    choices: list[DisconnectChoice] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Integration:
    slug: str
    name: str
    category: Category
    description: str
    available: bool = False
    # Who connects it: the organisation (from its card) or each user (from their profile).
    per_user: bool = False
    # Integrations in one exclusive group can't be connected at the same time.
    exclusive_group: str = ""
    # Dotted path of the provider class (integrations.providers.OAuthProvider) once built.
    provider_path: str = ""
    # Dotted path of a URLconf of the integration's own pages, under /<slug>/ (names in
    # the integrations namespace), and the name of its settings page, linked from its card.
    urls_path: str = ""
    settings_url_name: str = ""
    # The page of its calls to the provider, for those who manage connections (a
    # ManagedIntegration's own logs, such as webhook deliveries, for those who read logs).
    logs_url_name: str = ""
    # A per-user integration connected on a page of its own rather than by OAuth (an
    # app-specific password): that page's URL name.
    connect_url_name: str = ""
    # The Disconnect form's choices the kind reads (before_disconnect gets these alone).
    disconnect_choices: tuple[str, ...] = ()
    # How the provider notifies Patchbay of changes, if it does.
    webhook: Source | None = None

    @property
    def connects_by_oauth(self) -> bool:
        return self.available and bool(self.provider_path)

    @property
    def connects(self) -> bool:
        """Can be connected now, by OAuth or on its own connect page."""
        return self.available and bool(self.provider_path or self.connect_url_name)

    @property
    def monogram(self) -> str:
        return "".join(word[0] for word in self.name.split()[:2]).upper()

    @property
    def mark(self) -> str:
        """Its provider's mark, a static file: static/marks/README.md says whose."""
        return f"marks/{self.slug}.svg"

    # The kind's hooks. The platform's defaults are those of an integration that only
    # connects: no sync, and a card built from the connection's health alone.

    @property
    def syncs(self) -> bool:
        return False

    def run_sync(self, connection: Connection, trigger: str, run: SyncRun | None) -> SyncRun:
        raise LookupError(f"{self.name} has no sync.")

    def before_disconnect(self, connection: Connection, choices: Mapping[str, str]) -> None:
        """Keep what the user chose on the Disconnect form (e.g. "remove the events
        Patchbay put in my calendar"), before the connection goes."""

    def leave_at_provider(self, connection: Connection) -> list[str]:
        """The worker's last calls with the connection's credentials (in memory on
        `connection`), before the grant is revoked or the password forgotten: stop
        notifications, remove what the user asked. Returns what failed, for the record."""
        return []

    def connected_card(self, connection: Connection, can_manage: bool) -> Card | None:
        """The kind's card for a live connection, or None for the platform's own."""
        return None

    def disconnect_terms(self, connection: Connection, asked: Mapping[str, str]) -> DisconnectTerms:
        """What disconnecting keeps and revokes, said on the confirmation page; ``asked``
        holds choices already made (e.g. ticked on the kind's own page)."""
        return DisconnectTerms(
            kept=[
                f"Everything already exchanged with {self.name}: nothing is deleted in "
                f"Patchbay or in {connection.remote_name}.",
                "This connection's history: who connected, refreshed and disconnected it, "
                "and when.",
            ],
            revoked=access_revoked(self, connection),
        )


def access_revoked(integration: Integration, connection: Connection) -> list[str]:
    """What a disconnect takes away at once, whatever the kind: Patchbay's calls, and its
    credentials (tokens revoked at the provider, or a password forgotten)."""
    revoked = [f"Patchbay stops calling {integration.name} for {connection.remote_name} at once."]
    if connection.grant_id is not None:
        revoked.append(
            f"Patchbay's access at {integration.name}: it removes {connection.remote_name} "
            f"from its connected apps and revokes its tokens there (unless another of your "
            f"connections still signs in with them)."
        )
    if connection.app_password_id is not None:
        revoked.append(
            "The app-specific password: Patchbay deletes its encrypted copy. You can also "
            f"revoke it in your {integration.name} account settings."
        )
    return revoked


@dataclass(frozen=True, kw_only=True)
class ManagedIntegration(Integration):
    """Managed on a page of its own rather than connected (API access): that page's URL
    name, the page of its logs, its docs, and a function summarising its state."""

    manage_url_name: str = ""
    docs_url_name: str = ""
    status_path: str = ""

    def managed_card(self, membership: Membership) -> Card | None:
        """The kind's own card, when in use / not in use says too little (the website's
        key waiting for its first call, or refused); None for the platform's card."""
        return None


_BY_SLUG: dict[str, Integration] = {}


def register(entries: Iterable[Integration]) -> None:
    """Add a kind's entries (from its AppConfig.ready()); a slug is registered once."""
    for entry in entries:
        if _BY_SLUG.get(entry.slug, entry) != entry:
            raise ValueError(f"Two integrations are registered as {entry.slug!r}.")
        _BY_SLUG[entry.slug] = entry


def unregister(slug: str) -> None:
    """Forget an entry (a test's own integration, once the test is over)."""
    _BY_SLUG.pop(slug, None)
    provider_for.cache_clear()


def registered() -> list[Integration]:
    """Every entry, in category order and, within a category, in registration order."""
    order = list(Category)
    return sorted(_BY_SLUG.values(), key=lambda entry: order.index(entry.category))


def get_integration(slug: str) -> Integration | None:
    return _BY_SLUG.get(slug)


def platform_name(connection: Connection) -> str:
    """The platform a connection is with, as people know it ("Xero", "Google Calendar")."""
    integration = _BY_SLUG.get(connection.provider)
    return integration.name if integration else connection.provider


def syncing_slugs() -> list[str]:
    return [entry.slug for entry in _BY_SLUG.values() if entry.syncs]


def rivals(integration: Integration) -> list[str]:
    """Slugs that can't be connected alongside ``integration`` (its exclusive group)."""
    if not integration.exclusive_group:
        return []
    return [
        other.slug
        for other in _BY_SLUG.values()
        if other.exclusive_group == integration.exclusive_group and other.slug != integration.slug
    ]


@cache
def provider_for(slug: str) -> OAuthProvider:
    integration = _BY_SLUG[slug]
    if not integration.provider_path:
        raise LookupError(f"{integration.name} has no provider yet.")
    return load_provider(integration.provider_path)


def by_category() -> list[tuple[Category, list[Integration]]]:
    entries = registered()
    return [(category, [i for i in entries if i.category == category]) for category in Category]
