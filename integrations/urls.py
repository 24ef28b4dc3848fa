"""URLs generated from the registry: one card URL per integration."""

from django.urls import URLPattern, path

from integrations import views
from integrations.registry import INTEGRATIONS

app_name = "integrations"


def _card_patterns() -> list[URLPattern]:
    return [
        path(f"{i.slug}/card/", views.card, {"slug": i.slug}, name=f"card-{i.slug}")
        for i in INTEGRATIONS
    ]


urlpatterns = [
    path("", views.index, name="index"),
    *_card_patterns(),
]
