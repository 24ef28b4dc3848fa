"""Outlook's own URLs under /settings/integrations/outlook/ (integrations namespace):
where Graph delivers change and lifecycle notifications."""

from django.urls import path

from calendars.providers.outlook import receiver

urlpatterns = [
    path("notifications/", receiver.notifications, name="outlook-notifications"),
    path("lifecycle/", receiver.lifecycle, name="outlook-lifecycle"),
]
