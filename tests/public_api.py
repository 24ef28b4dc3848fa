"""Builders for the public availability API's tests: a website with a key, its
settings, categories, items, bookings and repairs, and a client that sends the key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from rest_framework.test import APIClient

from apikeys import website_keys
from operations.models import Booking, EquipmentCategory, EquipmentItem, Repair
from tenancy.models import Organisation
from wordpress_bridge.models import AllowedOrigin, WebsiteSettings

BASE = "/api/public/v1/"
AGENT = "PatchbayAvailability/1.2.3 (WordPress/6.1.9; https://rentals.example.com)"


@dataclass
class Website:
    organisation: Organisation
    settings: WebsiteSettings
    secret: str

    def client(self, **headers: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.secret}", **headers)
        return client

    def category(self, name: str, shown: bool = True, internal: bool = False) -> EquipmentCategory:
        visibility = "internal" if internal else "public"
        category = EquipmentCategory.objects.create(
            organisation=self.organisation, name=name, visibility=visibility
        )
        if shown:
            self.settings.shown_categories.add(category)
        return category

    def item(
        self, category: EquipmentCategory, name: str, owned: int = 10, **extra: Any
    ) -> EquipmentItem:
        return EquipmentItem.objects.create(
            organisation=self.organisation,
            category=category,
            name=name,
            stock_quantity=owned,
            **extra,
        )

    def book(
        self, item: EquipmentItem, first: date, last: date, quantity: int = 1, **extra: Any
    ) -> Booking:
        return Booking.objects.create(
            organisation=self.organisation,
            item=item,
            quantity=quantity,
            starts_on=first,
            ends_on=last,
            **extra,
        )

    def repair(
        self, item: EquipmentItem, first: date, last: date | None, quantity: int = 1
    ) -> Repair:
        return Repair.objects.create(
            organisation=self.organisation,
            item=item,
            quantity=quantity,
            starts_on=first,
            ends_on=last,
        )

    def allow(self, origin: str) -> None:
        AllowedOrigin.objects.create(organisation=self.organisation, origin=origin)

    def mode(self, mode: str) -> None:
        self.settings.display_mode = mode
        self.settings.save()

    @property
    def today(self) -> date:
        return timezone.localdate(timezone=ZoneInfo(self.organisation.timezone))

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)


def make_website(organisation: Organisation, mode: str = "quantities") -> Website:
    _, secret = website_keys.issue(organisation)
    site, _ = WebsiteSettings.objects.get_or_create(organisation=organisation)
    site.display_mode = mode
    site.save()
    return Website(organisation, site, secret)
