from django.apps import AppConfig


class QuickBooksSandboxConfig(AppConfig):
    name = "sandbox.quickbooks"
    label = "sandbox_quickbooks"
    verbose_name = "QuickBooks Online sandbox"
    default_auto_field = "django.db.models.BigAutoField"
