"""Operators post and resolve provider incident notes here; the page shows them."""

from django.contrib import admin

from status.models import ProviderIncident


@admin.register(ProviderIncident)
class ProviderIncidentAdmin(admin.ModelAdmin[ProviderIncident]):
    list_display = ["title", "provider", "started_at", "resolved_at"]
    list_filter = ["provider"]
    search_fields = ["title", "body"]
    date_hierarchy = "started_at"
