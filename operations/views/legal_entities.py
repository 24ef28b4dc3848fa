"""The organisation's legal entities: listed, added and renamed. An accounting platform
that connects one company per entity (QuickBooks) asks which entity when connecting."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from operations.entity_forms import LegalEntityForm, LegalEntityNameForm
from operations.models import LegalEntity
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped, scoped_get_or_404

TAKEN = "This organisation already has an entity called that."


@require_http_methods(["GET", "POST"])
@require_capability(Capability.EDIT_INTEGRATION_SETTINGS)
def legal_entity_list(request: HttpRequest) -> HttpResponse:
    """The list, with the form that adds one (POST)."""
    organisation = current_organisation(request)
    form = LegalEntityForm(organisation, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            with transaction.atomic():
                entity = LegalEntity.objects.create(
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    base_currency=form.cleaned_data["base_currency"],
                )
        except IntegrityError:  # the same name added at the same moment by someone else
            form.add_error("name", TAKEN)
        else:
            messages.success(request, f"{entity.name} added.")
            return redirect("operations:legal_entity_list")
    context = {"entities": scoped(request, LegalEntity).order_by("name"), "form": form}
    status = 400 if form.errors else 200
    return render(request, "operations/legal_entities.html", context, status=status)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.EDIT_INTEGRATION_SETTINGS)
def legal_entity_rename(request: HttpRequest, pk: int) -> HttpResponse:
    entity = scoped_get_or_404(request, LegalEntity, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = LegalEntityNameForm(
        current_organisation(request), data, entity=entity, initial={"name": entity.name}
    )
    if form.is_valid():
        old, entity.name = entity.name, form.cleaned_data["name"]
        try:
            with transaction.atomic():
                entity.save(update_fields=["name", "updated_at"])
        except IntegrityError:
            form.add_error("name", TAKEN)
        else:
            messages.success(request, f"{old} is now called {entity.name}.")
            return redirect("operations:legal_entity_list")
    context = {"entity": scoped_get_or_404(request, LegalEntity, pk=pk), "form": form}
    status = 400 if form.errors else 200
    return render(request, "operations/legal_entity_rename.html", context, status=status)
