"""Crew timesheets: "My timesheets" for any member crewed on a project, and the approvals
page for those who approve them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from operations import extensions, timesheets
from operations.models import Timesheet
from operations.services import OperationError
from operations.timesheet_forms import TimesheetForm
from operations.views.common import organisation_today
from tenancy.access import require_capability
from tenancy.models import User
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped, scoped_get_or_404

SHOWN = 100


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # require_capability lets only a signed-in member in
        raise PermissionDenied
    return user


@require_http_methods(["GET", "POST"])
@require_capability(Capability.RECORD_OWN_TIME)
def timesheet_mine(request: HttpRequest) -> HttpResponse:
    organisation, user = current_organisation(request), _user(request)
    data = request.POST if request.method == "POST" else None
    form = TimesheetForm(
        organisation, user, data, initial={"worked_on": organisation_today(request)}
    )
    if form.is_valid():
        try:
            entry = timesheets.record_time(organisation, user, form.entry())
        except OperationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Timesheet {entry} recorded: {entry.hours} h on {entry.project}. "
                "It waits for a manager's approval.",
            )
            return redirect("operations:timesheet_mine")
    rows = scoped(request, Timesheet).filter(user=user).select_related("project")
    context: dict[str, Any] = {
        "form": form,
        "timesheets": rows[:SHOWN],
        "has_projects": form.fields["project"].queryset.exists(),  # type: ignore[attr-defined]
    }
    return render(
        request, "operations/timesheet_mine.html", context, status=400 if form.errors else 200
    )


@require_GET
@require_capability(Capability.APPROVE_TIMESHEETS)
def timesheet_approvals(request: HttpRequest) -> HttpResponse:
    rows = scoped(request, Timesheet).select_related("user", "project", "project__client")
    submitted = list(rows.filter(status=Timesheet.Status.SUBMITTED).order_by("worked_on", "pk"))
    approved = list(rows.filter(status=Timesheet.Status.APPROVED)[:SHOWN])
    notes = extensions.record_notes(request, Timesheet, approved)
    context = {
        "submitted": submitted[:SHOWN],
        "approved": [(entry, notes.get(entry.pk, "")) for entry in approved],
    }
    return render(request, "operations/timesheet_approvals.html", context)


def _decide(request: HttpRequest, pk: int, approving: bool) -> HttpResponseRedirect:
    entry = scoped_get_or_404(request, Timesheet, pk=pk)
    try:
        if approving:
            timesheets.approve(entry, _user(request))
        else:
            timesheets.reject(entry, _user(request))
    except OperationError as error:
        messages.error(request, error.message)
    else:
        verb = "approved" if approving else "rejected"
        messages.success(request, f"Timesheet {entry} of {entry.user} {verb}.")
    return redirect("operations:timesheet_approvals")


@require_POST
@require_capability(Capability.APPROVE_TIMESHEETS)
def timesheet_approve(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _decide(request, pk, approving=True)


@require_POST
@require_capability(Capability.APPROVE_TIMESHEETS)
def timesheet_reject(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _decide(request, pk, approving=False)
