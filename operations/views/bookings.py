"""Equipment bookings: check gear out of the warehouse and back in."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from operations import services
from operations.models import Booking
from operations.services import OperationError
from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import scoped, scoped_get_or_404

SHOWN = 100


@require_GET
@require_capability(Capability.HANDLE_EQUIPMENT)
def booking_list(request: HttpRequest) -> HttpResponse:
    bookings = (
        scoped(request, Booking).select_related("item", "project").order_by("-starts_on", "-pk")
    )
    return render(request, "operations/booking_list.html", {"bookings": bookings[:SHOWN]})


def _change(request: HttpRequest, pk: int, returning: bool) -> HttpResponseRedirect:
    booking = scoped_get_or_404(request, Booking, pk=pk)
    try:
        if returning:
            services.return_booking(booking)
        else:
            services.check_out_booking(booking)
    except OperationError as error:
        messages.error(request, error.message)
    else:
        verb = "returned" if returning else "checked out"
        messages.success(request, f"{booking.quantity} x {booking.item.name} {verb}.")
    return redirect("operations:booking_list")


@require_POST
@require_capability(Capability.HANDLE_EQUIPMENT)
def booking_check_out(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _change(request, pk, returning=False)


@require_POST
@require_capability(Capability.HANDLE_EQUIPMENT)
def booking_return(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _change(request, pk, returning=True)
