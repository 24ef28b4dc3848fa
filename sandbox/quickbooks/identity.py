"""appcenter.intuit.com, oauth.platform.intuit.com and developer.api.intuit.com in the
sandbox: what Intuit's authorisation server does differently from the core's
(sandbox/core/server.py).

- The person signs in and picks one company; the app gets `code`, `state` and `realmId`.
  The app's connection is per company: one token set covers exactly one realm, and a
  new consent (by anyone) re-authorises it and starts a new five-year hard expiry.
- Client authentication is HTTP Basic or the form; PKCE is not emulated.
- Refresh tokens roll (sandbox/quickbooks/tokens.py): the same value until it is a day
  old, then a new one; a replaced value keeps working for the overlap.
- The revoke endpoint takes JSON ({"token": ...}, Intuit's way) or a form, an access or
  a refresh token: either disconnects the app from the company.
- OpenID Connect: an ID token signed RS256 with a key from the JWKS (signing.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

from sandbox.core.authorize import AuthorizationRequest
from sandbox.core.clients import ClientAuth, RegisteredApp
from sandbox.core.crypto import digest, new_token
from sandbox.core.oauth import OAuthError
from sandbox.core.server import AuthorizationServer, Paths, Pending
from sandbox.quickbooks import clients, conf, scopes, signing, tokens
from sandbox.quickbooks.faults import switch
from sandbox.quickbooks.models import (
    QboAuthorizationCode,
    QboCompany,
    QboConnection,
    QboRefreshPresentation,
    QboToken,
    QboUser,
)
from sandbox.quickbooks.seed import SANDBOX_USER, ensure_demo_world
from tenancy import bounded_json


class CompanyForm(forms.Form):
    company = forms.ModelChoiceField(
        queryset=QboCompany.objects.none(),
        to_field_name="realm_id",
        widget=forms.RadioSelect,
        label="Company",
        empty_label=None,
        error_messages={"required": "Choose the company to connect."},
    )

    def __init__(self, user: QboUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[QboCompany]", self.fields["company"])
        field.queryset = user.companies.order_by("name")

    def chosen(self) -> QboCompany:
        return cast(QboCompany, self.cleaned_data["company"])


class IntuitIdentity(AuthorizationServer):
    namespace = "quickbooks"
    product = "QuickBooks"
    company = signs_in_to = "Intuit"
    purpose = "wants to connect to one of your QuickBooks companies."
    paths = Paths(
        authorize="connect/oauth2",
        sign_in="connect/sign-in",
        consent="connect/consent",
        tokens="oauth2/v1/tokens/bearer",
        revoke="v2/oauth2/tokens/revoke",
    )
    user_model = QboUser
    code_model = QboAuthorizationCode
    token_model = QboToken
    presentation_model = QboRefreshPresentation
    default_user = SANDBOX_USER
    scopes = scopes.KNOWN
    unknown_scope = "Unsupported scope"
    code_related = ("connection__company", "connection__user")
    token_related = ("connection__company",)

    @property
    def brand(self) -> str:
        return "Intuit QuickBooks sandbox"

    def registered_app(self) -> RegisteredApp:
        return clients.registered_app()  # looked up per call: a test may replace it

    def seed(self) -> None:
        ensure_demo_world()

    def consent_step(self, request: HttpRequest, pending: Pending, user: QboUser) -> HttpResponse:
        auth = pending.request
        if request.method == "POST" and request.POST.get("action") == "cancel":
            return self.deny(request, pending)
        form = CompanyForm(user, request.POST if request.method == "POST" else None)
        if form.is_valid():
            company = form.chosen()
            code = grant_access(user, auth, company)
            params = {"code": code, "state": auth.state, "realmId": company.realm_id}
            return self.approve(request, pending, params)
        context = {
            "form": form,
            "app": self.registered_app(),
            "key": pending.key,
            "sandbox_user": user,
            "scopes": self.described(auth.scopes),
        }
        return self.page(request, "sandbox/quickbooks/consent.html", context, form=form)

    def tokens_for_code(
        self, request: HttpRequest, code: QboAuthorizationCode, client: ClientAuth
    ) -> dict[str, Any]:
        return tokens.issue(code.connection, code.scope, issuer=issuer(request), nonce=code.nonce)

    def refresh_outcome(self, token: QboToken | None, client: ClientAuth) -> str:
        return self.refused_refresh(token, client) or tokens.rolling_outcome(cast(QboToken, token))

    def answer_refresh(
        self, request: HttpRequest, token: QboToken, raw: str, outcome: str
    ) -> dict[str, Any]:
        return tokens.answer_refresh(token, raw, outcome)

    def presented_token(self, request: HttpRequest) -> str:
        try:
            sent = (
                bounded_json.loads(request.body or b"{}")
                if "json" in (request.content_type or "")
                else {}
            )
        except ValueError as error:  # malformed, not UTF-8, or nested too deep
            raise OAuthError("invalid_request") from error
        return str(
            (sent if isinstance(sent, dict) else {}).get("token") or request.POST.get("token", "")
        )

    def revoke_token(self, raw: str, client: ClientAuth) -> None:
        """An access or a refresh token ends its connection; any other, nothing."""
        token = QboToken.objects.select_related("connection").filter(token_hash=digest(raw)).first()
        if token is not None and token.connection.client_id == client.client_id:
            revoke_connection(token.connection)

    def openid_configuration(self, request: HttpRequest) -> JsonResponse:
        """Like https://developer.intuit.com/.well-known/openid-sandbox-configuration."""
        return self.discovery(
            request,
            issuer(request),
            jwks_uri=request.build_absolute_uri(reverse("sandbox:quickbooks:jwks")),
            id_token_signing_alg_values_supported=[signing.ALGORITHM],
            claims_supported=["aud", "exp", "iat", "iss", "realmid", "sub"],
        )


server = IntuitIdentity(switch)


def issuer(request: HttpRequest) -> str:
    """The stand-in for https://oauth.platform.intuit.com/op/v1 on the host that served it."""
    return request.build_absolute_uri(reverse("sandbox:quickbooks:jwks")).removesuffix("/jwks")


def connect(user: QboUser, company: QboCompany, client_id: str) -> QboConnection:
    """The app's connection to the company, (re)authorised by `user` now.

    One connection per company and app: a second consent, by anyone, re-authorises it, and
    a new consent starts a new five-year hard-expiry period.
    """
    now = timezone.now()
    with transaction.atomic():
        connection, _ = QboConnection.objects.select_for_update().get_or_create(
            company=company,
            client_id=client_id,
            defaults={"user": user, "created_at": now, "hard_expires_at": _hard_expiry(now)},
        )
        connection.user = user
        connection.revoked_at = None
        connection.hard_expires_at = _hard_expiry(now)
        connection.save(update_fields=["user", "revoked_at", "hard_expires_at"])
    return connection


def grant_access(user: QboUser, request: AuthorizationRequest, company: QboCompany) -> str:
    connection = connect(user, company, request.client_id)
    lifetime = conf.seconds("CODE_SECONDS")
    raw = new_token("AB11")
    return server.new_code(request, lifetime, raw=raw, connection=connection, nonce=request.nonce)


def _hard_expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=conf.seconds("HARD_EXPIRY_SECONDS"))


def revoke_connection(connection: QboConnection) -> None:
    """ "Revoking disconnects the app from the company": every token of the connection
    stops, refresh answers invalid_grant and API calls 401."""
    now = timezone.now()
    with transaction.atomic():
        connection.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        connection.revoked_at = now
        connection.save(update_fields=["revoked_at"])
