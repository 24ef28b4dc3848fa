"""Reading one element of a request body, field by field, collecting Xero-style errors.

Each read returns None when the field is absent (so an update leaves it alone) and
records a message when it is present but unusable.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.xero.accounting.dates import parse_day


@dataclass
class Reader:
    raw: dict[str, Any]
    errors: list[str] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.raw and self.raw[key] is not None

    def text(self, key: str, max_length: int | None = None, label: str | None = None) -> str | None:
        if not self.has(key):
            return None
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.errors.append(f"{label or key} must be text.")
            return None
        text = str(value).strip()
        if max_length is not None and len(text) > max_length:
            self.errors.append(
                f"{label or key} must not be more than {max_length} characters long."
            )
            return None
        return text

    def decimal(self, key: str) -> Decimal | None:
        if not self.has(key):
            return None
        value = self.raw[key]
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.errors.append(f"{key} must be a number.")
            return None
        return number

    def day(self, key: str) -> date | None:
        text = self.text(key)
        if text is None:
            return None
        parsed = parse_day(text)
        if parsed is None:
            self.errors.append(f"{key} must be a date (YYYY-MM-DD).")
        return parsed

    def flag(self, key: str) -> bool | None:
        if not self.has(key):
            return None
        value = self.raw[key]
        if isinstance(value, str) and value.lower() in {"true", "false"}:
            return value.lower() == "true"
        if not isinstance(value, bool):
            self.errors.append(f"{key} must be true or false.")
            return None
        return value

    def choice(self, key: str, choices: list[str]) -> str | None:
        text = self.text(key)
        if text is None:
            return None
        for option in choices:
            if option.lower() == text.lower():
                return option
        self.errors.append(f"{key} must be one of {', '.join(choices)}.")
        return None

    def ident(self, key: str) -> uuid.UUID | None:
        text = self.text(key)
        if not text:
            return None
        try:
            return uuid.UUID(text)
        except ValueError:
            self.errors.append(f"{key} '{text}' is not a valid identifier.")
            return None

    def obj(self, key: str) -> Reader | None:
        """A nested object (Contact, SalesDetails, Invoice ...) read into the same errors."""
        if not self.has(key):
            return None
        value = self.raw[key]
        if not isinstance(value, dict):
            self.errors.append(f"{key} must be an object.")
            return None
        return Reader(value, self.errors)

    def objects(self, key: str) -> list[Reader] | None:
        if not self.has(key):
            return None
        value = self.raw[key]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.errors.append(f"{key} must be a list of objects.")
            return None
        return [Reader(item, self.errors) for item in value]
