"""QuickBooks Online as an OAuth 2.0 provider (Intuit's identity platform).

https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0

- The person picks one company on Intuit's consent screen; the callback's ``realmId``
  names it, and the token set covers that company only. A second company is a second
  consent and a second grant, so a grant here is per company (its subject is the realm).
- Access tokens last an hour; refresh tokens roll (100 days from last use) and their
  value changes: integrations.tokens saves the value of every refresh response.
- Client authentication is HTTP Basic (client_secret_basic), no PKCE (Intuit's discovery
  document advertises none). Revocation takes a JSON body.
- Without PKCE, the code is bound to the flow that asked for it through OpenID Connect:
  ``openid`` with a nonce, and an RS256 ID token checked against Intuit's JWKS, whose
  ``realmid`` must be the callback's company (integrations.oidc).
  https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/openid-connect
- An organisation may bring its own Intuit app (client id and secret, encrypted with the
  vault) and point at Intuit's sandbox environment: integrations.models.ProviderApp.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from accounting.providers.quickbooks import client
from accounting.providers.quickbooks.limits import LIMITS
from integrations import http, oauth
from integrations.errors import ProviderError
from integrations.limiter import Limiter
from integrations.models import Connection
from integrations.providers import OAuthProvider, RemoteOrganisation, jwt_claims

ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"
OPENID_SCOPE = "openid"


class QuickBooksProvider(OAuthProvider):
    slug = client.SLUG
    name = "QuickBooks Online"
    scopes = (ACCOUNTING_SCOPE, OPENID_SCOPE)
    uses_pkce = False
    token_endpoint_auth_method = "client_secret_basic"  # noqa: S105 - revoke relies on it
    binds_code_with_nonce = True
    issuer_setting = "QUICKBOOKS_ISSUER"
    jwks_url_setting = "QUICKBOOKS_JWKS_URL"
    refresh_margin = timedelta(minutes=5)
    keepalive_every = timedelta(days=1)
    authorize_url_setting = "QUICKBOOKS_AUTHORIZE_URL"
    token_url_setting = "QUICKBOOKS_TOKEN_URL"  # noqa: S105 - a setting's name
    revocation_url_setting = "QUICKBOOKS_REVOCATION_URL"
    client_id_setting = "QUICKBOOKS_CLIENT_ID"
    client_secret_setting = "QUICKBOOKS_CLIENT_SECRET"  # noqa: S105 - a setting's name
    connects_per_legal_entity = True

    def __init__(
        self, organisation_id: int | None = None, own_id: str = "", own_secret: str = ""
    ) -> None:
        self.organisation_id = organisation_id
        self.own_id = own_id
        self.own_secret = own_secret

    @property
    def client_id(self) -> str:
        return self.own_id or super().client_id

    @property
    def client_secret(self) -> str:
        return self.own_secret or super().client_secret

    def for_organisation(self, organisation_id: int) -> QuickBooksProvider:
        app = client.provider_app(organisation_id)
        if app is None or not app.uses_own_credentials:
            return QuickBooksProvider(organisation_id)
        return QuickBooksProvider(organisation_id, app.client_id, app.client_secret)

    def at_callback(self, token: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        return {**token, "realmId": str(params.get("realmId", ""))}

    def confirm_identity(self, token: dict[str, Any], claims: dict[str, Any]) -> None:
        # The callback's realmId travels in the URL; the signed ID token names the company
        # the consent was for.
        if str(claims.get("realmid") or "") != str(token.get("realmId") or ""):
            raise ProviderError("Intuit's sign-in was for another company than the one named")

    def subject(self, token: dict[str, Any]) -> str:
        # One token set per company: the grant is the company's. The ID token came straight
        # from Intuit's token endpoint, so its realmid names the company even where the
        # callback's realmId (from the browser) is missing or wrong.
        claimed = jwt_claims(str(token.get("id_token") or "")).get("realmid")
        return f"realm:{claimed or token.get('realmId', '')}"

    def organisations(self, token: dict[str, Any]) -> list[RemoteOrganisation]:
        realm = str(token.get("realmId") or "")
        if not realm or self.organisation_id is None:
            raise ProviderError("Intuit's answer named no company (realmId)")
        with Limiter("quickbooks", realm, LIMITS).permit():  # the company's limits too
            info = client.company_info_with(str(token["access_token"]), self.organisation_id, realm)
        name = str(info.get("CompanyName") or info.get("LegalName") or f"Company {realm}")
        return [RemoteOrganisation(remote_id=realm, name=name)]

    def remove_remote_connection(self, connection: Connection) -> None:
        """Nothing to unlink apart from the grant: revoking it disconnects the app."""

    def revoke(self, refresh_token: str) -> None:
        """POST {"token": ...} as JSON with Basic client authentication (Intuit's way):
        authlib's revoke_token can only send a form.
        https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0#revoke-token-disconnect
        """
        response = http.as_client(
            "POST",
            self.revocation_url,
            auth=oauth.client_auth(self),
            target="the revocation endpoint",
            json={"token": refresh_token},
        )
        oauth.judge_revocation(response)

    def check(self, connection: Connection) -> None:
        with Limiter("quickbooks", connection.remote_id, LIMITS).permit():
            client.company_info(connection)
