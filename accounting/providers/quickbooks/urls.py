"""Included under /settings/integrations/quickbooks/ in the integrations namespace."""

from django.urls import path

from accounting.providers.quickbooks import views

urlpatterns = [
    path("app/", views.app_settings, name="quickbooks-app"),
    path("disconnected/", views.disconnected, name="quickbooks-disconnected"),
]
