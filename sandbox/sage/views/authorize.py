"""www.sageone.com in the sandbox: the authorize URL, sign-in and consent screens.

Sage's consent covers every business the user has; the app picks one later with
GET /businesses. The callback gets `code` (region-prefixed), `country` and `state`.
https://developer.sage.com/accounting/guides/authenticating/authentication
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sandbox.sage import authorize as authorization
from sandbox.sage import pending as pending_requests
from sandbox.sage.clients import registered_app
from sandbox.sage.consent import issue_code
from sandbox.sage.forms import SignInForm
from sandbox.sage.models import SageUser
from sandbox.sage.pending import Pending
from sandbox.sage.seed import ensure_demo_world

EXPIRED = "This sign-in has expired or was already answered. Start again from the app."


@require_GET
def authorize(request: HttpRequest) -> HttpResponse:
    try:
        auth = authorization.validate(request.GET.dict())
    except authorization.RejectedOnPage as error:
        return error_page(request, str(error))
    except authorization.RejectedToApp as error:
        return HttpResponseRedirect(error.location)
    key = pending_requests.start(request.session, auth)
    return HttpResponseRedirect(_step_url("sandbox:sage:sign-in", key))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return error_page(request, EXPIRED)
    ensure_demo_world()
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.signed_in_user()
        wanted = pending.request.country
        if wanted and wanted != user.country:
            # Sage's answer when the business's country is not the one chosen:
            # https://developer.sage.com/accounting/guides/concepts/frequently_raised_errors
            return _answer(request, pending, _wrong_country(pending))
        pending_requests.sign_in(request.session, pending.key, user.email)
        return HttpResponseRedirect(_step_url("sandbox:sage:consent", pending.key))
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "app": registered_app(), "key": pending.key}
    return render(request, "sandbox/sage/sign_in.html", context, status=status)


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return error_page(request, EXPIRED)
    user = pending.user()
    if user is None:
        return HttpResponseRedirect(_step_url("sandbox:sage:sign-in", pending.key))
    if request.method == "POST":
        if request.POST.get("action") == "allow":
            return _answer(request, pending, _approved(pending, user))
        return _answer(request, pending, _denied(pending))
    context = {
        "app": registered_app(),
        "key": pending.key,
        "sandbox_user": user,
        "scope": pending.request.scope,
        "businesses": user.businesses.order_by("name"),
    }
    return render(request, "sandbox/sage/consent.html", context)


def error_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "sandbox/sage/error.html", {"message": message}, status=400)


def _pending(request: HttpRequest) -> Pending | None:
    return pending_requests.load(request.session, request.GET.get("request", ""))


def _step_url(name: str, key: str) -> str:
    return f"{reverse(name)}?{urlencode({'request': key})}"


def _answer(request: HttpRequest, pending: Pending, location: str) -> HttpResponse:
    pending_requests.finish(request.session, pending.key)
    return HttpResponseRedirect(location)


def _denied(pending: Pending) -> str:
    auth = pending.request
    return authorization.error_redirect(auth.redirect_uri, auth.state, "access_denied")


def _wrong_country(pending: Pending) -> str:
    params = {"error": "Invalid request", "reason": "Email already in use"}
    if pending.request.state:
        params["state"] = pending.request.state
    return authorization.with_query(pending.request.redirect_uri, params)


def _approved(pending: Pending, user: SageUser) -> str:
    auth = pending.request
    params = {"code": issue_code(user, auth), "country": user.country.upper()}
    if auth.state:
        params["state"] = auth.state
    return authorization.with_query(auth.redirect_uri, params)
