"""Admin for platform staff: links can be cleared so a record pushes again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounting.models import ExternalRef, RemoteChoices


@admin.register(ExternalRef)
class ExternalRefAdmin(admin.ModelAdmin[ExternalRef]):
    list_display = ["entity", "local_id", "remote_id", "state", "connection", "updated_at"]
    list_filter = ["entity", "state"]
    search_fields = ["remote_id", "idempotency_key"]
    list_select_related = ["connection"]
    readonly_fields = ["remote_version", "pushed_fingerprint", "idempotency_key"]
    actions = ["clear_link"]

    @admin.action(description="Clear the link, so the record is pushed again")
    def clear_link(self, request: HttpRequest, queryset: QuerySet[ExternalRef]) -> None:
        # The fix for a draft deleted on the provider's side: the next sync creates it anew.
        cleared, _ = queryset.delete()
        messages.success(request, f"{cleared} link(s) cleared; the next sync pushes them again.")


@admin.register(RemoteChoices)
class RemoteChoicesAdmin(admin.ModelAdmin[RemoteChoices]):
    """What the mappings page offers each connection, to answer "why is this account not
    listed". Read-only: a refresh from the mappings page replaces the copy."""

    list_display = ["connection", "organisation", "counts", "fetched_at", "error"]
    list_filter = ["connection__provider"]
    search_fields = ["connection__remote_name", "organisation__name"]
    list_select_related = ["connection", "organisation"]
    fields = [
        "organisation",
        "connection",
        "fetched_at",
        "refresh_requested_at",
        "error",
        "counts",
        "choices",
    ]

    @admin.display(description="Choices")
    def counts(self, row: RemoteChoices) -> str:
        choices = row.choices if isinstance(row.choices, dict) else {}
        return ", ".join(
            f"{len(options)} {kind.replace('_', ' ')}"
            for kind, options in choices.items()
            if isinstance(options, list)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
