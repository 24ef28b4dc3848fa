from __future__ import annotations

from collections.abc import Collection
from datetime import date
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone

from operations.services import OperationError
from tenancy.scoping import current_organisation


def organisation_today(request: HttpRequest) -> date:
    """Today where the business is, which is what "today" means on its documents."""
    zone = ZoneInfo(current_organisation(request).timezone)
    return timezone.localdate(timezone=zone)


def to_invoice(pk: int) -> HttpResponseRedirect:
    return redirect("operations:invoice_detail", pk=pk)


def error_field(error: OperationError, field_names: Collection[str]) -> str | None:
    """The field a refused change's message belongs beside, if the form has it."""
    return error.field if error.field in field_names else None
