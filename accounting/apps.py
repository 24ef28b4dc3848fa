from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "accounting"
    verbose_name = "Accounting"

    def ready(self) -> None:
        from accounting import mirror_pages, record_pages, time_pages
        from accounting.registry import ENTRIES
        from integrations import registry

        registry.register(ENTRIES)
        record_pages.register()
        mirror_pages.register()
        time_pages.register()
