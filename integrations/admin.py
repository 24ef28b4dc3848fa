"""Read-mostly admin for platform staff. Grants (tokens) are deliberately absent."""

from django.contrib import admin
from django.http import HttpRequest

from integrations.models import AuditEntry, Connection, ConnectionEvent, SyncRun


class ConnectionEventInline(admin.TabularInline[ConnectionEvent, Connection]):
    model = ConnectionEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "message")
    readonly_fields = ("created_at", "kind", "actor", "message")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin[Connection]):
    list_display = [
        "remote_name",
        "provider",
        "organisation",
        "state",
        "connected_at",
        "last_sync_at",
    ]
    list_filter = ["provider", "state"]
    search_fields = ["remote_name", "remote_id", "organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "organisation",
        "provider",
        "remote_id",
        "remote_name",
        "remote_connection_id",
        "grant",
        "connected_by",
        "connected_at",
        "created_at",
        "failure_count",
        "retry_at",
        "last_error",
    ]
    inlines = [ConnectionEventInline]


@admin.register(ConnectionEvent)
class ConnectionEventAdmin(admin.ModelAdmin[ConnectionEvent]):
    list_display = ["created_at", "kind", "connection", "actor"]
    list_filter = ["kind"]
    list_select_related = ["connection", "actor"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the audit trail is append-only

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin[SyncRun]):
    list_display = ["pk", "connection", "trigger", "status", "phase", "started_at", "finished_at"]
    list_filter = ["status", "trigger"]
    list_select_related = ["connection"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["id", "created_at", "entity", "method", "status_code", "outcome"]
    list_filter = ["entity", "outcome"]
    list_select_related = ["connection"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # append-only

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
