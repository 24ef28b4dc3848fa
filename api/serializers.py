"""The API's fields: what the OpenAPI schema documents and what a write may send.

A record's output is written by ``operations.representations``, which webhook events
use too, so both always agree. Writes validate here (field errors come back as 400
with ``errors``); the change itself is made by ``operations.services``, never by
``serializer.save()``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Model, QuerySet
from rest_framework import serializers

from operations import models as ops
from operations import money, representations
from operations.currencies import validate_currency

CURRENCY = RegexValidator(r"^[A-Z]{3}\Z", "Use a three-letter ISO 4217 code, e.g. GBP.")


def circulating_currency(code: str) -> None:
    """After the shape check: a code the ledgers accept (operations.currencies)."""
    try:
        validate_currency(code)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from error


MAX_LINES = 50
M = TypeVar("M", bound=Model)


class OrganisationScoped(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A reference to another record: only the caller's organisation's rows are found."""

    def get_queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] | None = super().get_queryset()
        if queryset is None:
            raise TypeError("OrganisationScoped needs a queryset")
        return queryset.filter(organisation_id=self.context["organisation"])


class AmountField(serializers.DecimalField):
    """A decimal whose digits the schema documents, written as every amount is written
    (shown whole even when a row saved before money was bounded holds more)."""

    def to_representation(self, value: Decimal) -> str:
        # Both are always given: amount_field, quantity_field and the model's column.
        digits, places = cast(int, self.max_digits), cast(int, self.decimal_places)
        return representations.decimal_text(value, digits, places)


def amount_field(**extra: Any) -> AmountField:
    return AmountField(money.MONEY_DIGITS, money.MONEY_PLACES, **extra)


def quantity_field(**extra: Any) -> AmountField:
    return AmountField(money.QUANTITY_DIGITS, money.QUANTITY_PLACES, **extra)


