"""Crew in the ledger: each member of the organisation mapped to one of the ledger's
employees (or vendors, for freelance crew), whose time their approved timesheets are.
The choices come from a cached copy (accounting.crew_choices); no page load calls the
provider."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounting import crew_choices
from accounting.crew_forms import CrewMappingForm, field_of, value_of
from accounting.engine.adapter import RemoteChoice
from accounting.models import CrewMapping
from accounting.registry import adapter_class_for
from accounting.views import active_ledger
from integrations.models import Connection
from integrations.registry import platform_name
from tenancy.access import has_capability, require_capability
from tenancy.models import User
from tenancy.roles import Capability
from tenancy.scoping import current_organisation


def _members(request: HttpRequest) -> list[User]:
    organisation = current_organisation(request)
    return list(User.objects.filter(memberships__organisation=organisation).order_by("email"))


def _save(connection: Connection, chosen: dict[int, RemoteChoice | None]) -> int:
    with transaction.atomic():
        rows = CrewMapping.objects.filter(connection=connection)
        rows.filter(user_id__in=[u for u, p in chosen.items() if p is None]).delete()
        for user_id, person in chosen.items():
            if person is None:
                continue
            CrewMapping.objects.update_or_create(
                connection=connection,
                user_id=user_id,
                defaults={
                    "organisation_id": connection.organisation_id,
                    "kind": person.kind,
                    "remote_id": person.code,
                    "remote_name": person.name,
                },
            )
    return sum(1 for person in chosen.values() if person is not None)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.VIEW_INTEGRATION_SETTINGS)
def crew_mappings(request: HttpRequest, pk: int) -> HttpResponseBase:
    connection = active_ledger(request, pk)
    name = platform_name(connection)
    can_edit = has_capability(request, Capability.EDIT_INTEGRATION_SETTINGS)
    context: dict[str, Any] = {"connection": connection, "provider_name": name}
    if not adapter_class_for(connection.provider).pushes_time_activities:
        context["no_time"] = True
        return render(request, "accounting/crew_mappings.html", context)
    if request.method == "POST" and not can_edit:
        return render(
            request, "403.html", {"exception": "Your role can view crew, not map it."}, status=403
        )
    cached = crew_choices.fresh_or_requested(connection)
    current = {
        field_of(row.user_id): value_of(row.kind, row.remote_id)
        for row in CrewMapping.objects.filter(connection=connection)
    }
    data = request.POST if request.method == "POST" else None
    form = CrewMappingForm(_members(request), crew_choices.people(cached), data, initial=current)
    if data is not None and cached.fetched_at is not None and form.is_valid():
        mapped = _save(connection, form.chosen())
        messages.success(
            request, f"Crew saved: {mapped} mapped in {name}. The next sync sends their time."
        )
        return redirect("accounting:crew_mappings", pk=connection.pk)
    context.update(
        form=form,
        choices=cached,
        refreshing=crew_choices.is_refreshing(cached),
        can_edit=can_edit,
        page_url=reverse("accounting:crew_mappings", kwargs={"pk": connection.pk}),
    )
    status = 400 if form.errors else 409 if data is not None and cached.fetched_at is None else 200
    return render(request, "accounting/crew_mappings.html", context, status=status)


@require_POST
@require_capability(Capability.EDIT_INTEGRATION_SETTINGS)
def refresh_crew(request: HttpRequest, pk: int) -> HttpResponseBase:
    connection = active_ledger(request, pk)
    crew_choices.request_refresh(connection)
    return redirect("accounting:crew_mappings", pk=connection.pk)
