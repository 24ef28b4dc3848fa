from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from integrations import catalog, registry
        from integrations.own_connections import profile_panel
        from tenancy import profile_panels

        registry.register(catalog.PLATFORM_ENTRIES)
        profile_panels.register(profile_panel)
