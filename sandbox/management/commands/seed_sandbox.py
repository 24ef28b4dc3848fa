"""Creates the sandbox providers' demo users, organisations and books (safe to repeat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sandbox.xero.seed import ensure_demo_world


class Command(BaseCommand):
    help = "Create the sandbox providers' demo users, organisations and books (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_demo_world()
        self.stdout.write(self.style.SUCCESS("Sandbox demo world ready (Xero)."))
