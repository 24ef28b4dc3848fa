"""A small part of Xero's `where` filter: comparisons joined by AND and OR (AND binds
tighter, as in the .NET expressions Xero's filter follows; no parentheses).

Supported: `Path=="text"`, `Path!="text"`, `Path==true|false|null|number`,
`Path==Guid("...")` and `Path.Contains("text")` / `.StartsWith` / `.EndsWith`
(case-insensitive), on the record as the API returns it (`Contact.ContactID` walks
into nested objects). Anything else is a QueryParseException, so a client finds out
at once instead of getting an unfiltered list. Prefer the explicit filters (IDs,
Statuses, ...): Xero asks for them too.
https://developer.xero.com/documentation/api/accounting/requests-and-responses#retrieving-a-filtered-set-of-records
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AND = re.compile(r"\s+AND\s+|\s*&&\s*", re.IGNORECASE)
OR = re.compile(r"\s+OR\s+|\s*\|\|\s*", re.IGNORECASE)
COMPARISON = re.compile(r"^(?P<path>[A-Za-z][\w.]*?)\s*(?P<op>==|!=)\s*(?P<value>.+)$")
METHOD = re.compile(
    r'^(?P<path>[A-Za-z][\w.]*?)\.(?P<method>Contains|StartsWith|EndsWith)\(\s*"(?P<arg>[^"]*)"\s*\)$'
)
GUID = re.compile(r'^Guid\(\s*"(?P<id>[^"]+)"\s*\)$', re.IGNORECASE)
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

Test = Callable[[dict[str, Any]], bool]
METHODS: dict[str, Callable[[str, str], bool]] = {
    "Contains": lambda have, want: want in have,
    "StartsWith": str.startswith,
    "EndsWith": str.endswith,
}


class WhereError(ValueError):
    pass


class Guid(str):
    """An id from Guid("..."): compared without regard to case."""

    __slots__ = ()


@dataclass(frozen=True)
class Where:
    # Alternatives (joined by OR), each a conjunction of tests (joined by AND).
    alternatives: tuple[tuple[Test, ...], ...]

    def matches(self, item: dict[str, Any]) -> bool:
        return any(all(test(item) for test in tests) for tests in self.alternatives)


def parse(raw: str) -> Where:
    groups = [[part.strip() for part in AND.split(group)] for group in OR.split(raw.strip())]
    if not all(clause for clauses in groups for clause in clauses):
        raise WhereError(f"The where filter '{raw}' could not be read.")
    return Where(tuple(tuple(_clause(clause) for clause in clauses) for clauses in groups))


def _clause(text: str) -> Test:
    method = METHOD.match(text)
    if method:
        path, check, wanted = method["path"], METHODS[method["method"]], method["arg"].lower()
        return lambda item: check(str(_lookup(item, path) or "").lower(), wanted)
    comparison = COMPARISON.match(text)
    if comparison is None:
        raise WhereError(f"The where clause '{text}' could not be read.")
    path, negate, wanted = comparison["path"], comparison["op"] == "!=", _value(comparison["value"])
    return lambda item: _equal(_lookup(item, path), wanted) != negate


def _value(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    guid = GUID.match(text)
    if guid:
        return Guid(guid["id"].lower())
    words: dict[str, Any] = {"true": True, "false": False, "null": None}
    if text.lower() in words:
        return words[text.lower()]
    if NUMBER.match(text):
        return float(text)
    raise WhereError(f"The value {text} in the where filter could not be read.")


def _lookup(item: dict[str, Any], path: str) -> Any:
    value: Any = item
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _equal(have: Any, wanted: Any) -> bool:
    if isinstance(wanted, float) and isinstance(have, int | float) and not isinstance(have, bool):
        return float(have) == wanted
    if isinstance(wanted, Guid) and isinstance(have, str):
        return have.lower() == wanted
    return bool(have == wanted)
