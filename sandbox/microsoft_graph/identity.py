"""login.microsoftonline.com in the sandbox: the identity platform's v2.0 endpoints as
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow describes.

- Paths carry the tenant: `common` (work or school and personal accounts),
  `organizations` (work or school only), `consumers` (personal only) or a tenant id.
  An account the tenant segment does not admit goes back to the app with Microsoft's
  `invalid_request` and an AADSTS description.
- Scopes are Graph's permission names (`Calendars.ReadWrite`) plus the OpenID ones and
  `offline_access`; without `offline_access` there is no refresh token.
- PKCE S256 (or plain); client authentication by form fields or HTTP Basic.
- Refresh tokens rotate on every use and the old one keeps working until it expires.
- There is no revocation endpoint: a person removes the app's consent (console: "Remove
  the app's consent") or revokes all their sessions; refresh then fails invalid_grant.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils import timezone

from sandbox.core.authorize import AuthorizationRequest, Pkce
from sandbox.core.clients import ClientAuth, ClientAuthentication, RegisteredApp
from sandbox.core.oauth import error_redirect
from sandbox.core.server import ROTATED, AuthorizationServer, Form, Paths, Pending, live_grant
from sandbox.microsoft_graph import tokens
from sandbox.microsoft_graph.faults import switch
from sandbox.microsoft_graph.models import (
    GraphAuthorizationCode,
    GraphGrant,
    GraphRefreshPresentation,
    GraphToken,
    GraphUser,
)
from sandbox.microsoft_graph.seed import WORK_USER, ensure_demo_world

TENANT_SEGMENTS = ("common", "organizations", "consumers")


def registered_app() -> RegisteredApp:
    return RegisteredApp(
        client_id=str(settings.OUTLOOK_CLIENT_ID),
        client_secret=str(settings.OUTLOOK_CLIENT_SECRET),
        redirect_uris=tuple(settings.SANDBOX_GRAPH_REDIRECT_URIS),
    )


class MicrosoftIdentity(AuthorizationServer):
    namespace = "microsoft_graph"
    product = "Microsoft"
    company = "Microsoft"
    signs_in_to = "your Microsoft account"
    purpose = "wants to access your Outlook calendar."
    paths = Paths(
        authorize="login/<str:tenant>/oauth2/v2.0/authorize",
        sign_in="login/sign-in",
        consent="login/consent",
        tokens="login/<str:tenant>/oauth2/v2.0/token",
        revoke="login/<str:tenant>/oauth2/v2.0/logout",
    )
    user_model = GraphUser
    code_model = GraphAuthorizationCode
    token_model = GraphToken
    presentation_model = GraphRefreshPresentation
    default_user = WORK_USER
    scopes = {
        "openid": "Sign you in",
        "profile": "View your basic profile",
        "email": "View your email address",
        "offline_access": "Maintain access to data you have given it access to",
        "User.Read": "Sign you in and read your profile",
        "Calendars.Read": "Read your calendars",
        "Calendars.ReadWrite": "Have full access to your calendars",
    }
    unknown_scope = "AADSTS70011: The provided value for the input parameter 'scope' isn't valid."
    pkce = Pkce(("S256", "plain"))
    clients = ClientAuthentication(basic=True)
    code_related = token_related = ("grant__user",)

    def registered_app(self) -> RegisteredApp:
        return registered_app()

    def seed(self) -> None:
        ensure_demo_world()

    def extras(self, params: Form) -> dict[str, str]:
        return {"prompt": params.get("prompt", "")}

    def after_sign_in(self, auth: AuthorizationRequest, user: GraphUser) -> str:
        tenant = auth.extras.get("tenant", "common")
        admitted = (
            tenant == "common"
            or (tenant == "organizations" and not user.personal)
            or (tenant == "consumers" and user.personal)
            or tenant == user.tenant_id
        )
        if admitted:
            return ""
        description = (
            "AADSTS50020: User account from identity provider does not exist in tenant "
            f"'{tenant}' and cannot access the application."
        )
        return error_redirect(auth.redirect_uri, auth.state, "invalid_request", description)

    def consent_step(self, request: HttpRequest, pending: Pending, user: GraphUser) -> HttpResponse:
        if request.method == "POST":
            if request.POST.get("action") != "accept":
                return self.deny(request, pending)
            code = issue_code(user, pending.request)
            return self.approve(request, pending, {"code": code})
        context = {
            "app": self.registered_app(),
            "key": pending.key,
            "sandbox_user": user,
            "permissions": self.described(pending.request.scopes),
        }
        return self.page(request, "sandbox/microsoft_graph/consent.html", context)

    def tokens_for_code(
        self, request: HttpRequest, code: GraphAuthorizationCode, client: ClientAuth
    ) -> dict[str, Any]:
        return tokens.issue(code.grant, code.scope, nonce=code.nonce)

    def refresh_outcome(self, token: GraphToken | None, client: ClientAuth) -> str:
        refused = self.refused_refresh(token, client)
        if refused:
            return refused
        assert token is not None  # noqa: S101 - refused_refresh refuses None
        if token.sessions_epoch != token.grant.user.sessions_epoch:
            return "invalid_grant"  # "revoke all sessions" since it was issued
        return ROTATED

    def answer_refresh(
        self, request: HttpRequest, token: GraphToken, raw: str, outcome: str
    ) -> dict[str, Any]:
        return tokens.issue(token.grant, token.scope, parent=token)

    def revoke_token(self, raw: str, client: ClientAuth) -> None:
        """Never reached: Microsoft has no token revocation endpoint (see urls())."""

    def urls(self) -> list[URLPattern]:
        return [p for p in super().urls() if p.name != self.paths.revoke_name]


server = MicrosoftIdentity(switch)


def issue_code(user: GraphUser, request: AuthorizationRequest) -> str:
    with transaction.atomic():
        grant = live_grant(GraphGrant, user=user, client_id=request.client_id)
        return server.new_code(
            request,
            int(settings.SANDBOX_GRAPH_CODE_SECONDS),
            grant=grant,
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
            nonce=request.nonce,
        )


def remove_consent(user: GraphUser, client_id: str) -> None:
    """The person removes the app at myapps / account.live.com: its tokens stop working."""
    now = timezone.now()
    with transaction.atomic():
        for grant in GraphGrant.objects.filter(user=user, client_id=client_id):
            grant.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
            grant.revoked_at = now
            grant.save(update_fields=["revoked_at"])


def revoke_sessions(user: GraphUser) -> None:
    """ "Revoke all sessions" (or a password reset by an admin): every token issued so far
    is refused; Outlook also removes the mailbox's subscriptions."""
    from sandbox.microsoft_graph import notify

    GraphUser.objects.filter(pk=user.pk).update(sessions_epoch=user.sessions_epoch + 1)
    notify.remove_subscriptions(user, reason="subscriptionRemoved")
