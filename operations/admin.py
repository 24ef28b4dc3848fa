"""Django admin for platform staff: every operations model, across organisations.

Statuses, numbers and totals are read-only here; they change only through
``operations.services`` (the admin actions call it), so the admin cannot leave an
invoice whose amount due disagrees with its payments.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from operations import money, services
from operations.models import (
    Booking,
    CreditNote,
    CreditNoteLine,
    CrewAssignment,
    Customer,
    EquipmentCategory,
    EquipmentItem,
    ExpenseCategory,
    IncomeCategory,
    Invoice,
    InvoiceLine,
    Payment,
    Project,
    Quote,
    QuoteLine,
    TaxCategory,
)
from operations.services import OperationError
from tenancy.models import TenantModel

ORGANISATION_FILTER = ("organisation", admin.RelatedOnlyFieldListFilter)
TIMESTAMPS = ("created_at", "updated_at")


def _foreign_tenant_fields(organisation_id: int | None, cleaned_data: dict[str, Any]) -> list[str]:
    """Fields that point at a row of another organisation than ``organisation_id``."""
    return [
        name
        for name, value in cleaned_data.items()
        if isinstance(value, TenantModel) and value.organisation_id != organisation_id
    ]


class SameOrganisationForm(forms.ModelForm[Any]):
    """Refuses, field by field, a related row that belongs to another organisation.

    Autocomplete offers staff every organisation's rows; this keeps a typo from
    joining two tenants' records.
    """

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation") or getattr(self.instance, "organisation", None)
        if organisation is not None:
            for name in _foreign_tenant_fields(organisation.pk, cleaned):
                self.add_error(name, f"Choose one of {organisation}'s records.")
        return cleaned


class LineFormSet(BaseInlineFormSet[Any, Any, Any]):
    """Lines take their organisation from their document and may not reach outside it."""

    def clean(self) -> None:
        super().clean()
        organisation_id = self.instance.organisation_id
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            for name in _foreign_tenant_fields(organisation_id, form.cleaned_data):
                if name != self.fk.name:
                    form.add_error(name, "Choose a record of the document's organisation.")
        self._check_total()

    def _check_total(self) -> None:
        """Each line fits (model validation); together they must fit the total too."""
        kept = [
            form.instance
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
        ]
        if any(form.errors for form in self.forms) or not kept:
            return
        what = self.instance._meta.verbose_name
        try:
            money.check_total(money.total_of(line.amounts for line in kept).gross, what)
        except money.OutOfBounds as error:
            raise forms.ValidationError(error.message) from None

    def save_new(self, form: forms.ModelForm[Any], commit: bool = True) -> Any:
        form.instance.organisation_id = self.instance.organisation_id
        return super().save_new(form, commit=commit)


class DraftLinesInline(admin.TabularInline[Any, Any]):
    """Lines are editable while their document is a draft, and frozen after."""

    formset = LineFormSet
    extra = 0
    exclude = ("organisation",)
    autocomplete_fields = ("item", "tax_category", "income_category")

    def _draft(self, obj: Model | None) -> bool:
        return obj is None or getattr(obj, "status", None) == "draft"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


class QuoteLineInline(DraftLinesInline):
    model = QuoteLine


class InvoiceLineInline(DraftLinesInline):
    model = InvoiceLine


class CreditNoteLineInline(DraftLinesInline):
    model = CreditNoteLine


class PaymentInline(admin.TabularInline[Payment, Invoice]):
    model = Payment
    extra = 0
    fields = ("paid_on", "amount", "reference")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TenantAdmin(admin.ModelAdmin[Any]):
    form = SameOrganisationForm
    autocomplete_fields: ClassVar[tuple[str, ...]] = ("organisation",)
    list_filter: ClassVar[tuple[Any, ...]] = (ORGANISATION_FILTER,)
    list_select_related: ClassVar[tuple[str, ...]] = ("organisation",)
    readonly_fields: ClassVar[tuple[str, ...]] = TIMESTAMPS


class DocumentAdmin(TenantAdmin):
    """Quotes, invoices and credit notes: a draft's total follows its lines on save."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        document = form.instance
        if document.status == "draft":
            document.total = services.document_totals(document).total
            if isinstance(document, Invoice):
                document.amount_due = document.total
            document.save()

    def _run(
        self, request: HttpRequest, queryset: QuerySet[Any], service: Any, outcome: str
    ) -> None:
        """Apply ``service`` to each selected document; refusals are reported one by one."""
        done = 0
        for document in queryset:
            try:
                service(document)
            except OperationError as error:
                self.message_user(request, f"{document}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} {outcome}.", messages.SUCCESS)


# --- Categories ----------------------------------------------------------------------


@admin.register(IncomeCategory, ExpenseCategory)
class LedgerCategoryAdmin(TenantAdmin):
    list_display = ("name", "code", "organisation")
    search_fields = ("name", "code", "organisation__name")


@admin.register(TaxCategory)
class TaxCategoryAdmin(TenantAdmin):
    list_display = ("name", "rate", "organisation")
    search_fields = ("name", "organisation__name")


