from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = "Crew calendars"

    def ready(self) -> None:
        from calendars import triggers
        from calendars.registry import ENTRIES
        from integrations import registry

        registry.register(ENTRIES)
        triggers.connect()
