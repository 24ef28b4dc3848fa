"""login.xero.com and identity.xero.com in the sandbox: what Xero's authorisation server
does differently from the core's (sandbox/core/server.py).

- Consent connects the organisations the person ticks, under one auth event; the code
  comes back with the granted `scope`. Sign-in is never remembered.
- PKCE is S256 only, checked to the letter; a client that sends no secret is a public
  (PKCE) client, and stays one for the refresh tokens descended from its code.
- A replayed code revokes every token descended from it (RFC 6749, 4.1.2).
- Refresh tokens rotate on every use; the one just replaced stays usable for
  SANDBOX_XERO_REFRESH_GRACE_SECONDS (Xero: 30 minutes) in case the client lost the
  answer, and a replay within it gets a fresh set while the earlier set stays valid.
- Revoking a refresh token revokes the whole user+app grant and its connections; an
  access token, only itself.
https://developer.xero.com/documentation/guides/oauth2/auth-flow/
https://developer.xero.com/faq/oauth2
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

from sandbox.core.authorize import AuthorizationRequest, Pkce, ScopeError
from sandbox.core.clients import ClientAuth, ClientAuthentication, InvalidClient, RegisteredApp
from sandbox.core.crypto import digest
from sandbox.core.server import ROTATED, AuthorizationServer, Paths, Pending
from sandbox.xero import scopes, tokens
from sandbox.xero.faults import switch
from sandbox.xero.models import (
    XeroAuthorizationCode,
    XeroConnection,
    XeroGrant,
    XeroOrganisation,
    XeroRefreshPresentation,
    XeroToken,
    XeroUser,
)
from sandbox.xero.seed import SANDBOX_USER, ensure_demo_world

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def registered_app() -> RegisteredApp:
    """The one app registered with the sandbox's Xero, read per request (tests override)."""
    return RegisteredApp(
        client_id=str(settings.XERO_CLIENT_ID),
        client_secret=str(settings.XERO_CLIENT_SECRET),
        redirect_uris=tuple(settings.SANDBOX_XERO_REDIRECT_URIS),
    )


class ConsentForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        queryset=XeroOrganisation.objects.none(),
        to_field_name="tenant_id",
        widget=forms.CheckboxSelectMultiple,
        label="Organisations",
        error_messages={"required": "Choose at least one organisation to connect."},
    )

    def __init__(self, user: XeroUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(
            "forms.ModelMultipleChoiceField[XeroOrganisation]", self.fields["organisations"]
        )
        field.queryset = user.organisations.order_by("name")

    def chosen(self) -> list[XeroOrganisation]:
        return list(self.cleaned_data["organisations"])


class XeroIdentity(AuthorizationServer):
    namespace = "xero"
    product = company = signs_in_to = "Xero"
    purpose = "wants to connect to your Xero organisations."
    paths = Paths(
        authorize="identity/connect/authorize",
        sign_in="identity/sign-in",
        consent="identity/consent",
        tokens="identity/connect/token",
        revoke="identity/connect/revocation",
        revoke_name="revocation",
    )
    user_model = XeroUser
    code_model = XeroAuthorizationCode
    token_model = XeroToken
    presentation_model = XeroRefreshPresentation
    default_user = SANDBOX_USER
    scopes = scopes.PLAIN_WORDS
    pkce = Pkce(("S256",), strict=True)
    clients = ClientAuthentication(basic=True, public_clients=True)
    basic_realm = "xero-sandbox"
    code_related = ("grant__user",)
    token_related = ("grant__user", "code")

    def registered_app(self) -> RegisteredApp:
        return registered_app()

    def seed(self) -> None:
        ensure_demo_world()

    def scope_problem(self, requested: list[str]) -> ScopeError | None:
        if any(scope in scopes.RESTRICTED for scope in requested):
            return ScopeError("unauthorized_client", "Invalid scope for client")
        return super().scope_problem(requested)

    def consent_step(self, request: HttpRequest, pending: Pending, user: XeroUser) -> HttpResponse:
        if request.method == "POST" and request.POST.get("action") == "cancel":
            return self.deny(request, pending)
        form = ConsentForm(user, request.POST if request.method == "POST" else None)
        if form.is_valid():
            code = grant_access(user, pending.request, form.chosen())
            return self.approve(request, pending, {"code": code, "scope": pending.request.scope})
        connected = XeroConnection.objects.filter(
            grant__user=user, grant__client_id=pending.request.client_id
        ).values_list("organisation__tenant_id", flat=True)
        context = {
            "form": form,
            "app": self.registered_app(),
            "key": pending.key,
            "sandbox_user": user,
            "scopes": self.described(pending.request.scopes),
            "connected": {str(tenant_id) for tenant_id in connected},
            "chosen": set(request.POST.getlist("organisations")),
        }
        return self.page(request, "sandbox/xero/consent.html", context, form=form)

    def tokens_for_code(
        self, request: HttpRequest, code: XeroAuthorizationCode, client: ClientAuth
    ) -> dict[str, Any]:
        family = tokens.Family.of_code(code, public_client=not client.secret_verified)
        return tokens.issue(family, issuer(request), self.registered_app())

    def code_replayed(self, code: XeroAuthorizationCode) -> None:
        code.tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    def refresh_outcome(self, token: XeroToken | None, client: ClientAuth) -> str:
        grace = int(settings.SANDBOX_XERO_REFRESH_GRACE_SECONDS)
        return self.refused_refresh(token, client) or self.rotation(token, grace)

    def answer_refresh(
        self, request: HttpRequest, token: XeroToken, raw: str, outcome: str
    ) -> dict[str, Any]:
        if outcome == ROTATED:
            # The grace period runs from the first rotation; replays do not extend it.
            token.rotated_at = timezone.now()
            token.save(update_fields=["rotated_at"])
        family = tokens.Family.of_token(token)
        return tokens.issue(family, issuer(request), self.registered_app(), parent=token)

    def revoke_token(self, raw: str, client: ClientAuth) -> None:
        """An unknown or another app's token is silently ignored (RFC 7009)."""
        token = XeroToken.objects.select_related("grant").filter(token_hash=digest(raw)).first()
        if token is None or token.grant.client_id != client.client_id:
            return
        if not client.secret_verified and not token.public_client:
            raise InvalidClient(client.used_basic, client.client_id)
        if token.kind == XeroToken.Kind.REFRESH:
            revoke_grant(token.grant)
        elif token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])

    def openid_configuration(self, request: HttpRequest) -> JsonResponse:
        """Like https://identity.xero.com/.well-known/openid-configuration, minus the
        JWKS: the sandbox signs with HS256, not Xero's published RSA keys."""
        return self.discovery(
            request, issuer(request), id_token_signing_alg_values_supported=["HS256"]
        )


