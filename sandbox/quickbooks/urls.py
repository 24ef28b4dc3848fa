"""Intuit's endpoints under /sandbox/quickbooks/, at Intuit's own paths.

connect/oauth2 stands for appcenter.intuit.com; oauth2/v1/tokens/bearer and op/v1/jwks for
oauth.platform.intuit.com; v2/oauth2/tokens/revoke for developer.api.intuit.com; and
v3/company/{realmId}/... for quickbooks.api.intuit.com. No trailing slashes, as at Intuit.
"""

from django.urls import URLPattern, path

from sandbox.quickbooks.entities.registry import KINDS
from sandbox.quickbooks.views import accounting, authorize, console, identity

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
    path("connect/oauth2", authorize.authorize, name="authorize"),
    path("connect/sign-in", authorize.sign_in, name="sign-in"),
    path("connect/consent", authorize.consent, name="consent"),
    path("oauth2/v1/tokens/bearer", identity.token, name="token"),
    path("v2/oauth2/tokens/revoke", identity.revoke, name="revoke"),
    path(".well-known/openid_configuration", identity.discovery, name="discovery"),
    path("op/v1/jwks", identity.jwks, name="jwks"),
    path(f"{COMPANY}/query", accounting.query, name="query"),
    path(f"{COMPANY}/cdc", accounting.cdc, name="cdc"),
    path(f"{COMPANY}/batch", accounting.batch, name="batch"),
    path(f"{COMPANY}/preferences", accounting.preferences, name="preferences"),
    *_entity_patterns(),
    path("console/", console.console, name="console"),
]
