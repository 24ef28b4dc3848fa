"""Sections other apps add to the user's profile page.

The profile belongs to tenancy, the lowest layer, which imports nothing above it; an
app above (integrations: the user's own calendar connections) registers a function that
renders its section, from its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

Panel = Callable[[HttpRequest], SafeString]
_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def render_all(request: HttpRequest) -> list[SafeString]:
    return [panel(request) for panel in _PANELS]
