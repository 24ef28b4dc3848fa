"""``manage.py seed_demo``: load the demo organisations once; a second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from operations import demo


class Command(BaseCommand):
    help = "Create the Demo Rentals and Other Rentals organisations with their users and records."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.already_loaded():
            self.stdout.write("Demo data already loaded")
            return
        for line in demo.load():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
