"""Accounting sync pages: mappings, Sync Now and the audit log."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounting import labels, push_choices, remote_choices, resolve
from accounting.engine import records
from accounting.engine.reviews import document_label
from accounting.forms import (
    AuditFilterForm,
    ConnectionQuery,
    MappingForm,
    MonthQuery,
    PlatformQuery,
    PushChoicesForm,
    ResolveForm,
    field_name,
)
from accounting.mappings import missing_mappings
from accounting.models import AccountMapping, Entity, RemoteChoices, Review
from accounting.reconciliation import as_csv as report_csv
from accounting.reconciliation import build as build_report
from accounting.registry import accounting_slugs, adapter_class_for
from accounting.tasks import refresh_ledger_balances
from integrations import runs
from integrations.models import AuditEntry, Connection, SyncRun
from integrations.registry import platform_name
from integrations.syncs import sync_connection
from operations.models import ExpenseCategory, IncomeCategory, TaxCategory
from tenancy.access import has_capability, require_capability
from tenancy.models import User
from tenancy.params import parse_query, valid_values, without
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped, scoped_get_or_404

AUDIT_PAGE = 50


def _active_ledgers(request: HttpRequest) -> QuerySet[Connection]:
    """The organisation's accounting connections that are not disconnected."""
    return scoped(request, Connection).filter(
        provider__in=accounting_slugs(), state__in=Connection.ACTIVE_STATES
    )


def active_ledger(request: HttpRequest, pk: int) -> Connection:
    """One of them, or 404 (another organisation's, a calendar's, a disconnected one)."""
    return get_object_or_404(_active_ledgers(request), pk=pk)


def _accounting_connection(request: HttpRequest) -> Connection | None:
    """The organisation's accounting connection; with one company per legal entity, the
    one ``?connection=`` names (mappings are per company)."""
    rows = _active_ledgers(request).select_related("organisation").order_by("pk")
    wanted = valid_values(parse_query(request, ConnectionQuery)).get("connection")
    return rows.filter(pk=wanted).first() if wanted else rows.first()


def _mapping_form(
    request: HttpRequest, connection: Connection, cached: RemoteChoices
) -> MappingForm:
    """The form offers the cached choices: building it never calls the provider."""
    shown = adapter_class_for(connection.provider).mapped_code
    current = {
        field_name(m.kind, m.local_id): shown(m.remote_code)
        for m in AccountMapping.objects.filter(connection=connection)
    }
    data = request.POST if request.method == "POST" else None
    return MappingForm(
        connection.organisation,
        remote_choices.accounts(cached),
        remote_choices.tax_rates(cached),
        data,
        initial=current,
        tracking=remote_choices.tracking(cached),
        sells_stock=adapter_class_for(connection.provider).sells_stock,
        expense_accounts=remote_choices.expense_accounts(cached)
        if adapter_class_for(connection.provider).pushes_purchase_orders
        else None,
    )


def _save(connection: Connection, form: MappingForm) -> None:
    with transaction.atomic():
        for kind, local_id, code, name in form.mappings():
            if not code:  # an optional mapping (class, location, ...) left empty
                AccountMapping.objects.filter(
                    connection=connection, kind=kind, local_id=local_id
                ).delete()
                continue
            AccountMapping.objects.update_or_create(
                connection=connection,
                kind=kind,
                local_id=local_id,
                defaults={
                    "organisation_id": connection.organisation_id,
                    "remote_code": code,
                    "remote_name": name,
                },
            )


Kind = AccountMapping.Kind


def _saved_rows(connection: Connection) -> list[tuple[str, str]]:
    """The saved mappings as people read them: "Income category: Equipment hire" ->
    "Sales" (names, never ids)."""
    organisation = connection.organisation_id
    incomes = dict(
        IncomeCategory.objects.filter(organisation=organisation).values_list("pk", "name")
    )
    taxes = dict(TaxCategory.objects.filter(organisation=organisation).values_list("pk", "name"))
    expenses = dict(
        ExpenseCategory.objects.filter(organisation=organisation).values_list("pk", "name")
    )
    named_by: dict[str, dict[int, str]] = {
        Kind.EXPENSE: expenses,
        Kind.INCOME: incomes,
        Kind.CLASS: incomes,
        Kind.TAX: taxes,
    }
    rows = []
    for mapping in AccountMapping.objects.filter(connection=connection).order_by("kind", "pk"):
        local = named_by.get(mapping.kind, {}).get(mapping.local_id, "")
        label = f"{mapping.get_kind_display()}: {local}" if local else mapping.get_kind_display()
        rows.append((label, mapping.remote_name or mapping.remote_code))
    return rows


