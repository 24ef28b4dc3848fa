"""What every entity's checks share: references, amounts, strings, booleans."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sandbox.quickbooks import errors
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
CENT = Decimal("0.01")


def ref_id(value: Any) -> str | None:
    """A ReferenceType's value: {"value": "58", "name": "..."}; None when absent."""
    if value is None:
        return None
    if isinstance(value, dict):
        inner = value.get("value")
        return None if inner in (None, "") else str(inner)
    return str(value)


def reference(
    books: Books, entity: str, value: Any, element: str, *, active_only: bool = True
) -> QboEntity:
    """The entity a reference names. Unknown Ids are 2500 Invalid Reference Id; inactive
    ones 610 Object Not Found (https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/handling-common-errors)."""
    wanted = ref_id(value)
    if wanted is None:
        raise errors.required(element)
    row = books.get(entity, wanted)
    if row is None:
        raise errors.invalid(
            "2500", f"Invalid Reference Id : {entity} element id {wanted} not found", element
        )
    if active_only and row.data.get("Active") is False:
        raise errors.not_found(entity, wanted)
    return row


def ref_to(row: QboEntity, name_field: str = "Name") -> Json:
    """A ReferenceType pointing at `row`, named as Intuit names it."""
    name = row.data.get(name_field) or row.data.get("DisplayName") or row.data.get("Name")
    return {"value": row.entity_id, "name": name} if name else {"value": row.entity_id}


def decimal(value: Any, element: str, *, required: bool = False) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise errors.required(element)
        return None
    if isinstance(value, bool):
        raise errors.invalid("2010", f"Property {element}: a number is expected", element)
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise errors.invalid(
            "2010", f"Property {element}: {value!r} is not a number", element
        ) from error
    if not number.is_finite():
        raise errors.invalid("2010", f"Property {element}: {value!r} is not a number", element)
    return number


def required_decimal(value: Any, element: str) -> Decimal:
    number = decimal(value, element, required=True)
    if number is None:  # decimal() raised already; this satisfies the type checker
        raise errors.required(element)
    return number


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def number(value: Decimal) -> float | int:
    """How the API writes numbers: 425.0, 35.06, 5."""
    as_int = int(value)
    return as_int if value == as_int and value.as_tuple().exponent == 0 else float(value)


def amount(value: Decimal) -> float:
    return float(money(value))


def text(value: Any, element: str, max_length: int | None = None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.invalid("2010", f"Property {element}: a string is expected", element)
    if max_length is not None and len(value) > max_length:
        detail = (
            f"String length specified does not match the supported length. Min:0 "
            f"Max:{max_length} supported. Supplied length:{len(value)}"
        )
        raise errors.invalid("2050", detail, element)
    return value


def boolean(value: Any, element: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise errors.invalid("2010", f"Property {element}: true or false is expected", element)


def clean(data: Json) -> Json:
    """Drop fields that are None: the API leaves empty fields out."""
    return {key: value for key, value in data.items() if value is not None}
