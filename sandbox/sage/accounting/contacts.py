"""Contacts (customers and suppliers).

Written with `contact_type_ids` (CUSTOMER or VENDOR) and read back as `contact_types`;
`reference` is unique among a business's live contacts.
https://developer.sage.com/accounting/guides/concepts/invoicing
A contact with transactions cannot be deleted (`deletable: false`); deleting one without
is a soft delete that `deleted_since` lists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import HttpResponse, QueryDict

from sandbox.sage.accounting import lookups
from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.accounting.reference import currency_link
from sandbox.sage.accounting.resources import Resource, register
from sandbox.sage.accounting.wire import Json, amount, link, timestamp
from sandbox.sage.models import (
    SageContact,
    SageContactPayment,
    SageSalesCreditNote,
    SageSalesInvoice,
    Status,
)

TYPES = {"CUSTOMER": "Customer", "VENDOR": "Supplier"}
ADDRESS_FIELDS = ("address_line_1", "address_line_2", "city", "region", "postal_code")


def displayed(row: SageContact) -> str:
    return f"{row.name} ({row.reference})" if row.reference else row.name


def contact_link(row: SageContact) -> Json:
    return link("contacts", row.guid, displayed(row))


def render(row: SageContact) -> Json:
    return contact_link(row) | {
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
        "deleted_at": timestamp(row.deleted_at),
        "contact_types": [link("contact_types", row.contact_type, TYPES[row.contact_type])],
        "name": row.name,
        "reference": row.reference or None,
        "email": row.email or None,
        "tax_number": row.tax_number or None,
        "notes": row.notes or None,
        "locale": "en",
        "main_address": _address(row),
        "currency": currency_link(row.currency),
        "balance": amount(balance(row)),
        "deletable": deletable(row),
        "system": False,
    }


def _address(row: SageContact) -> Json | None:
    if not row.main_address:
        return None
    return {name: row.main_address.get(name) for name in ADDRESS_FIELDS}


def balance(row: SageContact) -> Decimal:
    live = {"contact": row, "deleted_at__isnull": True}
    owed = SageSalesInvoice.objects.filter(**live).exclude(status__in=[Status.DRAFT, Status.VOID])
    credited = SageSalesCreditNote.objects.filter(**live).exclude(
        status__in=[Status.DRAFT, Status.VOID]
    )
    total = owed.aggregate(total=Sum("outstanding_amount"))["total"] or Decimal(0)
    return total - (credited.aggregate(total=Sum("outstanding_amount"))["total"] or Decimal(0))


def deletable(row: SageContact) -> bool:
    live = {"contact": row, "deleted_at__isnull": True}
    return not (
        SageSalesInvoice.objects.filter(**live).exists()
        or SageSalesCreditNote.objects.filter(**live).exists()
        or SageContactPayment.objects.filter(**live).exists()
    )


def create(books: Books, payload: Json) -> SageContact:
    row = SageContact(
        business=books.business,
        currency=books.business.currency,
        created_at=books.now,
        updated_at=books.now,
    )
    _apply(books, row, payload, creating=True)
    row.save()
    return row


def update(books: Books, row: SageContact, payload: Json) -> SageContact:
    _apply(books, row, payload, creating=False)
    row.updated_at = books.now
    row.save()
    return row


def _apply(books: Books, row: SageContact, payload: Json, *, creating: bool) -> None:
    name = lookups.text(payload, "name", required=creating)
    if name is not None:
        if not name:
            raise Invalid((lookups.REQUIRED, "name"))
        row.name = name
    types = payload.get("contact_type_ids")
    if types is not None or creating:
        row.contact_type = _contact_type(types)
    reference = lookups.text(payload, "reference", limit=50)
    if reference is not None:
        _unique_reference(books, row, reference)
        row.reference = reference
    for field in ("email", "tax_number", "notes"):
        value = lookups.text(payload, field, limit=4000 if field == "notes" else 255)
        if value is not None:
            setattr(row, field, value)
    currency = lookups.text(payload, "currency_id", limit=3)
    if currency:
        row.currency = currency.upper()
    address = payload.get("main_address")
    if isinstance(address, dict):
        row.main_address = {name: address.get(name) for name in ADDRESS_FIELDS if name in address}


def _contact_type(raw: Any) -> str:
    if not isinstance(raw, list) or not raw:
        raise Invalid((lookups.REQUIRED, "contact_type_ids"))
    first = str(raw[0]).upper()
    if first not in TYPES:
        raise Invalid(("must be CUSTOMER or VENDOR", "contact_type_ids"))
    return first


def _unique_reference(books: Books, row: SageContact, reference: str) -> None:
    if not reference:
        return
    taken = SageContact.objects.filter(
        business=books.business, reference__iexact=reference, deleted_at__isnull=True
    ).exclude(pk=row.pk)
    if taken.exists():
        raise Invalid(("has already been taken", "reference"))


def delete(books: Books, row: SageContact, query: QueryDict) -> HttpResponse:
    if not deletable(row):
        raise Invalid(("The contact has transactions and cannot be deleted.", "base"))
    row.deleted_at = books.now
    row.updated_at = books.now
    row.save(update_fields=["deleted_at", "updated_at"])
    return HttpResponse(status=204)


def filters(rows: QuerySet[Any], query: QueryDict) -> QuerySet[Any]:
    kind = query.get("contact_type_id", "").upper()
    if kind:
        rows = rows.filter(contact_type__in=kind.split(","))
    search = query.get("search", "").strip()
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(reference__icontains=search))
    email = query.get("email", "").strip()
    if email:
        rows = rows.filter(email__iexact=email)
    return rows


CONTACTS = register(
    Resource(
        name="contacts",
        singular="contact",
        rows=lambda books: SageContact.objects.filter(business=books.business),
        render=render,
        create=create,
        update=update,
        delete=delete,
        filters=filters,
    )
)
