"""appcenter.intuit.com/connect/oauth2 in the sandbox: sign in, pick one company, connect.

The app gets `code`, `state` and `realmId` on its redirect URI, or `error=access_denied`
when the person cancels.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sandbox.quickbooks import authorize as authorization
from sandbox.quickbooks import pending as pending_requests
from sandbox.quickbooks.clients import registered_app
from sandbox.quickbooks.consent import grant_access
from sandbox.quickbooks.forms import CompanyForm, SignInForm
from sandbox.quickbooks.pending import Pending
from sandbox.quickbooks.scopes import described
from sandbox.quickbooks.seed import ensure_demo_world

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
    return HttpResponseRedirect(_step_url("sandbox:quickbooks:sign-in", key))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return error_page(request, EXPIRED)
    ensure_demo_world()
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        pending_requests.sign_in(request.session, pending.key, form.signed_in_user().email)
        return HttpResponseRedirect(_step_url("sandbox:quickbooks:consent", pending.key))
    context = {"form": form, "app": registered_app(), "key": pending.key}
    status = 400 if form.is_bound else 200
    return render(request, "sandbox/quickbooks/sign_in.html", context, status=status)


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return error_page(request, EXPIRED)
    user = pending.user()
    if user is None:
        return HttpResponseRedirect(_step_url("sandbox:quickbooks:sign-in", pending.key))
    auth = pending.request
    if request.method == "POST" and request.POST.get("action") == "cancel":
        location = authorization.error_redirect(auth.redirect_uri, auth.state, "access_denied")
        return _answer(request, pending, location)
    form = CompanyForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        company = form.chosen()
        code = grant_access(user, auth, company)
        params = {"code": code, "state": auth.state, "realmId": company.realm_id}
        return _answer(request, pending, authorization.with_query(auth.redirect_uri, params))
    context = {
        "form": form,
        "app": registered_app(),
        "key": pending.key,
        "sandbox_user": user,
        "scopes": described(list(auth.scopes)),
    }
    status = 400 if form.is_bound else 200
    return render(request, "sandbox/quickbooks/consent.html", context, status=status)


def error_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "sandbox/quickbooks/error.html", {"message": message}, status=400)


def _pending(request: HttpRequest) -> Pending | None:
    return pending_requests.load(request.session, request.GET.get("request", ""))


def _step_url(name: str, key: str) -> str:
    return f"{reverse(name)}?{urlencode({'request': key})}"


def _answer(request: HttpRequest, pending: Pending, location: str) -> HttpResponse:
    pending_requests.finish(request.session, pending.key)
    return HttpResponseRedirect(location)
