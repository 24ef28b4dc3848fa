from django.apps import AppConfig


class XeroWebhooksSandboxConfig(AppConfig):
    name = "sandbox.xero.webhooks"
    label = "sandbox_xero_webhooks"
    verbose_name = "Xero sandbox: webhooks"
