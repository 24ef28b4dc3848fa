"""URLs generated from the registry: a card URL per integration, and the connect,
callback, choose, details and disconnect URLs of each OAuth integration."""

from django.urls import URLPattern, URLResolver, include, path

from integrations import connection_views, views
from integrations.registry import Integration, registered

app_name = "integrations"


def _card_pattern(i: Integration) -> URLPattern:
    return path(f"{i.slug}/card/", views.card, {"slug": i.slug}, name=f"card-{i.slug}")


def _oauth_patterns(i: Integration) -> list[URLPattern]:
    bound = {"integration": i}
    return [
        path(f"{i.slug}/connect/", connection_views.connect, bound, name=f"connect-{i.slug}"),
        path(f"{i.slug}/callback/", connection_views.callback, bound, name=f"callback-{i.slug}"),
        path(f"{i.slug}/choose/", connection_views.choose, bound, name=f"choose-{i.slug}"),
    ]


def _connection_patterns(i: Integration) -> list[URLPattern]:
    bound = {"integration": i}
    return [
        path(
            f"{i.slug}/connections/<int:pk>/",
            connection_views.detail,
            bound,
            name=f"connection-{i.slug}",
        ),
        path(
            f"{i.slug}/connections/<int:pk>/disconnect/",
            connection_views.disconnect,
            bound,
            name=f"disconnect-{i.slug}",
        ),
    ]


urlpatterns: list[URLPattern | URLResolver] = [path("", views.index, name="index")]
for _integration in registered():
    urlpatterns.append(_card_pattern(_integration))
    if _integration.connects_by_oauth:
        urlpatterns += _oauth_patterns(_integration)
    if _integration.connects:
        urlpatterns += _connection_patterns(_integration)
    if _integration.urls_path:
        urlpatterns.append(path(f"{_integration.slug}/", include(_integration.urls_path)))
