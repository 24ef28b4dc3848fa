from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from integrations import catalog, registry

        registry.register(catalog.PLATFORM_ENTRIES)
