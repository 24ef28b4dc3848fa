"""Re-encrypt every stored secret with the newest key in PATCHBAY_ENCRYPTION_KEYS.

Rotation: put the new key first (keep the old one after it), run this command,
then remove the old key. Rows are rewritten in batches, each in its own transaction.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from integrations.vault import EncryptedTextField

BATCH = 500


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def rotate_model(model: type[models.Model], fields: list[str]) -> int:
    """Reading decrypts with any key; saving encrypts with the first."""
    rotated = 0
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        with transaction.atomic():
            rows = model._default_manager.select_for_update().filter(
                pk__in=pks[start : start + BATCH]
            )
            for row in rows:
                row.save(update_fields=fields)
                rotated += 1
    return rotated


class Command(BaseCommand):
    help = "Re-encrypt every secret at rest with the newest encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            count = rotate_model(model, fields)
            total += count
            self.stdout.write(
                f"{model._meta.label}: {count} rows re-encrypted ({', '.join(fields)})"
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows now use the newest key."))
