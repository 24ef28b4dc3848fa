"""OAuth 2.0's error answers (RFC 6749, section 5.2) and the redirects back to an app."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse


class OAuthError(Exception):
    """An error the token or revocation endpoint answers as `{"error": ...}`."""

    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def invalid_grant() -> OAuthError:
    return OAuthError("invalid_grant")


def required(form: Mapping[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise OAuthError("invalid_request")
    return value


def no_store(response: HttpResponse) -> HttpResponse:
    # RFC 6749, section 5.1: token responses must not be cached.
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def oauth_error(error: str, status: int = 400) -> HttpResponse:
    """The error alone, without a description: what the emulated providers answer."""
    return no_store(JsonResponse({"error": error}, status=status))


def with_query(uri: str, params: Mapping[str, str]) -> str:
    separator = "&" if "?" in uri else "?"
    return f"{uri}{separator}{urlencode(params)}"


def error_redirect(redirect_uri: str, state: str, error: str, description: str = "") -> str:
    params = {"error": error}
    if description:
        params["error_description"] = description
    if state:
        params["state"] = state
    return with_query(redirect_uri, params)
