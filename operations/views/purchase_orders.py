"""Purchase order pages: list, create, detail and the status steps."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from operations import purchasing
from operations.models import PurchaseOrder, PurchaseOrderLine
from operations.purchase_order_forms import OrderLineFormSet, PurchaseOrderForm, filled_lines
from operations.services import OperationError
from operations.views.common import error_field, organisation_today
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped, scoped_get_or_404

PER_PAGE = 25
LINES_PREFIX = "lines"
# The step each button takes, and how its message says it.
STEPS: dict[str, tuple[str, str]] = {
    "approve": (PurchaseOrder.Status.APPROVED, "approved: it goes to the ledger at the next sync"),
    "receive": (PurchaseOrder.Status.RECEIVED, "marked received"),
    "bill": (PurchaseOrder.Status.BILLED, "marked billed"),
}


def _to_order(pk: int) -> HttpResponseRedirect:
    return redirect("operations:purchase_order_detail", pk=pk)


@require_GET
@require_capability(Capability.VIEW_PURCHASE_ORDERS)
def purchase_order_list(request: HttpRequest) -> HttpResponse:
    orders = scoped(request, PurchaseOrder).select_related("supplier")
    page = Paginator(orders, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "operations/purchase_order_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_PURCHASE_ORDERS)
def purchase_order_create(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    data = request.POST if request.method == "POST" else None
    form = PurchaseOrderForm(
        organisation, data, initial={"order_date": organisation_today(request)}
    )
    lines = OrderLineFormSet(data, prefix=LINES_PREFIX, form_kwargs={"organisation": organisation})
    if data is not None and all([form.is_valid(), lines.is_valid()]):
        cleaned = form.cleaned_data
        try:
            order = purchasing.create_purchase_order(
                cleaned["supplier"],
                filled_lines(lines),
                booking=cleaned["booking"],
                project=cleaned["project"],
                order_date=cleaned["order_date"],
                delivery_date=cleaned["delivery_date"],
                notes=cleaned["notes"],
            )
        except OperationError as error:
            form.add_error(error_field(error, form.fields), error.message)
        else:
            messages.success(
                request, f"Purchase order {order.number} saved as a draft: approve it to send it."
            )
            return _to_order(order.pk)
    invalid = bool(form.errors or lines.total_error_count())
    context = {"form": form, "lines": lines}
    return render(
        request, "operations/purchase_order_form.html", context, status=400 if invalid else 200
    )


@require_GET
@require_capability(Capability.VIEW_PURCHASE_ORDERS)
def purchase_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lines = PurchaseOrderLine.objects.select_related("item", "tax_category", "expense_category")
    orders = (
        scoped(request, PurchaseOrder)
        .select_related("supplier", "project", "booking__item")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )
    order = get_object_or_404(orders, pk=pk)
    totals = purchasing.total_of(list(order.lines.all()))
    step = next(
        (name for name, (to, _) in STEPS.items() if purchasing.NEXT.get(order.status) == to), ""
    )
    context = {"order": order, "totals": totals, "step": step}
    return render(request, "operations/purchase_order_detail.html", context)


def _step(request: HttpRequest, pk: int, name: str) -> HttpResponseRedirect:
    order = scoped_get_or_404(request, PurchaseOrder, pk=pk)
    to, said = STEPS[name]
    try:
        order = purchasing.advance(order, to)
    except OperationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Purchase order {order.number} {said}.")
    return _to_order(order.pk)


@require_POST
@require_capability(Capability.MANAGE_PURCHASE_ORDERS)
def purchase_order_approve(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _step(request, pk, "approve")


@require_POST
@require_capability(Capability.MANAGE_PURCHASE_ORDERS)
def purchase_order_receive(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _step(request, pk, "receive")


@require_POST
@require_capability(Capability.MANAGE_PURCHASE_ORDERS)
def purchase_order_bill(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _step(request, pk, "bill")
