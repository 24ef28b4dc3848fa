from django.apps import AppConfig


class SageSandboxConfig(AppConfig):
    name = "sandbox.sage"
    label = "sandbox_sage"
    verbose_name = "Sage sandbox"
    default_auto_field = "django.db.models.BigAutoField"
