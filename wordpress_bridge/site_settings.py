"""The organisation's website settings row."""

from __future__ import annotations

from tenancy.models import Organisation
from wordpress_bridge.models import WebsiteSettings


def settings_for(organisation: Organisation) -> WebsiteSettings:
    """The one WebsiteSettings of ``organisation``, made on first use (labels mode and
    nothing shown until the owner chooses)."""
    row, _ = WebsiteSettings.objects.get_or_create(organisation=organisation)
    return row


def settings_to_read(organisation: Organisation) -> WebsiteSettings:
    """The settings for a page that only reads them: an unsaved default when there are
    none yet, so looking writes nothing."""
    row = WebsiteSettings.objects.for_organisation(organisation).first()
    return row if row is not None else WebsiteSettings(organisation=organisation)


def touch(row: WebsiteSettings) -> None:
    """Mark the settings changed after a change to their many-to-many rows (shown
    categories, hidden items), which does not move ``updated_at`` by itself: what the
    public API serves may be keyed on it."""
    row.save(update_fields=["updated_at"])
