"""What an endpoint can subscribe to: the events operations raises (``operations.events``,
named in Standard Webhooks' dotted style), and the test event only a person sends."""

from __future__ import annotations

from operations.events import EVENT_TYPES

# Sent only by "Send test event", to one endpoint, whatever it subscribes to.
TEST_EVENT = "webhook.test"

CHOICES = [(name, f"{name} — {text}") for name, text in EVENT_TYPES.items()]