# --- Customers and equipment -----------------------------------------------------------


@admin.register(Customer)
class CustomerAdmin(TenantAdmin):
    list_display = ("name", "email", "currency", "tax_number", "organisation")
    list_filter = (ORGANISATION_FILTER, "currency")
    search_fields = ("name", "email", "tax_number", "organisation__name")


@admin.register(EquipmentCategory)
class EquipmentCategoryAdmin(TenantAdmin):
    list_display = ("name", "visibility", "organisation")
    list_filter = (ORGANISATION_FILTER, "visibility")
    search_fields = ("name", "organisation__name")


@admin.register(EquipmentItem)
class EquipmentItemAdmin(TenantAdmin):
    list_display = (
        "name",
        "sku",
        "category",
        "stock_quantity",
        "sold_as_stock",
        "daily_rate",
        "organisation",
    )
    list_filter = (ORGANISATION_FILTER, "category__visibility", "sold_as_stock")
    list_select_related = ("organisation", "category")
    search_fields = ("name", "sku", "organisation__name")
    autocomplete_fields = ("organisation", "category")


# --- Projects, crew, bookings -----------------------------------------------------------


@admin.register(Project)
class ProjectAdmin(TenantAdmin):
    list_display = ("name", "client", "venue", "starts_at", "ends_at", "status", "organisation")
    list_filter = (ORGANISATION_FILTER, "status")
    list_select_related = ("organisation", "client")
    search_fields = ("name", "venue", "client__name", "organisation__name")
    autocomplete_fields = ("organisation", "client")
    date_hierarchy = "starts_at"


@admin.register(CrewAssignment)
class CrewAssignmentAdmin(TenantAdmin):
    list_display = ("user", "role", "project", "starts_at", "ends_at", "organisation")
    list_filter = (ORGANISATION_FILTER,)
    list_select_related = ("organisation", "project", "user")
    search_fields = ("role", "user__email", "user__full_name", "project__name")
    autocomplete_fields = ("organisation", "project", "user")


@admin.register(Booking)
class BookingAdmin(TenantAdmin):
    list_display = ("item", "quantity", "project", "starts_on", "ends_on", "organisation")
    list_filter = (ORGANISATION_FILTER,)
    list_select_related = ("organisation", "item", "project")
    search_fields = ("item__name", "project__name", "organisation__name")
    autocomplete_fields = ("organisation", "item", "project")
    date_hierarchy = "starts_on"


# --- Sales documents --------------------------------------------------------------------


@admin.register(Quote)
class QuoteAdmin(DocumentAdmin):
    list_display = ("number", "customer", "issue_date", "status", "total", "currency")
    list_filter = (ORGANISATION_FILTER, "status")
    list_select_related = ("organisation", "customer")
    search_fields = ("number", "customer__name", "organisation__name")
    autocomplete_fields = ("organisation", "customer", "project")
    readonly_fields = ("status", "total", *TIMESTAMPS)
    inlines = (QuoteLineInline,)
    actions = ("approve",)

    @admin.action(description="Approve selected draft quotes")
    def approve(self, request: HttpRequest, queryset: QuerySet[Quote]) -> None:
        self._run(request, queryset, services.approve_quote, "quote(s) approved")


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    list_display = (
        "__str__",
        "customer",
        "issue_date",
        "due_date",
        "status",
        "total",
        "amount_due",
        "currency",
        "organisation",
    )
    list_filter = (ORGANISATION_FILTER, "status")
    list_select_related = ("organisation", "customer")
    search_fields = ("number", "customer__name", "organisation__name")
    autocomplete_fields = ("organisation", "customer", "project")
    readonly_fields = ("number", "status", "total", "amount_due", *TIMESTAMPS)
    inlines = (InvoiceLineInline, PaymentInline)
    actions = ("issue",)
    date_hierarchy = "issue_date"

    @admin.action(description="Issue selected draft invoices")
    def issue(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._run(request, queryset, services.issue_invoice, "invoice(s) issued")


@admin.register(Payment)
class PaymentAdmin(TenantAdmin):
    """Read-only: payments are recorded through the invoice pages, which keep totals right."""

    list_display = ("invoice", "amount", "paid_on", "reference", "organisation")
    list_filter = (ORGANISATION_FILTER, "invoice__status")
    list_select_related = ("organisation", "invoice")
    search_fields = ("reference", "invoice__number", "organisation__name")
    date_hierarchy = "paid_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    list_display = ("number", "customer", "invoice", "issue_date", "status", "total", "currency")
    list_filter = (ORGANISATION_FILTER, "status")
    list_select_related = ("organisation", "customer", "invoice")
    search_fields = ("number", "customer__name", "invoice__number", "organisation__name")
    autocomplete_fields = ("organisation", "customer", "invoice")
    readonly_fields = ("status", "total", *TIMESTAMPS)
    inlines = (CreditNoteLineInline,)
    actions = ("issue",)

    @admin.action(description="Issue selected draft credit notes")
    def issue(self, request: HttpRequest, queryset: QuerySet[CreditNote]) -> None:
        self._run(request, queryset, services.issue_credit_note, "credit note(s) issued")
