"""The public availability API's answers, for the OpenAPI schema only.

The views build their JSON directly (and cache it as bytes); these serializers
describe it. The mode fields are optional because each answer carries one mode's.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class SiteAnswer(serializers.Serializer[Any]):
    organisation = serializers.CharField()
    display_mode = serializers.ChoiceField(choices=["quantities", "labels", "calendar"])
    time_zone = serializers.CharField(help_text="IANA time zone, e.g. Europe/London")
    today = serializers.DateField(help_text="Today in the organisation's time zone")


class CategoryRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicCategory(CategoryRef):
    item_count = serializers.IntegerField(help_text="Items of the category the website shows")


class CategoriesAnswer(serializers.Serializer[Any]):
    data = PublicCategory(many=True)  # type: ignore[assignment]


class PublicItem(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    category = CategoryRef()


class ItemsAnswer(serializers.Serializer[Any]):
    data = PublicItem(many=True)  # type: ignore[assignment]


class CalendarDay(serializers.Serializer[Any]):
    date = serializers.DateField()
    state = serializers.ChoiceField(choices=["available", "limited", "unavailable"])


class ItemAvailability(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = CategoryRef()
    available = serializers.IntegerField(
        required=False, help_text="quantities mode: the fewest free on any day of the range"
    )
    owned = serializers.IntegerField(required=False, help_text="quantities mode")
    in_stock = serializers.BooleanField(required=False, help_text="labels mode")
    label = serializers.CharField(  # type: ignore[assignment]
        required=False, help_text='labels mode: "In stock" or "Out of stock"'
    )
    days = CalendarDay(many=True, required=False, help_text="calendar mode: one per day")


class AvailabilityAnswer(serializers.Serializer[Any]):
    display_mode = serializers.ChoiceField(choices=["quantities", "labels", "calendar"])
    # "from" is a Python keyword: declared below under its JSON name.
    to = serializers.DateField()
    items = ItemAvailability(many=True)


AvailabilityAnswer._declared_fields["from"] = serializers.DateField()
