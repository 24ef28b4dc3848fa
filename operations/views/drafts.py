from __future__ import annotations

from django.contrib import messages
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from operations import services
from operations.forms import DraftInvoiceForm, LineForm, LineFormSet, filled_lines
from operations.models import Invoice
from operations.services import OperationError
from operations.views.common import error_field, organisation_today, to_invoice
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import current_organisation

LINES_PREFIX = "lines"


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_INVOICES)
def invoice_create(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    data = request.POST if request.method == "POST" else None
    today = organisation_today(request)
    form = DraftInvoiceForm(organisation, data, initial={"issue_date": today, "due_date": today})
    lines = LineFormSet(data, prefix=LINES_PREFIX, form_kwargs={"organisation": organisation})
    # Both are validated, not short-circuited, so every mistake is shown at once.
    if data is not None and all([form.is_valid(), lines.is_valid()]):
        invoice = _created(form, lines)
        if invoice is not None:
            messages.success(request, f"Draft invoice for {invoice.customer} created.")
            return to_invoice(invoice.pk)
    invalid = bool(form.errors or lines.total_error_count())
    context = {"form": form, "lines": lines}
    return render(request, "operations/invoice_form.html", context, status=400 if invalid else 200)


def _created(form: DraftInvoiceForm, lines: BaseFormSet[LineForm]) -> Invoice | None:
    data = form.cleaned_data
    try:
        return services.create_draft_invoice(
            data["customer"],
            filled_lines(lines),
            project=data["project"],
            issue_date=data["issue_date"],
            due_date=data["due_date"],
        )
    except OperationError as error:
        form.add_error(error_field(error, form.fields), error.message)
        return None
