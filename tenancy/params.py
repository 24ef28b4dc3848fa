"""Typed parsing of query-string and form values, shared by every app's views.

Every value a view reads from ``request.GET`` or ``request.POST`` goes through a Django
form built from these fields, never ``str.isdigit()`` + ``int()``: ``"²".isdigit()`` is
true yet ``int("²")`` raises, and an id beyond PostgreSQL's bigint is a database error.
A value that fails its field is dropped from the filters and its error is shown beside
the field, so a hostile or mistyped URL is a clear message, never a 500. (It lives in
``tenancy``, the bottom layer, so that every app may import it.)
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django import forms
from django.db.models import Model
from django.http import HttpRequest, QueryDict

LARGEST_ID = 2**63 - 1  # PostgreSQL bigint, the type of every primary key
# Months a report may be asked for: wide enough for any real ledger, and far enough from
# date's limits (year 1 to 9999) that "the month after" is always a date.
FIRST_YEAR, LAST_YEAR = 1900, 2999

FormT = TypeVar("FormT", bound=forms.Form)
ModelT = TypeVar("ModelT", bound=Model)


class IdField(forms.IntegerField):
    """A database id: a whole number from 1 up to the bigint maximum."""

    default_error_messages = {
        "invalid": "Enter a record number (digits only).",
        "min_value": "Enter a record number from 1 up.",
        "max_value": "No record has a number that large.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=LARGEST_ID, **kwargs)


class IdChoiceField(forms.ModelChoiceField[ModelT]):
    """A choice of record by integer id (or integer ``to_field_name``): a value that is
    not a bigint is an invalid choice before any query, never a database error."""

    def to_python(self, value: Any) -> ModelT | None:
        if value in self.empty_values:
            return None
        try:
            IdField(required=True).clean(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], "invalid_choice", {"value": value}
            ) from None
        return super().to_python(value)


class MonthField(forms.DateField):
    """``YYYY-MM`` (as ``<input type="month">`` sends it), as the month's first day."""

    input_formats = ["%Y-%m"]
    default_error_messages = {
        "invalid": "Enter a month as YYYY-MM, for example 2026-04.",
        "out_of_range": f"Enter a month between {FIRST_YEAR} and {LAST_YEAR}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        month = super().to_python(value)
        if month is not None and not FIRST_YEAR <= month.year <= LAST_YEAR:
            raise forms.ValidationError(self.error_messages["out_of_range"], "out_of_range")
        return month


def parse_id(value: object) -> int | None:
    """``value`` as a database id, or None when it is not one (for a lone value that no
    form carries, such as a field the view reads beside a provider's own)."""
    try:
        parsed: int | None = IdField().clean(value)
    except forms.ValidationError:
        return None
    return parsed


def parse_query(request: HttpRequest, form_class: type[FormT], **kwargs: Any) -> FormT:
    """``request.GET`` bound to ``form_class`` and validated; read the result with
    :func:`valid_values`, and render the form to show what was refused and why."""
    form = form_class(request.GET, **kwargs)
    form.is_valid()
    return form


def valid_values(form: forms.Form) -> dict[str, Any]:
    """The cleaned values of the fields that were given and valid; a refused field is
    left out (the form keeps its error)."""
    cleaned: dict[str, Any] = getattr(form, "cleaned_data", {})
    return {name: value for name, value in cleaned.items() if value not in (None, "", [])}


def without(query: QueryDict, *names: str) -> str:
    """``query`` URL-encoded without ``names`` (e.g. a paging cursor, to page afresh)."""
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()
