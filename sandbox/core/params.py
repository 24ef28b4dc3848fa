"""Typed reading of what callers send the sandbox: console forms and API values.

The consoles' invoice search box and the ids that pick a company and an invoice: a
value a column could not hold (NUL, overlong) searches or picks nothing instead of
failing in the database. And whole numbers, read as ASCII digits only: str.isdigit()
also passes "²", which int() refuses.
"""

from __future__ import annotations

import re

from django import forms
from django.http import HttpRequest


class SearchQuery(forms.Form):
    q = forms.CharField(max_length=100, required=False)  # a CharField refuses NUL


class IdQuery(forms.Form):
    # Every sandbox id: Xero GUIDs, Sage 32-hex ids, QuickBooks digits.
    id = forms.RegexField(r"\A[A-Za-z0-9-]{1,64}\Z")


def search_text(request: HttpRequest) -> str:
    """``?q=`` stripped, or "" (search nothing) when it is not text a column can hold."""
    query = SearchQuery(request.GET)
    return str(query.cleaned_data["q"]) if query.is_valid() else ""


def chosen_id(request: HttpRequest, name: str, default: str = "") -> str:
    """The id posted or queried as ``name`` (the form first), else ``default``."""
    for data in (request.POST, request.GET):
        query = IdQuery({"id": data.get(name, "")})
        if query.is_valid():
            return str(query.cleaned_data["id"])
    return default


_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits, within bigint


def whole_number(text: str) -> int | None:
    """``text`` as a non-negative whole number, or None when it is not one."""
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None
