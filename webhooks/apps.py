from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # The layers below ask for webhooks through ports, never by importing it.
        from operations import events
        from webhooks import outbox

        events.install_writer(outbox.record)
