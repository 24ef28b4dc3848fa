"""Google Calendar's own URLs, under /settings/integrations/google-calendar/ (names in
the integrations namespace)."""

from django.urls import path

from calendars.providers.google import receiver

urlpatterns = [
    path("push/", receiver.notification, name="google-calendar-push"),
]
