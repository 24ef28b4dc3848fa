from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # The layers below ask for webhooks through ports, never by importing it.
        from apikeys import webhook_endpoints
        from operations import events
        from webhooks import outbox
        from webhooks.access import Endpoints

        events.install_writer(outbox.record)
        webhook_endpoints.install(Endpoints())
