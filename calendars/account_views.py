"""A user's own calendar connection: where Patchbay writes, their narrowing of the
defaults, how the last sync went, the calls it made, and Disconnect. Another user's
connection is a 404, whoever asks (owners see who is connected, on the cards only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from calendars import listing as listing_of
from calendars import wake
from calendars.account import account_of
from calendars.choices import Target
from calendars.forms import PreferenceForm, TargetForm
from calendars.leaving import REMOVE_EVENTS
from calendars.models import AccountCheck, CalendarPreference
from calendars.settings_of import policy_of
from calendars.targets import NEW_CALENDAR, set_target
from integrations.cards import integration_url
from integrations.models import Connection
from integrations.registry import get_integration
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import scoped_get_or_404


def _own(request: HttpRequest, pk: int) -> Connection:
    return scoped_get_or_404(
        request, Connection, pk=pk, owner=request.user, state__in=Connection.ACTIVE_STATES
    )


def _target_form(
    connection: Connection, listing: AccountCheck | None, data: object = None
) -> TargetForm:
    """The choice among the calendars a worker listed (a new Patchbay calendar is always
    a choice, so a failed listing still lets the user go on)."""
    listed = (
        listing.calendars if listing and listing.status == AccountCheck.Status.CONNECTED else []
    )
    form = TargetForm(data, calendars=listed)
    primary = next((row["remote_id"] for row in listed if row.get("primary")), None)
    if policy_of(connection.organisation_id).target == Target.PRIMARY and primary:
        form.initial["calendar"] = primary
    else:
        form.initial["calendar"] = NEW_CALENDAR
    return form


def _preference(connection: Connection) -> CalendarPreference:
    assert connection.owner_id is not None  # noqa: S101 - _own() filtered on the owner
    found = CalendarPreference.objects.filter(
        organisation_id=connection.organisation_id, user_id=connection.owner_id
    ).first()
    return found or CalendarPreference(
        organisation_id=connection.organisation_id, user_id=connection.owner_id
    )


def _page(
    request: HttpRequest,
    connection: Connection,
    *,
    choosing: bool = False,
    target_form: TargetForm | None = None,
    preference_form: PreferenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    integration = get_integration(connection.provider)
    account = account_of(connection)
    listing = None
    if target_form is None and (choosing or account.target is None):
        listing = listing_of.requested(connection)
        if listing.status != AccountCheck.Status.CHECKING:
            target_form = _target_form(connection, listing)
    policy = policy_of(connection.organisation_id)
    context = {
        "integration": integration,
        "account": account,
        "connection": connection,
        "target_form": target_form,
        "listing": listing,
        "preference_form": preference_form
        or PreferenceForm(instance=_preference(connection), policy=policy),
        "disconnect_url": integration_url("disconnect", integration, pk=connection.pk)
        if integration
        else "",
        "remove_events": REMOVE_EVENTS,
    }
    return render(request, "calendars/account.html", context, status=status)


@require_GET
@require_capability(Capability.CONNECT_OWN_CALENDAR)
def account(request: HttpRequest, pk: int) -> HttpResponse:
    connection = _own(request, pk)
    return _page(request, connection, choosing=request.GET.get("change") == "calendar")


@require_POST
@require_capability(Capability.CONNECT_OWN_CALENDAR)
def choose_calendar(request: HttpRequest, pk: int) -> HttpResponseBase:
    connection = _own(request, pk)
    form = _target_form(connection, listing_of.latest(connection), request.POST)
    if not form.is_valid():
        return _page(request, connection, target_form=form, status=400)
    choice = form.cleaned_data["calendar"]
    names = {str(value): str(label) for value, label in form.fields["calendar"].choices}  # type: ignore[attr-defined]
    target = set_target(connection, choice, names)
    messages.success(
        request,
        f"Patchbay now writes your assignments to {target.name}: they appear there within "
        "a minute.",
    )
    return redirect("calendars:account", pk=connection.pk)


@require_POST
@require_capability(Capability.CONNECT_OWN_CALENDAR)
def preferences(request: HttpRequest, pk: int) -> HttpResponseBase:
    connection = _own(request, pk)
    policy = policy_of(connection.organisation_id)
    form = PreferenceForm(request.POST, instance=_preference(connection), policy=policy)
    if not form.is_valid():
        return _page(request, connection, preference_form=form, status=400)
    form.save()
    assert connection.owner_id is not None  # noqa: S101 - _own() filtered on the owner
    wake.users_changed(connection.organisation_id, [connection.owner_id])
    messages.success(request, "Saved. Your calendar follows at the next sync.")
    return redirect("calendars:account", pk=connection.pk)
