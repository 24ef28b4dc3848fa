from django.apps import AppConfig


class MicrosoftGraphSandboxConfig(AppConfig):
    name = "sandbox.microsoft_graph"
    label = "sandbox_microsoft_graph"
    verbose_name = "Microsoft Graph sandbox"
    default_auto_field = "django.db.models.BigAutoField"
