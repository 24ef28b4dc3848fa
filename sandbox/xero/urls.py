"""Xero's endpoints under /sandbox/xero/, at Xero's own paths.

identity/connect/* stands for login.xero.com and identity.xero.com; connections
and api.xro/2.0/* for api.xero.com. No trailing slashes, as at Xero.
"""

from django.urls import path

from sandbox.xero.views import api, authorize, console, identity

app_name = "xero"

urlpatterns = [
    path("identity/connect/authorize", authorize.authorize, name="authorize"),
    path("identity/sign-in", authorize.sign_in, name="sign-in"),
    path("identity/consent", authorize.consent, name="consent"),
    path("identity/connect/token", identity.token, name="token"),
    path("identity/connect/revocation", identity.revocation, name="revocation"),
    path("identity/.well-known/openid-configuration", identity.discovery, name="discovery"),
    path("connections", api.connections, name="connections"),
    path("connections/<str:connection_id>", api.connection, name="connection"),
    path("api.xro/2.0/Organisation", api.organisation, name="organisation"),
    path("console/", console.console, name="console"),
]
