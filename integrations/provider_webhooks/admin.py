"""Staff see what the providers sent (ids and outcomes, never bodies) and pending wake-ups."""

from django.contrib import admin
from django.http import HttpRequest

from integrations.provider_webhooks.models import ProviderNotification, SyncWakeup


class ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(ReadOnly, admin.ModelAdmin[ProviderNotification]):
    list_display = [
        "received_at",
        "provider",
        "outcome",
        "reason",
        "remote_addr",
        "event_count",
        "body_bytes",
    ]
    list_filter = ["provider", "outcome"]
    search_fields = ["reason", "remote_addr"]
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in ProviderNotification._meta.fields]


@admin.register(SyncWakeup)
class SyncWakeupAdmin(ReadOnly, admin.ModelAdmin[SyncWakeup]):
    list_display = ["connection", "organisation", "first_at", "due_at"]
    list_select_related = ["connection", "organisation"]
    readonly_fields = ["organisation", "connection", "first_at", "due_at"]
