"""QuickBooks' own pages under /settings/integrations/quickbooks/: the organisation's app
settings, and Intuit's Disconnect URL."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounting.providers.quickbooks import client
from integrations import remote_disconnect
from integrations.models import ProviderApp
from integrations.tasks import confirm_remote_disconnect
from integrations.vault import mask
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import current_organisation


class AppForm(forms.Form):
    environment = forms.ChoiceField(
        label="Intuit environment",
        choices=ProviderApp.Environment.choices,
        help_text="Sandbox: Intuit's sandbox companies, for testing with a development app.",
    )
    client_id = forms.CharField(label="Client ID of your own Intuit app", required=False)
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        widget=forms.PasswordInput,
        help_text="Leave empty to keep the one saved.",
    )
    use_patchbay_app = forms.BooleanField(
        label="Use Patchbay's Intuit app (forget my own credentials)", required=False
    )


class DisconnectQuery(forms.Form):
    # Intuit's company ids (realmId) are digits; anything else names no company.
    realmId = forms.RegexField(r"\A[0-9]{1,32}\Z")


def _save(app: ProviderApp, form: AppForm) -> None:
    data = form.cleaned_data
    app.environment = data["environment"]
    if data["use_patchbay_app"]:
        app.client_id = app.client_secret = ""
    else:
        app.client_id = data["client_id"].strip() or app.client_id
        app.client_secret = data["client_secret"].strip() or app.client_secret
    app.save()


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_CONNECTIONS)
def app_settings(request: HttpRequest) -> HttpResponseBase:
    """Own Intuit app credentials (encrypted by the vault) and the environment. They
    apply to connections made from now on and to every later token refresh."""
    organisation = current_organisation(request)
    app = client.provider_app(organisation.pk) or ProviderApp(
        organisation=organisation, provider=client.SLUG
    )
    initial = {"environment": app.environment, "client_id": app.client_id}
    form = AppForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _save(app, form)
        messages.success(request, "QuickBooks settings saved.")
        return redirect("integrations:index")
    context = {"form": form, "app": app, "secret": mask(app.client_secret)}
    status = 400 if form.errors else 200
    return render(request, "quickbooks/app.html", context, status=status)


@require_GET
def disconnected(request: HttpRequest) -> HttpResponse:
    """Intuit's Disconnect URL: a user disconnected Patchbay inside QuickBooks.

    Each active connection to the company is checked by a worker (integrations.
    remote_disconnect), at most once per company every few minutes. The answer is the same
    for any realmId, known or not, so the URL says nothing about which companies exist.
    """
    query = DisconnectQuery(request.GET)
    realm_id = query.cleaned_data["realmId"] if query.is_valid() else ""
    if realm_id:
        for connection_id in remote_disconnect.claim_check(client.SLUG, realm_id):
            confirm_remote_disconnect.delay(connection_id)
    return render(request, "quickbooks/disconnected.html")
