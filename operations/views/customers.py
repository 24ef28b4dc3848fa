"""Customer pages: the list, and a customer's account (its invoices, payments and what
it owes). The kinds above add panels to the account page (accounting: the ledger's own
invoices and payments, from its mirror)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from operations import accounts, extensions
from operations.models import Customer, Invoice, Payment
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import scoped, scoped_get_or_404

PER_PAGE = 25
# The most recent invoices and payments shown on a customer's page.
SHOWN = 50


@require_GET
@require_capability(Capability.VIEW_INVOICES)
def customer_list(request: HttpRequest) -> HttpResponse:
    open_invoices = Q(invoices__status__in=accounts.OPEN)
    customers: QuerySet[Customer] = scoped(request, Customer).annotate(
        open_count=Count("invoices", filter=open_invoices),
        open_due=Sum("invoices__amount_due", filter=open_invoices),
    )
    page = Paginator(customers.order_by("name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "operations/customer_list.html", {"page": page})


@require_GET
@require_capability(Capability.VIEW_INVOICES)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = scoped_get_or_404(request, Customer, pk=pk)
    invoices = scoped(request, Invoice).filter(customer=customer).order_by("-issue_date", "-pk")
    payments = (
        scoped(request, Payment)
        .filter(invoice__customer=customer)
        .select_related("invoice")
        .order_by("-paid_on", "-pk")
    )
    context = {
        "customer": customer,
        "invoices": list(invoices[:SHOWN]),
        "invoice_count": invoices.count(),
        "payments": list(payments[:SHOWN]),
        "payment_count": payments.count(),
        "balances": sorted(accounts.balances(customer).items()),
        "panels": extensions.panels_for(request, customer),
    }
    return render(request, "operations/customer_detail.html", context)
