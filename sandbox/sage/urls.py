"""Sage's endpoints under /sandbox/sage/, at Sage's own paths.

oauth2/auth/central stands for www.sageone.com; oauth/token and oauth/revoke for
oauth.accounting.sage.com; v3.1/* for api.accounting.sage.com/v3.1. No trailing
slashes, as at Sage. Each accounting resource gets a collection URL named after it
("sales-invoices") and a member URL ("sales-invoices-key").
"""

from django.urls import URLPattern, path

from sandbox.sage.accounting.endpoints import all_resources
from sandbox.sage.identity import server
from sandbox.sage.views import accounting, api, console

app_name = "sage"


def _resource_urls() -> list[URLPattern]:
    patterns: list[URLPattern] = []
    for resource in all_resources():
        slug = resource.name.replace("_", "-")
        options = {"resource": resource.name}
        patterns += [
            path(f"v3.1/{resource.name}", accounting.collection, options, name=slug),
            path(f"v3.1/{resource.name}/<str:key>", accounting.member, options, name=f"{slug}-key"),
        ]
    for name in ("sales_invoices", "sales_credit_notes"):
        slug = name.replace("_", "-")
        patterns.append(
            path(
                f"v3.1/{name}/<str:key>/release",
                accounting.release,
                {"resource": name},
                name=f"{slug}-release",
            )
        )
    return patterns


urlpatterns = [
    *server.urls(),
    path("v3.1/businesses", api.businesses, name="businesses"),
    path("v3.1/businesses/<str:key>", api.business, name="business"),
    path("v3.1/user", api.user, name="user"),
    path("v3.1/currencies", api.currencies, name="currencies"),
    *_resource_urls(),
    path("console/", console.console.as_view(), name="console"),
]
