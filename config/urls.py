from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_GET

from config.health import healthz
from tenancy.forms import AdminSignInForm, EmailAuthenticationForm
from tenancy.views import home

admin.site.site_header = "Patchbay administration"
admin.site.site_title = "Patchbay admin"
admin.site.login_form = AdminSignInForm


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and tools that ask /favicon.ico without reading the page's <link>."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    # Public: each provider's health across all organisations, and operators' notes.
    path("status/", include("status.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("settings/integrations/", include("integrations.urls")),
    # Provider webhooks in: Xero and QuickBooks notify Patchbay (signed, no session).
    path("settings/integrations/", include("integrations.provider_webhooks.urls")),
    path("settings/accounting/", include("accounting.urls")),
    path("settings/calendars/", include("calendars.urls")),
    path("settings/wordpress/", include("wordpress_bridge.urls")),
    path("settings/notifications/", include("attention.urls")),
    path("", include("tenancy.urls")),
    path("", include("operations.urls")),
    path("admin/", admin.site.urls),
    # API access: key and webhook management pages, and the REST API itself.
    path("settings/api/", include("apikeys.urls")),
    path("api/v1/", include("api.urls")),
    # The public availability API: what the WordPress plugin calls with the website key.
    path("api/public/v1/", include("api.public_urls")),
]

if apps.is_installed("sandbox"):
    # The providers' local emulators: installed by development and test settings only.
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
