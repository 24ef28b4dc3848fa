"""quickbooks.api.intuit.com/v3/company/{realmId}/... in the sandbox."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sandbox.quickbooks import endpoints
from sandbox.quickbooks.entities.registry import BY_NAME


@csrf_exempt  # called by apps with a Bearer token, never from a browser form
@require_POST
def entity_write(request: HttpRequest, realm_id: str, entity: str) -> HttpResponse:
    """POST /{entity}: create, update, ?operation=delete or ?operation=void."""
    return endpoints.write(request, realm_id, BY_NAME[entity])


@require_GET
def entity_read(request: HttpRequest, realm_id: str, entity: str, entity_id: str) -> HttpResponse:
    """GET /{entity}/{id}; CompanyInfo is read at /companyinfo/{realmId} and is Id 1."""
    if entity == "CompanyInfo" and entity_id == realm_id:
        entity_id = "1"
    return endpoints.read(request, realm_id, BY_NAME[entity], entity_id)


@require_GET
def preferences(request: HttpRequest, realm_id: str) -> HttpResponse:
    return endpoints.read(request, realm_id, BY_NAME["Preferences"], "1")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def query(request: HttpRequest, realm_id: str) -> HttpResponse:
    return endpoints.run_query(request, realm_id)


@require_GET
def cdc(request: HttpRequest, realm_id: str) -> HttpResponse:
    return endpoints.run_cdc(request, realm_id)


@csrf_exempt
@require_POST
def batch(request: HttpRequest, realm_id: str) -> HttpResponse:
    return endpoints.run_batch(request, realm_id)
