"""Contacts: GET/PUT/POST /Contacts, GET/POST /Contacts/{ContactID or ContactNumber}.

Names are unique among active contacts and account numbers among all contacts;
archiving (ContactStatus ARCHIVED) is how a contact is removed, and archived
contacts are left out of lists unless includeArchived=true.
https://developer.xero.com/documentation/api/accounting/contacts
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting import batch, listing
from sandbox.xero.accounting.batch import Invalid, Mode
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import ms
from sandbox.xero.accounting.models import XeroContact, XeroInvoice
from sandbox.xero.accounting.reader import Reader
from sandbox.xero.accounting.responses import Json, ok

ZERO_ID = uuid.UUID(int=0)
ORDER = {"Name": "name", "UpdatedDateUTC": "updated_at", "ContactNumber": "contact_number"}
ORDER |= {"EmailAddress": "email_address", "ContactStatus": "status", "ContactID": "contact_id"}
IDENTIFY = (
    "The Contact must contain at least 1 of the following elements to identify the contact: "
    "Name, ContactID, ContactNumber"
)
NOT_FOUND = "An existing Contact with the specified ContactID could not be found"
TEXT_FIELDS = (
    ("ContactNumber", "contact_number", 50),
    ("AccountNumber", "account_number", 50),
    ("FirstName", "first_name", 255),
    ("LastName", "last_name", 255),
    ("EmailAddress", "email_address", 255),
    ("TaxNumber", "tax_number", 50),
)
ADDRESS_KEYS: tuple[str, ...] = ("AddressType", "AddressLine1", "AddressLine2", "AddressLine3")
ADDRESS_KEYS += ("AddressLine4", "City", "Region", "PostalCode", "Country", "AttentionTo")
PHONE_KEYS = ("PhoneType", "PhoneNumber", "PhoneAreaCode", "PhoneCountryCode")


# --- reading ---------------------------------------------------------------------------


def list_contacts(books: Books, request: HttpRequest) -> HttpResponse:
    found = listing.query(request, ORDER, ("name", "pk"))
    rows = _with_customer_flag(XeroContact.objects.filter(organisation=books.organisation))
    wanted = listing.ids(found.text("IDs"), "IDs")
    if wanted:
        rows = rows.filter(contact_id__in=wanted)
    elif not found.flag("includeArchived"):
        rows = rows.exclude(status=XeroContact.Status.ARCHIVED)
    rows = _search(rows, found.text("searchTerm"))
    rows = listing.modified_since(rows, found.since).order_by(*found.order)
    brief = found.flag("summaryOnly")
    items, pagination = listing.page(rows, found, lambda row: render(row, summary=brief))
    return ok("Contacts", items, pagination)


def get_contact(books: Books, request: HttpRequest, ref: str) -> HttpResponse:
    contact = find(books, ref)
    if contact is None:
        return problems.not_found()
    return ok("Contacts", [render(contact)])


def find(books: Books, ref: str) -> XeroContact | None:
    """By ContactID, or else by ContactNumber (Xero's two GET paths share one URL)."""
    rows = XeroContact.objects.filter(organisation=books.organisation)
    try:
        return rows.filter(contact_id=uuid.UUID(ref)).first()
    except ValueError:
        return rows.filter(contact_number=ref).first() if ref else None


def _search(rows: QuerySet[XeroContact], term: str) -> QuerySet[XeroContact]:
    if not term:
        return rows
    fields = ("name", "first_name", "last_name", "contact_number", "email_address")
    match = Q()
    for name in fields:
        match |= Q(**{f"{name}__icontains": term})
    return rows.filter(match)


def _with_customer_flag(rows: QuerySet[XeroContact]) -> QuerySet[XeroContact]:
    sales = XeroInvoice.objects.filter(contact=OuterRef("pk"), type=XeroInvoice.Type.ACCREC)
    live = sales.exclude(status__in=["DELETED", "VOIDED"])
    return rows.annotate(is_customer=Exists(live))


def render(contact: XeroContact, summary: bool = False) -> Json:
    body: Json = {
        "ContactID": str(contact.contact_id if contact.pk else ZERO_ID),
        "ContactStatus": contact.status,
        "Name": contact.name,
    }
    for key, attribute, _ in TEXT_FIELDS:
        if getattr(contact, attribute):
            body[key] = getattr(contact, attribute)
    if contact.default_currency:
        body["DefaultCurrency"] = contact.default_currency
    body |= {
        "UpdatedDateUTC": ms(contact.updated_at),
        "IsSupplier": contact.is_supplier,
        "IsCustomer": _is_customer(contact),
        "HasAttachments": False,
        "HasValidationErrors": False,
    }
    if not summary:
        body |= {"Addresses": contact.addresses, "Phones": contact.phones, "ContactGroups": []}
        body |= {"ContactPersons": [], "BankAccountDetails": ""}
    return body


def brief(contact: XeroContact) -> Json:
    """The contact as invoices, credit notes and payments embed it."""
    body: Json = {"ContactID": str(contact.contact_id if contact.pk else ZERO_ID)}
    if contact.contact_number:
        body["ContactNumber"] = contact.contact_number
    body |= {"Name": contact.name, "ContactStatus": contact.status, "HasValidationErrors": False}
    return body


def _is_customer(contact: XeroContact) -> bool:
    annotated = getattr(contact, "is_customer", None)
    if annotated is not None:
        return bool(annotated)
    if contact.pk is None:
        return False
    sales = XeroInvoice.objects.filter(contact=contact, type=XeroInvoice.Type.ACCREC)
    return sales.exclude(status__in=["DELETED", "VOIDED"]).exists()


# --- writing ---------------------------------------------------------------------------


def write(books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Json:
    reader = Reader(raw)
    contact = _target(books, reader, mode, target)
    before = _state(contact)
    _apply(reader, contact)
    errors = reader.errors + _problems(books, contact)
    if errors:
        raise Invalid(errors, render(contact))
    if contact.pk is None or _state(contact) != before:
        contact.updated_at = books.now
        contact.save()
    return render(contact)


KIND = batch.Kind("Contacts", write, "HasValidationErrors")


def _target(books: Books, reader: Reader, mode: Mode, target: str | None) -> XeroContact:
    if target is not None:
        found = find(books, target)
        if found is None:
            raise Invalid([NOT_FOUND], render(_new(books)))
        return found
    wanted = reader.ident("ContactID")
    if wanted is not None:
        return _by_id(books, wanted, mode)
    number = reader.raw.get("ContactNumber")
    existing = find(books, number) if isinstance(number, str) and mode is Mode.UPSERT else None
    return existing or _new(books)


def _by_id(books: Books, wanted: uuid.UUID, mode: Mode) -> XeroContact:
    found = XeroContact.objects.filter(organisation=books.organisation, contact_id=wanted).first()
    if found is None:
        raise Invalid([NOT_FOUND], render(_new(books)))
    if mode is Mode.CREATE:
        raise Invalid(
            [f"Contact {wanted} already exists: PUT only creates, POST updates."], render(found)
        )
    return found


def _new(books: Books) -> XeroContact:
    return XeroContact(
        organisation=books.organisation, created_by=books.client_id, updated_at=books.now
    )


def _apply(reader: Reader, contact: XeroContact) -> None:
    name = reader.text("Name", 255)
    if name is not None:
        contact.name = name
    for key, attribute, limit in TEXT_FIELDS:
        value = reader.text(key, limit)
        if value is not None:
            setattr(contact, attribute, value)
    status = reader.choice("ContactStatus", [choice.value for choice in XeroContact.Status])
    if status is not None:
        contact.status = status
    currency = reader.text("DefaultCurrency", 3)
    if currency is not None:
        contact.default_currency = currency.upper()
    _apply_lists(reader, contact)


def _apply_lists(reader: Reader, contact: XeroContact) -> None:
    addresses = reader.objects("Addresses")
    if addresses is not None:
        contact.addresses = [_pick(item.raw, ADDRESS_KEYS) for item in addresses]
    phones = reader.objects("Phones")
    if phones is not None:
        contact.phones = [_pick(item.raw, PHONE_KEYS) for item in phones]


def _pick(raw: dict[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    return {key: str(raw[key]) for key in keys if raw.get(key) is not None}


def _problems(books: Books, contact: XeroContact) -> list[str]:
    if not contact.name:
        return [IDENTIFY]
    others = XeroContact.objects.filter(organisation=books.organisation)
    if contact.pk is not None:
        others = others.exclude(pk=contact.pk)
    found: list[str] = []
    active = contact.status == XeroContact.Status.ACTIVE
    if (
        active
        and others.filter(status=XeroContact.Status.ACTIVE, name__iexact=contact.name).exists()
    ):
        found.append(
            f"The contact name {contact.name} is already assigned to another contact. "
            "The contact name must be unique across all active contacts."
        )
    if contact.account_number and others.filter(account_number=contact.account_number).exists():
        found.append(
            f"The account number {contact.account_number} is already assigned to another contact."
        )
    if contact.email_address and "@" not in contact.email_address:
        found.append("Email address must be valid.")
    return found


def _state(contact: XeroContact) -> tuple[Any, ...]:
    fields = [attribute for _, attribute, _ in TEXT_FIELDS]
    fields += ["name", "status", "default_currency", "addresses", "phones"]
    return tuple(repr(getattr(contact, name)) for name in fields)


# --- contacts named on invoices and credit notes -----------------------------------------


def for_document(books: Books, reader: Reader | None) -> XeroContact | None:
    """The contact a document names: by ContactID, ContactNumber or Name. A name or number
    no contact has makes a new contact, saved with the document (as Xero does)."""
    if reader is None:
        return None
    wanted = reader.ident("ContactID")
    if wanted is not None:
        return _named_by_id(books, reader, wanted)
    number, name = reader.text("ContactNumber", 50), reader.text("Name", 255)
    rows = XeroContact.objects.filter(organisation=books.organisation)
    existing = rows.filter(contact_number=number).first() if number else None
    if existing is None and name:
        active = rows.filter(status=XeroContact.Status.ACTIVE)
        existing = active.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    if not name:
        reader.errors.append(IDENTIFY)
        return None
    contact = _new(books)
    contact.name, contact.contact_number = name, number or ""
    return contact


def _named_by_id(books: Books, reader: Reader, wanted: uuid.UUID) -> XeroContact | None:
    found = XeroContact.objects.filter(organisation=books.organisation, contact_id=wanted).first()
    if found is None:
        reader.errors.append(NOT_FOUND)
    return found
