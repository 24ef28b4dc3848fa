"""The console every provider sandbox has: one page showing what the provider holds,
with buttons for what happens on its side (faults, lapsed or revoked grants, the
bookkeeper's changes). Open to anyone, like the rest of the sandbox; it shows only
sandbox rows, never Patchbay's.

A GET shows the page; a POST names an `action`, whose function returns what the console
says it did (or raises ActionFailed: nothing was changed), then goes back to the page
on the record the person was working on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from sandbox.core.faults import FaultForm
from sandbox.core.server import AuthorizationServer

RECENT = 50  # rows shown of each log
Action = Callable[[HttpRequest], str]


class ActionFailed(Exception):
    """An action that changed nothing; the console says why."""


def checked(form: forms.Form, what: str) -> dict[str, Any]:
    """The form's data, or ActionFailed naming the fields to check."""
    if not form.is_valid():
        raise ActionFailed(f"Check the {what} fields: {form.errors.as_text()}")
    return form.cleaned_data


def posted(request: HttpRequest, rows: QuerySet[Any], name: str, what: str) -> Any:
    """The row whose primary key was posted as `name`."""
    try:
        return forms.ModelChoiceField(rows).clean(request.POST.get(name))
    except ValidationError as missing:
        raise ActionFailed(f"That {what} no longer exists: nothing was changed.") from missing


@dataclass
class Console:
    server: AuthorizationServer
    template: str
    actions: dict[str, Action]
    context: Callable[[HttpRequest], dict[str, Any]]
    api_calls: type[Model]
    kept: tuple[str, ...] = ()  # posted fields that say which record the person was on
    refused: tuple[type[Exception], ...] = ()  # the provider's refusals of the bookkeeper
    common: dict[str, Action] = field(init=False)

    def __post_init__(self) -> None:
        self.common = {"clear-faults": self._clear_faults}

    def view(self, request: HttpRequest) -> HttpResponse:
        self.server.seed()
        if request.method == "GET":
            return self.page(request, self._fault_form())
        if request.POST.get("action") == "fault":
            return self._set_fault(request)
        action = (self.common | self.actions).get(request.POST.get("action", ""))
        try:
            if action is None:
                raise ActionFailed("Unknown action: nothing was changed.")
            messages.success(request, action(request))
        except ActionFailed as failure:
            messages.error(request, str(failure))
        except self.refused as refusal:
            messages.error(request, f"{self.server.product} refused: {refusal}")
        return self.back(request)

    def as_view(self) -> Callable[[HttpRequest], HttpResponse]:
        return require_http_methods(["GET", "POST"])(self.view)

    def back(self, request: HttpRequest) -> HttpResponse:
        """Back to the console, on the record the person was working on."""
        kept = {name: request.POST.get(name, "") for name in self.kept}
        kept = {name: value for name, value in kept.items() if value}
        anchor = "?" + urlencode(kept) + "#books-heading" if kept else ""
        return HttpResponseRedirect(self.server.url("console") + anchor)

    def page(self, request: HttpRequest, fault_form: FaultForm, status: int = 200) -> HttpResponse:
        faults = self.server.faults
        model: Any = faults.model
        context = {
            "fault_form": fault_form,
            "faults": [
                (target.label, faults.active_fault(target.value)) for target in model.Target
            ],
            "presentations": self.server.presentation_model._default_manager.order_by("-at", "-pk")[
                :RECENT
            ],
            "api_calls": self.api_calls._default_manager.order_by("-at", "-pk")[:RECENT],
            **self.context(request),
        }
        return self.server.page(request, self.template, context, status=status)

    def _fault_form(self, data: Any = None) -> FaultForm:
        return FaultForm(data, switch=self.server.faults)

    def _set_fault(self, request: HttpRequest) -> HttpResponse:
        form = self._fault_form(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        fault = form.apply()
        ends = f" until {fault.until:%Y-%m-%d %H:%M:%S} UTC" if fault.until else " until cleared"
        verb = "is back to normal" if fault.mode == "ok" else "now fails"
        target, mode = fault.get_target_display(), fault.get_mode_display()
        messages.success(request, f"{target} {verb}: {mode}{ends}.")
        return self.back(request)

    def _clear_faults(self, request: HttpRequest) -> str:
        self.server.faults.clear_faults()
        return "All faults cleared: every endpoint answers normally."
