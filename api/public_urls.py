"""The public availability API, mounted at /api/public/v1/ (docs/public-availability-api.md)."""

from django.urls import URLPattern, path, re_path

from api.views import public
from api.views.docs_public import public_schema

app_name = "public_api"

urlpatterns: list[URLPattern] = [
    path("site", public.SiteView.as_view(), name="site"),
    path("categories", public.CategoriesView.as_view(), name="categories"),
    path("items", public.ItemsView.as_view(), name="items"),
    path("availability", public.AvailabilityView.as_view(), name="availability"),
    path("schema/", public_schema, name="schema"),
    # Anything else under /api/public/v1/ is a problem+json 404, not the site's HTML page.
    re_path(r"^[\s\S]*$", public.not_found),
]
