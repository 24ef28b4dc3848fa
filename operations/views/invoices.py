from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from operations import extensions, services
from operations.forms import InvoiceFilterForm
from operations.models import Invoice, InvoiceLine
from operations.services import PAYABLE, OperationError
from operations.views.common import to_invoice
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped, scoped_get_or_404

PER_PAGE = 25


@require_GET
@require_capability(Capability.VIEW_INVOICES)
def invoice_list(request: HttpRequest) -> HttpResponse:
    filters = InvoiceFilterForm(request.GET)
    status = filters.chosen_status()
    invoices: QuerySet[Invoice] = scoped(request, Invoice).select_related("customer")
    if status:
        invoices = invoices.filter(status=status)
    invoices = filters.narrow(invoices, current_organisation(request).pk)
    # get_page turns page=abc into the first page and page=9999 into the last one.
    page = Paginator(invoices, PER_PAGE).get_page(request.GET.get("page"))
    label = Invoice.Status(status).label if status else ""
    chosen = {"status": status, **filters.chosen_extras()} if status else filters.chosen_extras()
    context = {
        "filters": filters,
        "status": status,
        "status_label": label,
        "page": page,
        "filtered": bool(chosen),
        # Kept on the pages' links so paging stays within the filter.
        "query": urlencode(chosen),
    }
    return render(request, "operations/invoice_list.html", context)


@require_GET
@require_capability(Capability.VIEW_INVOICES)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lines = InvoiceLine.objects.select_related("item", "tax_category", "income_category")
    invoices = (
        scoped(request, Invoice)
        .select_related("customer", "project")
        .prefetch_related(Prefetch("lines", queryset=lines), "payments", "credit_notes")
    )
    invoice = get_object_or_404(invoices, pk=pk)
    context = {
        "invoice": invoice,
        "totals": services.totals_of(invoice.lines.all()),
        "payable": invoice.status in PAYABLE,
        "panels": extensions.panels_for(request, invoice),
    }
    return render(request, "operations/invoice_detail.html", context)


@require_POST
@require_capability(Capability.MANAGE_INVOICES)
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    invoice = scoped_get_or_404(request, Invoice, pk=pk)
    try:
        services.issue_invoice(invoice)
    except OperationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Invoice {invoice.number} issued: {invoice.total:,.2f} {invoice.currency} "
            f"due by {invoice.due_date:%d %b %Y}.",
        )
    return to_invoice(invoice.pk)