def _panel_context(connection: Connection, cached: RemoteChoices) -> dict[str, Any]:
    """What the choices panel shows besides the form: when the copy was fetched, whether
    a refresh runs (the panel then polls itself), and the mappings already saved."""
    return {
        "choices": cached,
        "refreshing": remote_choices.is_refreshing(cached),
        "provider_name": platform_name(connection),
        "saved": _saved_rows(connection),
        "panel_url": f"{reverse('accounting:mappings')}?connection={connection.pk}",
        "purchase_orders_note": adapter_class_for(connection.provider).purchase_orders_note,
    }


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@require_capability(Capability.VIEW_INTEGRATION_SETTINGS)
def mappings(request: HttpRequest) -> HttpResponseBase:
    connection = _accounting_connection(request)
    context: dict[str, Any] = {
        "connection": connection,
        "query_form": parse_query(request, ConnectionQuery),
    }
    if connection is None:
        return render(request, "accounting/mappings.html", context)
    can_edit = has_capability(request, Capability.EDIT_INTEGRATION_SETTINGS)
    if request.method == "POST" and not can_edit:
        return render(
            request,
            "403.html",
            {"exception": "Your role can view mappings, not change them."},
            status=403,
        )
    cached = remote_choices.fresh_or_requested(connection)
    context.update(_panel_context(connection, cached), can_edit=can_edit)
    if adapter_class_for(connection.provider).pushes_time_activities:
        context["crew_url"] = reverse("accounting:crew_mappings", kwargs={"pk": connection.pk})
    template = "accounting/_mappings_panel.html" if request.htmx else "accounting/mappings.html"  # type: ignore[attr-defined]
    if cached.fetched_at is None:  # nothing cached yet: the panel says so and polls
        status = 409 if request.method == "POST" else 200
        if request.method == "POST":
            context["load_error"] = (
                f"The choices from {context['provider_name']} are still being fetched, so "
                "nothing was saved. Save again once they appear below."
            )
        return render(request, template, context, status=status)
    form = _mapping_form(request, connection, cached)
    if request.method == "POST" and form.is_valid():
        _save(connection, form)
        messages.success(request, "Mappings saved. The next sync uses them.")
        return redirect("integrations:index")
    context.update(form=form, missing=missing_mappings(connection))
    return render(request, template, context, status=400 if form.errors else 200)


@require_POST
@require_capability(Capability.EDIT_INTEGRATION_SETTINGS)
def refresh_mapping_choices(request: HttpRequest, pk: int) -> HttpResponseBase:
    """ "Refresh from <provider>": a task fetches the choices; the page shows progress."""
    connection = active_ledger(request, pk)
    remote_choices.request_refresh(connection)
    return redirect(f"{reverse('accounting:mappings')}?connection={connection.pk}")


