"""Intuit's endpoints under /sandbox/quickbooks/, at Intuit's own paths.

connect/oauth2 stands for appcenter.intuit.com; oauth2/v1/tokens/bearer and op/v1/jwks for
oauth.platform.intuit.com; v2/oauth2/tokens/revoke for developer.api.intuit.com; and
v3/company/{realmId}/... for quickbooks.api.intuit.com. No trailing slashes, as at Intuit.
"""

from django.http import JsonResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from sandbox.quickbooks import signing
from sandbox.quickbooks.entities.registry import KINDS
from sandbox.quickbooks.identity import server
from sandbox.quickbooks.views import accounting, console

app_name = "quickbooks"

COMPANY = "v3/company/<str:realm_id>"


def _entity_patterns() -> list[URLPattern]:
    patterns = []
    for kind in KINDS:
        if kind.slug == "preferences":
            continue
        entity = {"entity": kind.name}
        patterns += [
            path(f"{COMPANY}/{kind.slug}", accounting.entity_write, entity, name=kind.slug),
            path(
                f"{COMPANY}/{kind.slug}/<str:entity_id>",
                accounting.entity_read,
                entity,
                name=f"{kind.slug}-read",
            ),
        ]
    return patterns


urlpatterns = [
    *server.urls(),
    path(
        ".well-known/openid_configuration",
        require_GET(server.openid_configuration),
        name="discovery",
    ),
    # The public keys ID tokens are signed with (https://oauth.platform.intuit.com/op/v1/jwks).
    path("op/v1/jwks", require_GET(lambda request: JsonResponse(signing.jwk_set())), name="jwks"),
    path(f"{COMPANY}/query", accounting.query, name="query"),
    path(f"{COMPANY}/cdc", accounting.cdc, name="cdc"),
    path(f"{COMPANY}/batch", accounting.batch, name="batch"),
    path(f"{COMPANY}/preferences", accounting.preferences, name="preferences"),
    *_entity_patterns(),
    path("console/", console.console.as_view(), name="console"),
]
