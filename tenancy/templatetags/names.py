"""Names in sentences."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def possessive(name: str) -> str:
    """ "Demo Rentals'" and "Alpha Hire's": a name ending in s takes the apostrophe alone."""
    text = str(name)
    return f"{text}'" if text.endswith(("s", "S")) else f"{text}'s"