@require_http_methods(["GET", "POST"])
@require_capability(Capability.VIEW_INTEGRATION_SETTINGS)
def push_choices_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A connection's push choices: invoices as drafts or approved, and a start date."""
    connection = active_ledger(request, pk)
    can_edit = has_capability(request, Capability.EDIT_INTEGRATION_SETTINGS)
    if request.method == "POST" and not can_edit:
        return render(
            request,
            "403.html",
            {"exception": "Your role can view the push choices, not change them."},
            status=403,
        )
    current = push_choices.choices_of(connection)
    initial = {"invoice_status": current.invoice_status, "start_date": current.start_date}
    form = PushChoicesForm(request.POST if request.method == "POST" else None, initial=initial)
    provider = platform_name(connection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        push_choices.save(connection, data["invoice_status"], data["start_date"])
        messages.success(request, f"Push choices for {provider} saved. The next sync uses them.")
        return redirect("integrations:index")
    context = {
        "connection": connection,
        "provider_name": provider,
        "form": form,
        "can_edit": can_edit,
    }
    status = 400 if form.errors else 200
    return render(request, "accounting/push_choices.html", context, status=status)


# A local path to return to: no scheme, no host, no control characters.
LOCAL_PATH = re.compile(r"/(?!/)[\w\-./?=&%]*")


def _back(request: HttpRequest, fallback: str) -> HttpResponseBase:
    wanted = request.POST.get("next", "")
    if LOCAL_PATH.fullmatch(wanted) and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(wanted)
    return HttpResponseRedirect(fallback)


def _include(request: HttpRequest, entity: str, pk: int, fallback: str) -> HttpResponseBase:
    organisation = current_organisation(request)
    try:
        included = push_choices.include_before_start(
            organisation, entity, pk, request.user if isinstance(request.user, User) else None
        )
    except push_choices.NotIncludable as refusal:
        raise Http404(str(refusal)) from refusal
    label = str(push_choices.INCLUDABLE[entity].objects.get(pk=pk))  # type: ignore[index]
    if included:
        names = ", ".join(sorted({platform_name(row.connection) for row in included}))
        messages.success(
            request, f"{label} will go to {names} with the next sync, despite the start date."
        )
    else:
        messages.info(request, f"No accounting platform is connected to push {label} to.")
    return _back(request, fallback)


@require_POST
@require_capability(Capability.EDIT_INTEGRATION_SETTINGS)
def include_invoice(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Push this invoice (with its payments and credits) although it was issued before
    the connection's sync start date. POST from the invoice page; ``next`` returns there."""
    return _include(request, Entity.INVOICE, pk, reverse("operations:invoice_detail", args=[pk]))


@require_POST
@require_capability(Capability.EDIT_INTEGRATION_SETTINGS)
def include_credit_note(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The same for a credit note issued before the start date."""
    return _include(request, Entity.CREDIT_NOTE, pk, reverse("integrations:index"))


@require_POST
@require_capability(Capability.MANAGE_CONNECTIONS)
def sync_now(request: HttpRequest, pk: int) -> HttpResponseBase:
    connection = scoped_get_or_404(request, Connection, pk=pk, provider__in=accounting_slugs())
    if missing_mappings(connection):
        messages.error(request, "Set up the account mappings before the first sync.")
        return redirect("accounting:mappings")
    try:
        run = runs.start(connection, SyncRun.Trigger.MANUAL)
    except runs.RunBusy:
        messages.info(request, "A sync is already running; its progress is on the card.")
    else:
        sync_connection.delay(connection.pk, SyncRun.Trigger.MANUAL, run.pk)
    card = reverse(f"integrations:card-{connection.provider}")
    if request.htmx:  # type: ignore[attr-defined]
        return redirect(card)
    return redirect("integrations:index")


def _filtered(request: HttpRequest, chosen: dict[str, Any]) -> Any:
    """The audit entries the valid filters select; a refused filter selects nothing."""
    entries = scoped(request, AuditEntry).select_related("connection")
    entries = entries.filter(connection__provider__in=accounting_slugs())
    if "connection" in chosen:
        entries = entries.filter(connection_id=chosen["connection"])
    if "run" in chosen:
        entries = entries.filter(run_id=chosen["run"])
    if "entity" in chosen:
        entries = entries.filter(entity=chosen["entity"])
    if "outcome" in chosen:
        entries = entries.filter(outcome=chosen["outcome"])
    if "since" in chosen:
        entries = entries.filter(created_at__date__gte=chosen["since"])
    if "before" in chosen:  # keyset paging: older than this id
        entries = entries.filter(id__lt=chosen["before"])
    return entries


@require_GET
@require_capability(Capability.VIEW_LOGS)
def reconciliation(request: HttpRequest) -> HttpResponse:
    query = parse_query(request, MonthQuery)
    chosen = valid_values(query)
    month = chosen.get("month") or date.today().replace(day=1)
    organisation = current_organisation(request)
    platform = chosen.get("connection")
    report = build_report(organisation, month, platform)
    if chosen.get("format") == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        name = f"patchbay-reconciliation-{report.month:%Y-%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    can_refresh = has_capability(request, Capability.MANAGE_CONNECTIONS)
    context = {
        "report": report,
        "query_form": query,
        "can_refresh": can_refresh,
        "platforms": labels.ledger_connections(organisation),
        "chosen_platform": platform,
    }
    return render(request, "accounting/reconciliation.html", context)


@require_POST
@require_capability(Capability.MANAGE_CONNECTIONS)
def refresh_ledger(request: HttpRequest) -> HttpResponseBase:
    """Read the month's invoices from each accounting ledger, in a task (no page waits on
    a provider); the reconciliation shows them once read."""
    form = MonthQuery(request.POST)
    form.is_valid()  # a refused month falls back to this month
    chosen = valid_values(form)
    month = chosen.get("month") or date.today().replace(day=1)
    for connection in _active_ledgers(request):
        refresh_ledger_balances.delay(connection.pk, month.isoformat())
    messages.info(
        request, "Reading this month's invoices from the ledger; reload in a moment to compare."
    )
    return redirect(f"{reverse('accounting:reconciliation')}?month={month:%Y-%m}")


@require_GET
@require_capability(Capability.VIEW_LOGS)
def sync_runs(request: HttpRequest) -> HttpResponse:
    """The latest runs with their counts and every error, newest first; one platform's
    with ?connection=<id>."""
    query = parse_query(request, PlatformQuery)
    chosen = valid_values(query)
    latest = (
        scoped(request, SyncRun)
        .filter(connection__provider__in=accounting_slugs())
        .select_related("connection")
        .order_by("-started_at", "-pk")
    )
    if "connection" in chosen:
        latest = latest.filter(connection_id=chosen["connection"])
    shown = list(latest[:50])
    organisation = current_organisation(request)
    names = labels.names_of(
        organisation,
        (
            (error["entity"], error["local_id"])
            for run in shown
            for error in run.errors
            if error.get("entity") and error.get("local_id")
        ),
    )
    for run in shown:
        run.platform = labels.platform_of(run.connection)  # type: ignore[attr-defined]
        run.error_rows = [  # type: ignore[attr-defined]
            _error_row(error, names) for error in run.errors
        ]
    context = {
        "runs": shown,
        "query_form": query,
        "platforms": labels.ledger_connections(organisation),
        "chosen_platform": chosen.get("connection"),
    }
    return render(request, "accounting/runs.html", context)


def _error_row(error: dict[str, Any], names: dict[labels.Ref, str]) -> dict[str, str]:
    """A run's error with its record named (INV-0004) and linked where it has a page."""
    entity, local_id = error.get("entity"), error.get("local_id")
    if not entity or not local_id:
        return {"message": error["message"], "record": "", "url": ""}
    return {
        "message": error["message"],
        "record": names.get((entity, int(local_id)), ""),
        "url": labels.page_of(entity, int(local_id)),
    }


@require_GET
@require_capability(Capability.VIEW_LOGS)
def audit_log(request: HttpRequest) -> HttpResponse:
    """Newest first, paged by keyset (?before=<id>) so it stays fast at millions of rows."""
    filters = parse_query(request, AuditFilterForm)
    entries = _filtered(request, valid_values(filters))
    page = list(entries.order_by("-id")[: AUDIT_PAGE + 1])
    kinds = dict(Entity.choices)
    organisation = current_organisation(request)
    names = labels.names_of(
        organisation,
        ((e.entity, i) for e in page if e.entity in kinds for i in e.local_ids or []),
    )
    for entry in page:  # the platform's audit stores the entity as the kind named it
        entry.entity_label = kinds.get(entry.entity, entry.entity)
        entry.platform = labels.platform_of(entry.connection)
        entry.records = [names.get((entry.entity, int(i)), str(i)) for i in entry.local_ids or []]
    context = {
        "platforms": labels.ledger_connections(organisation),
        "entries": page[:AUDIT_PAGE],
        "next_before": page[AUDIT_PAGE - 1].id if len(page) > AUDIT_PAGE else None,
        "entities": Entity.choices,
        "outcomes": AuditEntry.Outcome.choices,
        "query": request.GET,
        "query_form": filters,
        "query_without_cursor": without(request.GET, "before"),
    }
    return render(request, "accounting/audit_log.html", context)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(" · ".join(str(part) for part in row) for row in value) or "—"
    return str(value) if value not in ("", None) else "—"


def _side_by_side(review: Review) -> list[tuple[str, str, str, bool]]:
    """(field, Patchbay's value, the ledger's value, differs) for each owned field."""
    mine, theirs = review.patchbay_version, review.ledger_version
    names = [name for name in {**theirs, **mine} if not name.startswith("_")]
    return [
        (
            name.replace("_", " ").capitalize(),
            _shown(mine.get(name)),
            _shown(theirs.get(name)),
            mine.get(name) != theirs.get(name),
        )
        for name in names
    ]


def _candidates(review: Review) -> list[Any]:

    found = (records.get(review.connection, review.entity, pk) for pk in review.candidates)
    return [record for record in found if record is not None]


@require_GET
@require_capability(Capability.VIEW_LOGS)
def reviews(request: HttpRequest) -> HttpResponse:
    """Open conflicts and ambiguous matches first, then the latest resolved."""
    query = parse_query(request, PlatformQuery)
    chosen = valid_values(query)
    rows = scoped(request, Review).select_related("connection", "resolved_by")
    if "connection" in chosen:
        rows = rows.filter(connection_id=chosen["connection"])
    organisation = current_organisation(request)
    open_rows = list(rows.filter(resolution=Review.Resolution.OPEN).order_by("-detected_at"))
    for review in open_rows:
        review.candidate_records = _candidates(review)  # type: ignore[attr-defined]
        review.field_rows = _side_by_side(review)  # type: ignore[attr-defined]
    resolved = list(rows.exclude(resolution=Review.Resolution.OPEN).order_by("-resolved_at")[:50])
    progress = resolve.push_progress(resolved)
    for review in resolved:
        review.progress = progress.get(review.pk, "")  # type: ignore[attr-defined]
    names = labels.names_of(
        organisation,
        ((r.entity, r.local_id) for r in [*open_rows, *resolved] if r.local_id is not None),
    )
    for review in [*open_rows, *resolved]:
        review.platform = labels.platform_of(review.connection)  # type: ignore[attr-defined]
        review.record_name = (  # type: ignore[attr-defined]
            names.get((review.entity, review.local_id), "") if review.local_id else ""
        )
    context = {
        "query_form": query,
        "platforms": labels.ledger_connections(organisation),
        "chosen_platform": chosen.get("connection"),
        "open_reviews": open_rows,
        "resolved": resolved,
        "can_resolve": has_capability(request, Capability.RESOLVE_CONFLICTS),
    }
    return render(request, "accounting/reviews.html", context)


@require_POST
@require_capability(Capability.RESOLVE_CONFLICTS)
def resolve_review(request: HttpRequest, pk: int) -> HttpResponseBase:
    review = scoped_get_or_404(request, Review, pk=pk, resolution=Review.Resolution.OPEN)
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - require_capability signed them in
    form = ResolveForm(request.POST)
    choice = form.cleaned_data["choice"] if form.is_valid() else None
    try:
        if choice == "keep_ledger" and review.kind == Review.Kind.CONFLICT:
            resolve.keep_ledger(review, user)
            messages.success(request, "Kept the ledger's version. Patchbay won't push over it.")
        elif choice == "push_patchbay" and review.kind == Review.Kind.CONFLICT:
            resolve.push_patchbay(review, user)
            sync_connection.delay(review.connection_id, SyncRun.Trigger.MANUAL)
            messages.success(request, "Patchbay's version is being pushed now.")
        elif choice == "create" and review.kind == Review.Kind.MATCH:
            resolve.create_new(review, user)
            messages.success(request, "Created a new Patchbay record and linked it.")
        elif choice == "push_again" and review.kind == Review.Kind.REMOVED:
            resolve.push_again(review, user)
            sync_connection.delay(review.connection_id, SyncRun.Trigger.MANUAL)
            messages.success(
                request,
                f"{document_label(review.entity, review.local_id)} goes to "
                f"{platform_name(review.connection)} again as a new document: a sync has "
                "started.",
            )
        elif choice == "leave_removed" and review.kind == Review.Kind.REMOVED:
            resolve.leave_removed(review, user)
            messages.success(
                request,
                f"{document_label(review.entity, review.local_id)} stays removed in "
                f"{platform_name(review.connection)}: Patchbay sends it nothing more.",
            )
        elif isinstance(choice, int) and review.kind == Review.Kind.MATCH:
            resolve.link_candidate(review, choice, user)
            messages.success(request, "Linked. From now on the two are matched by id.")
        else:
            messages.error(request, "Choose one of the options shown.")
    except resolve.CannotResolve as error:
        messages.error(request, error.message)
    return redirect("accounting:reviews")