server = XeroIdentity(switch)


def issuer(request: HttpRequest) -> str:
    """The sandbox's stand-in for https://identity.xero.com, on whatever host served it."""
    discovery = request.build_absolute_uri(reverse("sandbox:xero:discovery"))
    return discovery.removesuffix(DISCOVERY_SUFFIX)


def grant_access(
    user: XeroUser, request: AuthorizationRequest, organisations: Iterable[XeroOrganisation]
) -> str:
    """Connect each organisation under one new auth event; return a single-use code."""
    now = timezone.now()
    auth_event_id = uuid.uuid4()
    with transaction.atomic():
        grant, _ = XeroGrant.objects.select_for_update().get_or_create(
            user=user, client_id=request.client_id, defaults={"created_at": now}
        )
        if grant.revoked_at is not None:
            # A consent after a revocation authorises the app again.
            grant.revoked_at = None
            grant.save(update_fields=["revoked_at"])
        for organisation in organisations:
            _connect(grant, organisation, auth_event_id, now)
        return server.new_code(
            request,
            int(settings.SANDBOX_XERO_CODE_SECONDS),
            grant=grant,
            code_challenge=request.code_challenge,
            nonce=request.nonce,
            auth_event_id=auth_event_id,
        )


def _connect(
    grant: XeroGrant, organisation: XeroOrganisation, auth_event_id: uuid.UUID, now: datetime
) -> None:
    connection, created = XeroConnection.objects.get_or_create(
        grant=grant,
        organisation=organisation,
        defaults={"auth_event_id": auth_event_id, "created_at": now, "updated_at": now},
    )
    if not created:
        # A reconnect keeps the connection id and creation date (see updatedDateUtc
        # in the identity spec) and joins this consent's auth event.
        connection.auth_event_id = auth_event_id
        connection.updated_at = now
        connection.save(update_fields=["auth_event_id", "updated_at"])


def revoke_grant(grant: XeroGrant) -> None:
    """Every token of this user and app stops working and every connection goes.
    https://github.com/XeroAPI/xero-node/releases/tag/4.10.1"""
    now = timezone.now()
    with transaction.atomic():
        grant.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        grant.connections.all().delete()
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
