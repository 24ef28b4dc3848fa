from django.apps import AppConfig


class GoogleCalendarSandboxConfig(AppConfig):
    name = "sandbox.google_calendar"
    label = "sandbox_google_calendar"
    verbose_name = "Google Calendar sandbox"
    default_auto_field = "django.db.models.BigAutoField"
