"""Sage's endpoints under /sandbox/sage/, at Sage's own paths.

oauth2/auth/central stands for www.sageone.com; oauth/token and oauth/revoke for
oauth.accounting.sage.com; v3.1/* for api.accounting.sage.com/v3.1. No trailing
slashes, as at Sage.
"""

from django.urls import path

from sandbox.sage.views import authorize, identity

app_name = "sage"

urlpatterns = [
    path("oauth2/auth/central", authorize.authorize, name="authorize"),
    path("oauth2/sign-in", authorize.sign_in, name="sign-in"),
    path("oauth2/consent", authorize.consent, name="consent"),
    path("oauth/token", identity.token, name="token"),
    path("oauth/revoke", identity.revoke, name="revoke"),
]
