from django.apps import AppConfig


class ProviderWebhooksConfig(AppConfig):
    name = "integrations.provider_webhooks"
    label = "provider_webhooks"
    verbose_name = "Provider webhooks in"