class RecordSerializer(serializers.ModelSerializer[M]):
    """A model's representation; its decimal columns are shown by AmountField."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: AmountField,
    }


class Reference(serializers.Serializer[representations.Named]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)

    def to_representation(self, instance: representations.Named) -> dict[str, Any]:
        return representations.reference(instance)


class CustomerSerializer(RecordSerializer[ops.Customer]):
    currency = serializers.CharField(
        max_length=3, default="GBP", validators=[CURRENCY, circulating_currency]
    )

    class Meta:
        model = ops.Customer
        fields = [
            "id",
            "name",
            "email",
            "billing_address",
            "currency",
            "tax_number",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def to_representation(self, instance: ops.Customer) -> dict[str, Any]:
        return representations.customer(instance)


class EquipmentItemSerializer(RecordSerializer[ops.EquipmentItem]):
    category = Reference(read_only=True)

    class Meta:
        model = ops.EquipmentItem
        fields = [
            "id",
            "name",
            "sku",
            "description",
            "category",
            "stock_quantity",
            "daily_rate",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AvailabilityDaySerializer(serializers.Serializer[dict[str, Any]]):
    date = serializers.DateField()
    booked = serializers.IntegerField()
    available = serializers.IntegerField()


class AvailabilitySerializer(serializers.Serializer[dict[str, Any]]):
    item = serializers.IntegerField()
    stock_quantity = serializers.IntegerField()
    days = AvailabilityDaySerializer(many=True)


class AvailabilityQuerySerializer(serializers.Serializer[dict[str, Any]]):
    start = serializers.DateField(help_text="First day (YYYY-MM-DD); default today")
    end = serializers.DateField(help_text="Last day, at most 92 days after start")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The end cannot be before the start."})
        if (attrs["end"] - attrs["start"]).days > 92:
            raise serializers.ValidationError({"end": "Ask for at most 93 days at a time."})
        return attrs


class BookingSerializer(RecordSerializer[ops.Booking]):
    item = Reference(read_only=True)

    class Meta:
        model = ops.Booking
        fields = [
            "id",
            "item",
            "project",
            "quantity",
            "starts_on",
            "ends_on",
            "checked_out_at",
            "returned_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: ops.Booking) -> dict[str, Any]:
        return representations.booking(instance)


class ProjectSerializer(RecordSerializer[ops.Project]):
    client = OrganisationScoped(queryset=ops.Customer.objects.all())

    class Meta:
        model = ops.Project
        fields = [
            "id",
            "name",
            "client",
            "venue",
            "starts_at",
            "ends_at",
            "notes",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_at": "A project cannot end before it starts."})
        return attrs

    def to_representation(self, instance: ops.Project) -> dict[str, Any]:
        return representations.project(instance)


class LineSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(read_only=True)
    item = serializers.IntegerField(source="item_id", read_only=True, allow_null=True)
    quantity = quantity_field(read_only=True)
    unit_price = amount_field(read_only=True)
    tax_category = serializers.IntegerField(source="tax_category_id", read_only=True)
    income_category = serializers.IntegerField(source="income_category_id", read_only=True)
    net_amount = amount_field(read_only=True)
    tax_amount = amount_field(read_only=True)

    def to_representation(self, instance: ops.DocumentLine) -> dict[str, Any]:
        return representations.line(instance)


class LineInputSerializer(serializers.Serializer[dict[str, Any]]):
    description = serializers.CharField(max_length=300, required=False, default="")
    item = OrganisationScoped(
        queryset=ops.EquipmentItem.objects.all(), required=False, allow_null=True, default=None
    )
    quantity = quantity_field(
        min_value=money.MIN_QUANTITY,
        max_value=money.MAX_QUANTITY,
        required=False,
        default=Decimal("1"),
    )
    unit_price = amount_field(min_value=money.ZERO, max_value=money.MAX_AMOUNT)
    tax_category = OrganisationScoped(queryset=ops.TaxCategory.objects.all())
    income_category = OrganisationScoped(queryset=ops.IncomeCategory.objects.all())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("description") or attrs.get("item")):
            raise serializers.ValidationError(
                {"description": "Each line needs a description or an item."}
            )
        try:
            money.check_line(attrs["quantity"], attrs["unit_price"], attrs["tax_category"].rate)
        except money.OutOfBounds as error:
            raise serializers.ValidationError({error.field: error.message}) from None
        return attrs


class QuoteSerializer(RecordSerializer[ops.Quote]):
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = ops.Quote
        fields = [
            "id",
            "number",
            "customer",
            "project",
            "currency",
            "issue_date",
            "expiry_date",
            "status",
            "total",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: ops.Quote) -> dict[str, Any]:
        return representations.quote(instance)


class QuoteCreateSerializer(serializers.Serializer[dict[str, Any]]):
    customer = OrganisationScoped(queryset=ops.Customer.objects.all())
    project = OrganisationScoped(
        queryset=ops.Project.objects.all(), required=False, allow_null=True, default=None
    )
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)
    lines = serializers.ListField(child=LineInputSerializer(), min_length=1, max_length=MAX_LINES)

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        amounts = (
            money.line_amounts(line["quantity"], line["unit_price"], line["tax_category"].rate)
            for line in lines
        )
        try:
            money.check_total(money.total_of(amounts).gross, "quote")
        except money.OutOfBounds as error:
            raise serializers.ValidationError(error.message) from None
        return lines


class InvoiceSerializer(RecordSerializer[ops.Invoice]):
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = ops.Invoice
        fields = [
            "id",
            "number",
            "customer",
            "project",
            "currency",
            "issue_date",
            "due_date",
            "status",
            "total",
            "amount_due",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: ops.Invoice) -> dict[str, Any]:
        return representations.invoice(instance)


class CreditNoteSerializer(RecordSerializer[ops.CreditNote]):
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = ops.CreditNote
        fields = [
            "id",
            "number",
            "customer",
            "invoice",
            "currency",
            "issue_date",
            "status",
            "total",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PaymentSerializer(RecordSerializer[ops.Payment]):
    class Meta:
        model = ops.Payment
        fields = ["id", "invoice", "amount", "paid_on", "reference", "created_at", "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance: ops.Payment) -> dict[str, Any]:
        return representations.payment(instance)


class CategorySerializer(serializers.Serializer[Model]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class TaxCategorySerializer(CategorySerializer):
    rate = serializers.DecimalField(max_digits=6, decimal_places=3, read_only=True)


class WebhookEndpointSerializer(serializers.Serializer[Model]):
    """An endpoint as the API shows it: never its secret."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    event_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    enabled = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class EventTypeSerializer(serializers.Serializer[dict[str, str]]):
    name = serializers.CharField()
    description = serializers.CharField()


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    """RFC 9457 problem details, as every API error is answered."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    required_scope = serializers.CharField(required=False, help_text="Missing scope (403)")
    retry_after_seconds = serializers.IntegerField(required=False, help_text="429 only")


# Members whose names no attribute can have: "errors" is the serializer's own property,
# and the IETF rate-limit draft spells its member with a hyphen.
ProblemSerializer._declared_fields["errors"] = serializers.DictField(
    child=serializers.ListField(child=serializers.CharField()),
    required=False,
    help_text="Field errors (400): each field's messages",
)
ProblemSerializer._declared_fields["violated-policies"] = serializers.ListField(
    child=serializers.CharField(), required=False, help_text="Exceeded windows (429)"
)
