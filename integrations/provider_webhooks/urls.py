"""One receiver per notifying provider, beside that provider's other integration URLs."""

from django.urls import path

from integrations.provider_webhooks import views
from integrations.provider_webhooks.sources import SOURCES

app_name = "provider_webhooks"

urlpatterns = [
    path(f"{slug}/webhook/", views.receive, {"source": source}, name=slug)
    for slug, source in SOURCES.items()
]
