"""www.sageone.com and oauth.accounting.sage.com in the sandbox: what Sage's
authorisation server does differently from the core's (sandbox/core/server.py).

- The authorize URL must carry `filter=apiv3.1` (without it Sage runs its older flows);
  `scope` is one word, full_access or readonly; PKCE is S256 or plain.
- A person whose region is not the `country` asked for is sent back with Sage's error.
- Consent covers every business the user has (the app picks one with GET /businesses);
  the code carries the user's region as a prefix ("GB/..."), which the callback shows
  percent-encoded, beside `country`. Codes live 60 seconds.
- The token and revoke endpoints take client_id and client_secret as form fields. A
  missing grant_type is invalid_request; an unknown one, invalid_grant.
- Every refresh returns a new access token and a new refresh token; the old refresh
  token is dead at once (Sage documents no grace period).
- Revoking ends the grant's refresh tokens; access tokens run out their five minutes.
https://developer.sage.com/accounting/guides/authenticating/authentication
https://developer.sage.com/accounting/guides/concepts/frequently_raised_errors
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from sandbox.core.authorize import AuthorizationRequest, Pkce, ScopeError
from sandbox.core.clients import ClientAuth, ClientAuthentication, RegisteredApp
from sandbox.core.crypto import digest, new_secret
from sandbox.core.oauth import with_query
from sandbox.core.server import AuthorizationServer, Form, Paths, Pending, live_grant
from sandbox.sage import tokens
from sandbox.sage.faults import switch
from sandbox.sage.models import (
    SageAuthorizationCode,
    SageGrant,
    SageRefreshPresentation,
    SageToken,
    SageUser,
)
from sandbox.sage.seed import SANDBOX_USER, ensure_demo_world

API_FILTER = "apiv3.1"


def registered_app() -> RegisteredApp:
    """The one app registered with the sandbox's Sage, read per request (tests override)."""
    return RegisteredApp(
        client_id=str(settings.SAGE_CLIENT_ID),
        client_secret=str(settings.SAGE_CLIENT_SECRET),
        redirect_uris=tuple(settings.SANDBOX_SAGE_REDIRECT_URIS),
    )


class SageIdentity(AuthorizationServer):
    namespace = "sage"
    product = company = "Sage"
    signs_in_to = "Sage Accounting"
    purpose = "wants to connect to your Sage Accounting."
    paths = Paths(
        authorize="oauth2/auth/central",
        sign_in="oauth2/sign-in",
        consent="oauth2/consent",
        tokens="oauth/token",
        revoke="oauth/revoke",
    )
    user_model = SageUser
    code_model = SageAuthorizationCode
    token_model = SageToken
    presentation_model = SageRefreshPresentation
    default_user = SANDBOX_USER
    scopes = {
        "full_access": "Read and change the data of every business you have",
        "readonly": "Read the data of every business you have",
    }
    unknown_scope = "scope must be full_access or readonly"
    redirect_uris_called = "callback URLs"  # "character for character", Sage's FAQ insists
    pkce = Pkce(("S256", "plain"))
    clients = ClientAuthentication(basic=False)
    grant_type_first = True
    unknown_grant_type = "invalid_grant"  # Sage blames a wrong grant_type on the grant
    code_related = token_related = ("grant__user",)

    def registered_app(self) -> RegisteredApp:
        return registered_app()

    def seed(self) -> None:
        ensure_demo_world()

    def page_problem(self, params: Form) -> str:
        if params.get("filter") != API_FILTER:
            return "This sandbox emulates API v3.1 only: add filter=apiv3.1."
        return ""

    def scope_problem(self, requested: list[str]) -> ScopeError | None:
        if len(requested) != 1:
            return ScopeError("invalid_scope", self.unknown_scope)
        return super().scope_problem(requested)

    def extras(self, params: Form) -> dict[str, str]:
        return {"country": params.get("country", "").upper()}

    def after_sign_in(self, auth: AuthorizationRequest, user: SageUser) -> str:
        wanted = auth.extras.get("country", "")
        if not wanted or wanted == user.country:
            return ""
        # Sage's answer when the user's region is not the one chosen.
        params = {"error": "Invalid request", "reason": "Email already in use"}
        return with_query(auth.redirect_uri, params | ({"state": auth.state} if auth.state else {}))

    def consent_step(self, request: HttpRequest, pending: Pending, user: SageUser) -> HttpResponse:
        if request.method == "POST":
            if request.POST.get("action") != "allow":
                return self.deny(request, pending)
            code = issue_code(user, pending.request)
            return self.approve(request, pending, {"code": code, "country": user.country.upper()})
        context = {
            "app": self.registered_app(),
            "key": pending.key,
            "sandbox_user": user,
            "scope": pending.request.scope,
            "businesses": user.businesses.order_by("name"),
        }
        return self.page(request, "sandbox/sage/consent.html", context)

    def tokens_for_code(
        self, request: HttpRequest, code: SageAuthorizationCode, client: ClientAuth
    ) -> dict[str, Any]:
        return tokens.issue(code.grant, code.scope)

    def refresh_outcome(self, token: SageToken | None, client: ClientAuth) -> str:
        return self.refused_refresh(token, client) or self.rotation(token, grace_seconds=0)

    def answer_refresh(
        self, request: HttpRequest, token: SageToken, raw: str, outcome: str
    ) -> dict[str, Any]:
        token.rotated_at = timezone.now()
        token.save(update_fields=["rotated_at"])
        return tokens.issue(token.grant, token.scope, parent=token)

    def revoke_token(self, raw: str, client: ClientAuth) -> None:
        """A refresh token of this app ends its grant; anything else (an access token, an
        unknown or another app's token) changes nothing."""
        token = (
            SageToken.objects.select_related("grant")
            .filter(token_hash=digest(raw), kind=SageToken.Kind.REFRESH)
            .first()
        )
        if token is not None and token.grant.client_id == client.client_id:
            revoke_grant(token.grant)

    def revoked(self) -> HttpResponse:
        return JsonResponse({"success": "ok"})


server = SageIdentity(switch)


def issue_code(user: SageUser, request: AuthorizationRequest) -> str:
    with transaction.atomic():
        grant = live_grant(SageGrant, user=user, client_id=request.client_id)
        return server.new_code(
            request,
            int(settings.SANDBOX_SAGE_CODE_SECONDS),
            raw=f"{user.country.upper()}/{new_secret()}",
            grant=grant,
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
        )


def revoke_grant(grant: SageGrant) -> None:
    """Every refresh token of this user and app stops working; access tokens do not."""
    now = timezone.now()
    with transaction.atomic():
        grant.tokens.filter(kind=SageToken.Kind.REFRESH, revoked_at__isnull=True).update(
            revoked_at=now
        )
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
