from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from integrations import catalog, registry, schedule
        from integrations.models import Connection
        from integrations.own_connections import profile_panel
        from tenancy import profile_panels

        registry.register(catalog.PLATFORM_ENTRIES)
        profile_panels.register(profile_panel)
        post_save.connect(
            schedule.follow_saved, sender=Connection, dispatch_uid="schedule-follows-connection"
        )
        post_migrate.connect(_reconcile_schedules, sender=self)


def _reconcile_schedules(**_: Any) -> None:
    """After a migrate (each deploy): a provider whose sync came or went with the new code
    has its connections' schedules say so."""
    from integrations import schedule

    schedule.reconcile()
