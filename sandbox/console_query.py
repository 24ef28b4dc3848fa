"""What the provider consoles read from their query string and forms, typed.

Shared by every provider's sandbox console: the invoice search box and the ids that
pick a company and an invoice. A value a column could not hold (NUL, overlong) searches
or picks nothing instead of failing in the database.
"""

from __future__ import annotations

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
