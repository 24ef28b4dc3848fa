"""Every business change writes its event in the same transaction, for each subscriber."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from operations import services
from operations.models import Booking, Project
from tests import factories
from tests.conftest import Tenants
from tests.webhooks.helpers import make_endpoint
from webhooks.models import Delivery, Event


def _types(tenants: Tenants) -> list[str]:
    return list(
        Event.objects.filter(organisation=tenants.alpha)
        .order_by("pk")
        .values_list("type", flat=True)
    )


def test_issuing_an_invoice_and_paying_it_emit_their_events(tenants: Tenants) -> None:
    make_endpoint(tenants.alpha)
    invoice = factories.make_issued_invoice(tenants.alpha, unit_price="100.00")
    services.record_payment(invoice, Decimal("20.00"), date.today())
    services.record_payment(invoice, Decimal("100.00"), date.today())
    assert _types(tenants) == [
        "invoice.created",
        "invoice.issued",
        "payment.recorded",
        "payment.recorded",
        "invoice.paid",
    ]
    paid = json.loads(Event.objects.get(type="invoice.paid").body)
    assert paid["data"]["status"] == "paid"
    assert paid["data"]["amount_due"] == "0.00"


def test_approving_a_quote_checking_gear_out_and_in_and_moving_a_project(
    tenants: Tenants,
) -> None:
    make_endpoint(tenants.alpha)
    customer = services.create_customer(tenants.alpha, name="Harbour Lights")
    factories.make_tax(tenants.alpha)
    quote = services.create_quote(customer, [factories.line(tenants.alpha)])
    services.approve_quote(quote)
    item = factories.make_item(tenants.alpha)
    booking = Booking.objects.create(
        organisation=tenants.alpha, item=item, starts_on=date.today(), ends_on=date.today()
    )
    services.check_out_booking(booking)
    services.return_booking(booking)
    project = factories.make_project(tenants.alpha, customer)
    services.update_project(project, status=Project.Status.CONFIRMED)
    assert _types(tenants) == [
        "customer.created",
        "quote.approved",
        "equipment.checked_out",
        "equipment.returned",
        "project.status_changed",
    ]


def test_each_subscribed_enabled_endpoint_of_the_organisation_gets_a_due_delivery(
    tenants: Tenants,
) -> None:
    wants, _ = make_endpoint(tenants.alpha, event_types=["customer.created"])
    make_endpoint(tenants.alpha, event_types=["invoice.paid"])
    paused, _ = make_endpoint(tenants.alpha)
    paused.enabled = False
    paused.save()
    make_endpoint(tenants.bravo)
    services.create_customer(tenants.alpha, name="Harbour Lights")
    delivery = Delivery.objects.get()
    assert delivery.endpoint == wants
    assert delivery.status == "pending"
    assert delivery.next_attempt_at is not None


def test_a_rolled_back_change_leaves_no_event(tenants: Tenants) -> None:
    make_endpoint(tenants.alpha)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_customer(tenants.alpha, name="Never")
        raise RuntimeError("the caller's transaction fails after the change")
    assert not Event.objects.exists()
    assert not Delivery.objects.exists()


def test_the_wake_up_is_sent_only_after_commit(
    tenants: Tenants, django_capture_on_commit_callbacks: object
) -> None:
    make_endpoint(tenants.alpha)
    sent: list[int] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("webhooks.tasks.enqueue", sent.extend)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
            services.create_customer(tenants.alpha, name="Harbour Lights")
            assert sent == []
    assert len(callbacks) == 1
    assert sent == [Delivery.objects.get().pk]


def test_a_lost_wake_up_leaves_the_delivery_to_the_sweeper(
    tenants: Tenants, django_capture_on_commit_callbacks: object
) -> None:
    make_endpoint(tenants.alpha)

    def broker_down(delivery_ids: list[int]) -> None:
        raise ConnectionError("broker unreachable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("webhooks.tasks.enqueue", broker_down)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            customer = services.create_customer(tenants.alpha, name="Harbour Lights")
    assert customer.pk is not None  # the change stands
    assert Delivery.objects.get().hinted_at is None  # due now, for the next sweep
