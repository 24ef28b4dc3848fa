from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from operations.models import Invoice
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import scoped


@require_GET
@require_capability(Capability.VIEW_INVOICES)
def invoice_list(request: HttpRequest) -> HttpResponse:
    invoices = scoped(request, Invoice).select_related("customer")[:50]
    return render(request, "operations/invoice_list.html", {"invoices": invoices})
