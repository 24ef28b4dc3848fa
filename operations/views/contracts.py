"""Recurring hire contract pages: list, create and edit, detail, pause, resume, end."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from operations import contracts
from operations.contract_forms import ContractForm, ContractLineFormSet, EndForm, line_initial
from operations.models import ContractIssuance, RecurringContract, RecurringContractLine
from operations.services import OperationError
from operations.views.common import error_field, organisation_today
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped, scoped_get_or_404

PER_PAGE = 25
LINES_PREFIX = "lines"


def to_contract(pk: int) -> HttpResponseRedirect:
    return redirect("operations:contract_detail", pk=pk)


@require_GET
@require_capability(Capability.VIEW_INVOICES)
def contract_list(request: HttpRequest) -> HttpResponse:
    rows = scoped(request, RecurringContract).select_related("customer")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "operations/contract_list.html", {"page": page})


@require_GET
@require_capability(Capability.VIEW_INVOICES)
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, scoped_get_or_404(request, RecurringContract, pk=pk), EndForm())


def _detail(
    request: HttpRequest, contract: RecurringContract, end_form: EndForm, status: int = 200
) -> HttpResponse:
    lines = RecurringContractLine.objects.select_related("item", "tax_category", "income_category")
    issuances = ContractIssuance.objects.filter(contract=contract).select_related("invoice")
    contract = get_object_or_404(
        scoped(request, RecurringContract)
        .select_related("customer")
        .prefetch_related(Prefetch("lines", queryset=lines)),
        pk=contract.pk,
    )
    span = contracts.next_span(contract)
    context = {
        "contract": contract,
        "issuances": [
            (row, contracts.day_range(row.period_start, row.period_end)) for row in issuances
        ],
        "next_span": span,
        "next_billing_on": span and contracts.billing_date(contract, span),
        "end_form": end_form,
    }
    return render(request, "operations/contract_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_INVOICES)
def contract_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_INVOICES)
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, scoped_get_or_404(request, RecurringContract, pk=pk))


def _form_page(request: HttpRequest, contract: RecurringContract | None) -> HttpResponse:
    organisation = current_organisation(request)
    data = request.POST if request.method == "POST" else None
    fixed = contract is not None and contract.issuances.exists()
    initial: dict[str, Any] = {"starts_on": organisation_today(request)}
    if contract is not None:
        initial = {name: getattr(contract, name) for name in contracts.CONTRACT_FIELDS}
    form = ContractForm(organisation, data, initial=initial, schedule_fixed=fixed)
    lines = ContractLineFormSet(
        data,
        prefix=LINES_PREFIX,
        initial=line_initial(contract) if contract is not None else None,
        form_kwargs={"organisation": organisation},
    )
    # Both are validated, not short-circuited, so every mistake is shown at once.
    if data is not None and all([form.is_valid(), lines.is_valid()]):
        saved = _saved(form, lines, contract, organisation)
        if saved is not None:
            verb = "saved" if contract is not None else "created"
            messages.success(request, f"Contract {saved.number} {verb}. {_next_words(saved)}")
            return to_contract(saved.pk)
    invalid = bool(form.errors or lines.total_error_count())
    context = {"form": form, "lines": lines, "contract": contract}
    return render(request, "operations/contract_form.html", context, status=400 if invalid else 200)


def _saved(
    form: ContractForm, lines: Any, contract: RecurringContract | None, organisation: Any
) -> RecurringContract | None:
    fields = {name: form.cleaned_data[name] for name in contracts.CONTRACT_FIELDS}
    try:
        if contract is None:
            return contracts.create_contract(organisation, lines.lines(), **fields)
        return contracts.update_contract(contract, lines.lines(), **fields)
    except OperationError as error:
        form.add_error(error_field(error, form.fields), error.message)
        return None


def _next_words(contract: RecurringContract) -> str:
    span = contracts.next_span(contract)
    if contract.status == RecurringContract.Status.PAUSED:
        return "It is paused: resume it to invoice again."
    if span is None:
        return "Every period is invoiced."
    when = contracts.billing_date(contract, span)
    return f"Its next invoice ({span.describe()}) goes out on {when:%d %b %Y}."


@require_POST
@require_capability(Capability.MANAGE_INVOICES)
def contract_pause(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    contract = scoped_get_or_404(request, RecurringContract, pk=pk)
    try:
        contracts.pause_contract(contract)
    except OperationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Contract {contract.number} paused: no invoices go out until you resume it, "
            "and the paused time is never invoiced.",
        )
    return to_contract(contract.pk)


@require_POST
@require_capability(Capability.MANAGE_INVOICES)
def contract_resume(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    contract = scoped_get_or_404(request, RecurringContract, pk=pk)
    try:
        resumed = contracts.resume_contract(contract, organisation_today(request))
    except OperationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Contract {resumed.number} resumed. {_next_words(resumed)}")
    return to_contract(contract.pk)


@require_POST
@require_capability(Capability.MANAGE_INVOICES)
def contract_end(request: HttpRequest, pk: int) -> HttpResponse:
    contract = scoped_get_or_404(request, RecurringContract, pk=pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            ended = contracts.end_contract(contract, form.cleaned_data["last_day"])
        except OperationError as error:
            form.add_error(error_field(error, form.fields), error.message)
        else:
            messages.success(
                request,
                f"Contract {ended.number} ends on {ended.ends_on:%d %b %Y}. {_next_words(ended)}",
            )
            return to_contract(contract.pk)
    return _detail(request, contract, form, status=400)
