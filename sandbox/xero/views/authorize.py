"""login.xero.com in the sandbox: the authorize URL, sign-in and consent screens."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sandbox.xero import authorize as authorization
from sandbox.xero import pending as pending_requests
from sandbox.xero.clients import registered_app
from sandbox.xero.consent import grant_access
from sandbox.xero.forms import ConsentForm, SignInForm
from sandbox.xero.models import XeroConnection, XeroUser
from sandbox.xero.pending import Pending
from sandbox.xero.scopes import described
from sandbox.xero.seed import ensure_demo_world

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
    return HttpResponseRedirect(_step_url("sandbox:xero:sign-in", key))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return error_page(request, EXPIRED)
    ensure_demo_world()
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        pending_requests.sign_in(request.session, pending.key, form.signed_in_user().email)
        return HttpResponseRedirect(_step_url("sandbox:xero:consent", pending.key))
    context = {"form": form, "app": registered_app(), "key": pending.key}
    return render(request, "sandbox/xero/sign_in.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return error_page(request, EXPIRED)
    user = pending.user()
    if user is None:
        return HttpResponseRedirect(_step_url("sandbox:xero:sign-in", pending.key))
    if request.method == "POST" and request.POST.get("action") == "cancel":
        return _answer(request, pending, _denied(pending))
    form = ConsentForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        code = grant_access(user, pending.request, form.chosen())
        return _answer(request, pending, _approved(pending, code))
    return _consent_page(request, pending, user, form)


def _consent_page(
    request: HttpRequest, pending: Pending, user: XeroUser, form: ConsentForm
) -> HttpResponse:
    context = {
        "form": form,
        "app": registered_app(),
        "key": pending.key,
        "sandbox_user": user,
        "scopes": described(list(pending.request.scopes)),
        "connected": _connected_tenant_ids(user, pending.request.client_id),
        "chosen": set(request.POST.getlist("organisations")),
    }
    return render(request, "sandbox/xero/consent.html", context, status=_status(form))


def error_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "sandbox/xero/error.html", {"message": message}, status=400)


def _pending(request: HttpRequest) -> Pending | None:
    return pending_requests.load(request.session, request.GET.get("request", ""))


def _step_url(name: str, key: str) -> str:
    return f"{reverse(name)}?{urlencode({'request': key})}"


def _status(form: SignInForm | ConsentForm) -> int:
    return 400 if form.is_bound and form.errors else 200


def _answer(request: HttpRequest, pending: Pending, location: str) -> HttpResponse:
    pending_requests.finish(request.session, pending.key)
    return HttpResponseRedirect(location)


def _denied(pending: Pending) -> str:
    auth = pending.request
    return authorization.error_redirect(auth.redirect_uri, auth.state, "access_denied")


def _approved(pending: Pending, code: str) -> str:
    auth = pending.request
    params = {"code": code, "scope": " ".join(auth.scopes)}
    if auth.state:
        params["state"] = auth.state
    return authorization.with_query(auth.redirect_uri, params)


def _connected_tenant_ids(user: XeroUser, client_id: str) -> set[str]:
    rows = XeroConnection.objects.filter(grant__user=user, grant__client_id=client_id)
    return {str(tenant_id) for tenant_id in rows.values_list("organisation__tenant_id", flat=True)}
