"""One receiver per notifying provider, beside that provider's other integration URLs."""

from django.urls import path

from integrations.provider_webhooks import views
from integrations.provider_webhooks.sources import registered_sources

app_name = "provider_webhooks"

urlpatterns = [
    path(f"{source.slug}/webhook/", views.receive, {"source": source}, name=source.slug)
    for source in registered_sources()
]
