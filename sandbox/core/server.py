"""An OAuth 2.0 authorisation server as the emulated providers run theirs.

The authorize URL checks the app and its redirect URI (a bad one gets an error page: the
sandbox never redirects to a URI the app did not register), then the request; later
problems go back to the app as `error=...`. A person signs in (a sandbox user, no
password) and answers the consent screen; the app gets a single-use code, which the
token endpoint exchanges once, for the redirect URI it was issued to and, with PKCE, the
verifier. Refresh tokens are checked, recorded (every presentation, for tests) and
answered by the provider's own rotation rules; revocation follows RFC 7009.

A provider subclasses `AuthorizationServer` and declares what differs: its models,
paths, scopes, PKCE and client authentication, lifetimes, the consent screen, the token
bodies and its rotation rules. `urls()` gives its endpoints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sandbox.core import pending
from sandbox.core.authorize import (
    AuthorizationRequest,
    Pkce,
    RejectedOnPage,
    RejectedToApp,
    ScopeError,
    parse_scopes,
)
from sandbox.core.clients import ClientAuth, ClientAuthentication, InvalidClient, RegisteredApp
from sandbox.core.crypto import digest, last4, new_secret
from sandbox.core.faults import TOKEN, Faults
from sandbox.core.forms import SignInForm
from sandbox.core.models import AuthorizationCode, Grant, RefreshPresentation, SandboxUser, Token
from sandbox.core.oauth import (
    OAuthError,
    error_redirect,
    invalid_grant,
    no_store,
    oauth_error,
    required,
    with_query,
)

EXPIRED = "This sign-in has expired or was already answered. Start again from the app."
TokenBody = dict[str, Any]
Form = Mapping[str, str]
Pending = pending.Pending[AuthorizationRequest, Any]
# Refresh outcomes every provider records alike; the others are its own.
ROTATED, INVALID_GRANT, INVALID_CLIENT = "rotated", "invalid_grant", "invalid_client"


@dataclass(frozen=True)
class Paths:
    """Where the provider serves each step, under its sandbox prefix."""

    authorize: str
    sign_in: str
    consent: str
    tokens: str
    revoke: str
    revoke_name: str = "revoke"  # the URL name, as the provider's discovery calls it


def keep_token(
    model: type[Token], kind: str, raw: str, scope: str, expires_at: datetime, **fields: Any
) -> Any:
    """Keep a token handed out: its hash, never the value. `fields` name its grant."""
    return model._default_manager.create(
        kind=kind,
        token_hash=digest(raw),
        last4=last4(raw),
        scope=scope,
        issued_at=timezone.now(),
        expires_at=expires_at,
        **fields,
    )


def live_grant(model: type[Grant], **lookup: Any) -> Any:
    """The app's grant (`lookup`: its user or company and client_id), made if missing;
    a consent after a revocation authorises the app again."""
    with transaction.atomic():
        grant = model._default_manager.select_for_update().get_or_create(**lookup)[0]
        if grant.revoked_at is not None:
            grant.revoked_at = None
            grant.save(update_fields=["revoked_at"])
    return grant


class AuthorizationServer:
    namespace: str  # URL namespace (sandbox:<namespace>:...) and template folder
    product: str  # what the pages are titled after: "Xero", "QuickBooks"
    company: str  # who the pages speak for: "Xero", "Intuit"
    signs_in_to: str  # the sign-in page's heading: "Sign in to ..."
    purpose: str  # what the app wants, after its name: "wants to connect to ..."
    paths: Paths
    user_model: type[SandboxUser]
    code_model: type[AuthorizationCode]
    token_model: type[Token]
    presentation_model: type[RefreshPresentation]
    default_user: str  # the sign-in page's preselected email
    scopes: Mapping[str, str]  # every scope the provider knows, in the consent's words
    unknown_scope = ""  # the error_description for an unknown scope
    redirect_uris_called = "redirect URIs"
    pkce = Pkce()
    clients = ClientAuthentication()
    basic_realm = ""  # answer a failed HTTP Basic client with this challenge ("" = none)
    grant_type_first = False  # a missing grant_type is refused before the client is checked
    unknown_grant_type = "unsupported_grant_type"
    code_related: tuple[str, ...] = ()  # select_related for a redeemed code
    token_related: tuple[str, ...] = ()  # and for a presented refresh token

    def __init__(self, faults: Faults[Any]) -> None:
        self.faults = faults

    @property
    def brand(self) -> str:
        return f"{self.product} sandbox"

    # --- what a provider declares -------------------------------------------------------

    def registered_app(self) -> RegisteredApp:
        raise NotImplementedError

    def seed(self) -> None:
        """Create the provider's demo world if missing."""

    def consent_step(self, request: HttpRequest, pending: Pending, user: Any) -> HttpResponse:
        """The consent screen: `deny` or `approve` the request, or show the page."""
        raise NotImplementedError

    def tokens_for_code(self, request: HttpRequest, code: Any, client: ClientAuth) -> TokenBody:
        raise NotImplementedError

    def refresh_outcome(self, token: Any, client: ClientAuth) -> str:
        """What presenting this refresh token now leads to (one of the provider's
        presentation outcomes); `refused_refresh` covers what every provider refuses."""
        raise NotImplementedError

    def answer_refresh(self, request: HttpRequest, token: Any, raw: str, outcome: str) -> TokenBody:
        raise NotImplementedError

    def revoke_token(self, raw: str, client: ClientAuth) -> None:
        raise NotImplementedError

    def scope_problem(self, scopes: list[str]) -> ScopeError | None:
        if not scopes or any(scope not in self.scopes for scope in scopes):
            return ScopeError("invalid_scope", self.unknown_scope)
        return None

    def page_problem(self, params: Form) -> str:
        """A reason to refuse the authorize URL on a page before looking at the app."""
        return ""

    def extras(self, params: Form) -> dict[str, str]:
        """The provider's own authorize parameters to keep with the request."""
        return {}

    def after_sign_in(self, auth: AuthorizationRequest, user: Any) -> str:
        """Where to send the browser instead of the consent screen ("": go on)."""
        return ""

    def code_replayed(self, code: Any) -> None:
        """A redeemed code was presented again."""

    def presented_token(self, request: HttpRequest) -> str:
        """The token the revocation endpoint was asked to revoke."""
        return request.POST.get("token", "")

    def revocation_client(self, request: HttpRequest) -> ClientAuth:
        """Who asks to revoke (a provider whose endpoint takes no client credentials
        answers with an unproven ClientAuth)."""
        return self.authenticate_client(request, request.POST.dict())

    def revoked(self) -> HttpResponse:
        return HttpResponse(status=200)

    # --- the authorize URL, sign-in and consent -----------------------------------------

    def validate(
        self, params: Form, route: Mapping[str, str] | None = None
    ) -> AuthorizationRequest:
        problem = self.page_problem(params)
        if problem:
            raise RejectedOnPage(problem)
        app = self.registered_app()
        if not app.named(params.get("client_id", "")):
            raise RejectedOnPage(
                f"The client_id does not belong to any app registered with {self.company}."
            )
        redirect_uri = params.get("redirect_uri", "")
        # Exact string match, as the providers require: no prefix or case leniency.
        if redirect_uri not in app.redirect_uris:
            raise RejectedOnPage(
                f"The redirect_uri is not one of the app's registered {self.redirect_uris_called}."
            )
        state = params.get("state", "")
        if params.get("response_type") != "code":
            raise RejectedToApp(redirect_uri, state, "unsupported_response_type")
        requested = parse_scopes(params.get("scope", ""))
        scope_error = self.scope_problem(requested)
        if scope_error is not None:
            raise RejectedToApp(redirect_uri, state, scope_error.error, scope_error.description)
        challenge, method = self._pkce(params)
        pkce_error = self.pkce.problem(challenge, method)
        if pkce_error:
            raise RejectedToApp(redirect_uri, state, "invalid_request", pkce_error)
        return AuthorizationRequest(
            client_id=app.client_id,
            redirect_uri=redirect_uri,
            scopes=tuple(requested),
            state=state,
            code_challenge=challenge,
            code_challenge_method=method or ("plain" if challenge else ""),
            nonce=params.get("nonce", ""),
            extras={**(route or {}), **self.extras(params)},
        )

    def _pkce(self, params: Form) -> tuple[str, str]:
        if not self.pkce.methods:
            return "", ""
        return params.get("code_challenge", ""), params.get("code_challenge_method", "")

    @cached_property
    def pending(self) -> pending.PendingRequests[AuthorizationRequest, Any]:
        key = f"sandbox.{self.namespace}.pending"
        return pending.PendingRequests(key, AuthorizationRequest.from_session, self.user_model)

    def authorize(self, request: HttpRequest, **route: str) -> HttpResponse:
        """`route`: values in the authorize path (a tenant, say), kept with the request."""
        try:
            auth = self.validate(request.GET.dict(), route)
        except RejectedOnPage as error:
            return self.error_page(request, str(error))
        except RejectedToApp as error:
            return HttpResponseRedirect(error.location)
        key = self.pending.start(request.session, auth)
        return HttpResponseRedirect(self.step_url("sign-in", key))

    def sign_in(self, request: HttpRequest, **route: str) -> HttpResponse:
        found = self._pending(request)
        if found is None:
            return self.error_page(request, EXPIRED)
        self.seed()
        posted = request.POST if request.method == "POST" else None
        form = SignInForm(self.user_model, self.default_user, posted)
        if form.is_valid():
            user = form.signed_in_user()
            elsewhere = self.after_sign_in(found.request, user)
            if elsewhere:
                return self.answer(request, found, elsewhere)
            self.pending.sign_in(request.session, found.key, user.email)
            return HttpResponseRedirect(self.step_url("consent", found.key))
        context = {"form": form, "app": self.registered_app(), "key": found.key}
        return self.page(request, "sandbox/sign_in.html", context, form=form)

    def consent(self, request: HttpRequest, **route: str) -> HttpResponse:
        found = self._pending(request)
        if found is None:
            return self.error_page(request, EXPIRED)
        user = found.user()
        if user is None:
            return HttpResponseRedirect(self.step_url("sign-in", found.key))
        return self.consent_step(request, found, user)

    def deny(self, request: HttpRequest, found: Pending) -> HttpResponse:
        auth = found.request
        return self.answer(
            request, found, error_redirect(auth.redirect_uri, auth.state, "access_denied")
        )

    def approve(self, request: HttpRequest, found: Pending, params: dict[str, str]) -> HttpResponse:
        """Back to the app with `params` (the code and the provider's own), state echoed."""
        auth = found.request
        if auth.state and "state" not in params:
            params = params | {"state": auth.state}
        return self.answer(request, found, with_query(auth.redirect_uri, params))

    def answer(self, request: HttpRequest, found: Pending, location: str) -> HttpResponse:
        """The request is answered: it ends, so its consent cannot be given twice."""
        self.pending.finish(request.session, found.key)
        return HttpResponseRedirect(location)

    def new_code(
        self,
        auth: AuthorizationRequest,
        lifetime: int,
        *,
        raw: str = "",
        scopes: tuple[str, ...] | None = None,
        **fields: Any,
    ) -> str:
        """A single-use code for `auth` (or the `scopes` the person granted of it, where a
        consent screen lets them untick some); `fields` name its grant and the provider's
        own columns. `raw`: the code's value, if the provider shapes it."""
        raw = raw or new_secret()
        now = timezone.now()
        self.code_model._default_manager.create(
            code_hash=digest(raw),
            redirect_uri=auth.redirect_uri,
            scope=auth.scope if scopes is None else " ".join(scopes),
            issued_at=now,
            expires_at=now + timedelta(seconds=lifetime),
            **fields,
        )
        return raw

    def described(self, scopes: tuple[str, ...]) -> list[str]:
        return [self.scopes[scope] for scope in scopes if scope in self.scopes]

    def page(
        self,
        request: HttpRequest,
        template: str,
        context: dict[str, Any],
        *,
        form: Any = None,
        status: int | None = None,
    ) -> HttpResponse:
        """A sandbox page; a form with errors makes it a 400."""
        if status is None:
            status = 400 if form is not None and form.is_bound and form.errors else 200
        return render(request, template, {"server": self, **context}, status=status)

    def error_page(self, request: HttpRequest, message: str) -> HttpResponse:
        return self.page(request, "sandbox/error.html", {"message": message}, status=400)

    def step_url(self, name: str, key: str) -> str:
        return f"{self.url(name)}?{urlencode({'request': key})}"

    def url(self, name: str) -> str:
        return reverse(f"sandbox:{self.namespace}:{name}")

    def _pending(self, request: HttpRequest) -> Pending | None:
        return self.pending.load(request.session, request.GET.get("request", ""))

    # --- the token endpoint -------------------------------------------------------------

    def token(self, request: HttpRequest, **route: str) -> HttpResponse:
        interrupted = self.faults.interruption(TOKEN)
        if interrupted is not None:
            return interrupted
        try:
            body = self.exchange(request, request.POST.dict())
        except InvalidClient as error:
            return self.invalid_client(error)
        except OAuthError as error:
            return oauth_error(error.error, error.status)
        return no_store(JsonResponse(body))

    def exchange(self, request: HttpRequest, form: Form) -> TokenBody:
        grant_type = form.get("grant_type", "")
        if self.grant_type_first and not grant_type:
            raise OAuthError("invalid_request")
        try:
            client = self.authenticate_client(request, form)
        except InvalidClient as error:
            if grant_type == "refresh_token" and form.get("refresh_token"):
                self.record(form["refresh_token"], None, error.client_id, INVALID_CLIENT)
            raise
        if not grant_type:
            raise OAuthError("invalid_request")
        grants: dict[str, Callable[[HttpRequest, Form, ClientAuth], TokenBody]] = {
            "authorization_code": self.redeem_code,
            "refresh_token": self.refresh,
        }
        if grant_type not in grants:
            raise OAuthError(self.unknown_grant_type)
        return grants[grant_type](request, form, client)

    def authenticate_client(self, request: HttpRequest, form: Form) -> ClientAuth:
        return self.clients.authenticate(request, form, self.registered_app())

    def invalid_client(self, error: InvalidClient) -> HttpResponse:
        response = oauth_error("invalid_client", 401)
        if error.used_basic and self.basic_realm:
            # RFC 6749, section 5.2: a failed Basic authentication carries the challenge.
            response["WWW-Authenticate"] = f'Basic realm="{self.basic_realm}"'
        return response

    def redeem_code(self, request: HttpRequest, form: Form, client: ClientAuth) -> TokenBody:
        raw = required(form, "code")
        with transaction.atomic():
            code = (
                self.code_model._default_manager.select_for_update(of=("self",))
                .select_related(*self.code_related)
                .filter(code_hash=digest(raw))
                .first()
            )
            error = self._code_error(code, form, client)
            if code is not None and error is None:
                code.used_at = timezone.now()
                code.save(update_fields=["used_at"])
                return self.tokens_for_code(request, code, client)
            if code is not None and code.used_at is not None:
                self.code_replayed(code)
        raise error or invalid_grant()

    def _code_error(self, code: Any, form: Form, client: ClientAuth) -> OAuthError | None:
        if code is None or code.used_at is not None or timezone.now() >= code.expires_at:
            return invalid_grant()
        if code.grant.client_id != client.client_id or code.grant.revoked_at is not None:
            return invalid_grant()
        challenge = getattr(code, "code_challenge", "")
        if not client.secret_verified and not challenge:
            # Leaving out the secret is only for PKCE clients.
            return OAuthError("invalid_client", 401)
        if form.get("redirect_uri", "") != code.redirect_uri:
            return invalid_grant()
        method = getattr(code, "code_challenge_method", "S256")
        return self.pkce.verifier_error(challenge, method, form.get("code_verifier", ""))

    def refresh(self, request: HttpRequest, form: Form, client: ClientAuth) -> TokenBody:
        raw = required(form, "refresh_token")
        with transaction.atomic():
            token = (
                self.token_model._default_manager.select_for_update(of=("self",))
                .select_related(*self.token_related)
                .filter(token_hash=digest(raw), kind=Token.Kind.REFRESH)
                .first()
            )
            outcome = self.refresh_outcome(token, client)
            self.record(raw, token, client.client_id, outcome)
            if token is not None and outcome not in (INVALID_GRANT, INVALID_CLIENT):
                return self.answer_refresh(request, token, raw, outcome)
        raise OAuthError("invalid_client", 401) if outcome == INVALID_CLIENT else invalid_grant()

    def refused_refresh(self, token: Any, client: ClientAuth) -> str:
        """What every provider refuses: an unknown or another app's token, one issued
        to a PKCE client presented without proof of it... (the outcome, or "")."""
        if token is None or token.grant.client_id != client.client_id:
            return INVALID_GRANT
        if not client.secret_verified and not getattr(token, "public_client", False):
            return INVALID_CLIENT
        now = timezone.now()
        if token.revoked_at is not None or token.grant.revoked_at is not None:
            return INVALID_GRANT
        return INVALID_GRANT if now >= token.expires_at else ""

    @staticmethod
    def rotation(token: Any, grace_seconds: int) -> str:
        """A refresh token used once: rotated, or replayed within `grace_seconds` of its
        rotation ("grace"), else dead."""
        rotated_at: datetime | None = token.rotated_at
        if rotated_at is None:
            return ROTATED
        grace = timedelta(seconds=grace_seconds)
        return "grace" if timezone.now() < rotated_at + grace else INVALID_GRANT

    def record(self, raw: str, token: Any, client_id: str, outcome: str) -> None:
        # `token` and `outcome` are the concrete presentation's own fields.
        fields: dict[str, Any] = {"token": token, "outcome": outcome}
        self.presentation_model._default_manager.create(
            token_hash=digest(raw), last4=last4(raw), client_id=client_id, **fields
        )

    # --- revocation ---------------------------------------------------------------------

    def revoke(self, request: HttpRequest, **route: str) -> HttpResponse:
        """RFC 7009: the same answer whether or not the token was known."""
        try:
            raw = self.presented_token(request)
            client = self.revocation_client(request)
            if not raw:
                raise OAuthError("invalid_request")
            self.revoke_token(raw, client)
        except InvalidClient as error:
            return self.invalid_client(error)
        except OAuthError as error:
            return oauth_error(error.error, error.status)
        return no_store(self.revoked())

    # --- discovery and URLs -------------------------------------------------------------

    def discovery(self, request: HttpRequest, issuer: str, **extra: Any) -> JsonResponse:
        """An OpenID Connect discovery document for the sandbox's endpoints."""

        def url(name: str) -> str:
            return request.build_absolute_uri(self.url(name))

        document: dict[str, Any] = {
            "issuer": issuer,
            "authorization_endpoint": url("authorize"),
            "token_endpoint": url("token"),
            "revocation_endpoint": url(self.paths.revoke_name),
            "scopes_supported": list(self.scopes),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": self.clients.methods(),
            "subject_types_supported": ["public"],
        }
        if self.pkce.methods:
            document["code_challenge_methods_supported"] = list(self.pkce.methods)
        return JsonResponse(document | extra)

    def urls(self) -> list[URLPattern]:
        paths = self.paths
        browser = require_http_methods(["GET", "POST"])
        # The token and revocation endpoints are called server to server with client
        # credentials, never from a browser form: no CSRF token.
        return [
            path(paths.authorize, require_GET(self.authorize), name="authorize"),
            path(paths.sign_in, browser(self.sign_in), name="sign-in"),
            path(paths.consent, browser(self.consent), name="consent"),
            path(paths.tokens, csrf_exempt(require_POST(self.token)), name="token"),
            path(paths.revoke, csrf_exempt(require_POST(self.revoke)), name=paths.revoke_name),
        ]
