from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from operations import services
from operations.forms import PaymentForm
from operations.models import Invoice
from operations.services import PAYABLE, OperationError
from operations.views.common import error_field, organisation_today, to_invoice
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import scoped_get_or_404


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_INVOICES)
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = scoped_get_or_404(request, Invoice, pk=pk)
    if invoice.status not in PAYABLE:
        messages.error(
            request,
            f"Invoice {invoice} is {invoice.get_status_display()}: it cannot take payments.",
        )
        return to_invoice(invoice.pk)
    initial = {"amount": invoice.amount_due, "paid_on": organisation_today(request)}
    data = request.POST if request.method == "POST" else None
    form = PaymentForm(invoice, data, initial=initial)
    if form.is_valid() and _recorded(request, form):
        return to_invoice(invoice.pk)
    context = {"invoice": invoice, "form": form}
    return render(
        request, "operations/payment_form.html", context, status=400 if form.errors else 200
    )


def _recorded(request: HttpRequest, form: PaymentForm) -> bool:
    invoice, data = form.invoice, form.cleaned_data
    try:
        services.record_payment(invoice, data["amount"], data["paid_on"], data["reference"])
    except OperationError as error:
        # Another payment may have landed since the form was shown: say so beside the field.
        form.add_error(error_field(error, form.fields), error.message)
        return False
    messages.success(
        request,
        f"Payment of {data['amount']:,.2f} {invoice.currency} recorded. "
        f"{invoice.amount_due:,.2f} {invoice.currency} still due.",
    )
    return True
