"""Google's discovery document for the Calendar API v3 (calendar-api.json, read in place
from settings.SPECS_DIR) as a checker of traffic: which method a request is, whether its
parameters and body are ones the method takes, and whether a response body fits the
method's response schema.

The document is a Discovery document, not OpenAPI (see the README beside it): methods
under resources.<name>.methods with an httpMethod, a path template relative to
.../calendar/v3/, their parameters (path or query) and request/response schema names;
schemas in a JSON-Schema-like dialect where `$ref` is a bare name and int64 values
travel as strings. Problems are returned as sentences, so a test shows all of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

API_ROOT = "calendar/v3/"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# The JSON error shape of Google's APIs (the discovery document describes successes
# only): https://developers.google.com/workspace/calendar/api/guides/errors
ERROR_KEYS = {"code", "message", "errors", "status", "details"}
ERROR_ITEM_KEYS = {"domain", "reason", "message", "location", "locationType", "extendedHelp"}


@dataclass(frozen=True)
class Method:
    id: str
    http_method: str
    path: str
    pattern: re.Pattern[str]
    literal_segments: int
    parameters: dict[str, Any]
    request: str | None
    response: str | None


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\+?[A-Za-z]+\})", template)
    regex = ""
    for part in parts:
        if part.startswith("{+"):
            regex += f"(?P<{part[2:-1]}>.+)"
        elif part.startswith("{"):
            regex += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"{regex}$")


@functools.cache
def load(path: Path) -> Discovery:
    with path.open(encoding="utf-8") as handle:
        return Discovery(json.load(handle))


class Discovery:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.schemas: dict[str, Any] = document["schemas"]
        self.common: dict[str, Any] = document.get("parameters", {})
        self.methods = [
            Method(
                id=method["id"],
                http_method=method["httpMethod"],
                path=method["path"],
                pattern=_pattern(method["path"]),
                literal_segments=sum(1 for s in method["path"].split("/") if "{" not in s),
                parameters=method.get("parameters", {}),
                request=(method.get("request") or {}).get("$ref"),
                response=(method.get("response") or {}).get("$ref"),
            )
            for resource in document["resources"].values()
            for method in resource.get("methods", {}).values()
        ]

    def by_id(self, method_id: str) -> Method:
        return next(method for method in self.methods if method.id == method_id)

    # --- requests -----------------------------------------------------------------------

    def method_for(self, http_method: str, url: str) -> Method | None:
        """The method a request is, preferring literal segments (events/watch is not an
        event called "watch")."""
        relative = relative_path(url)
        if relative is None:
            return None
        found = [
            m for m in self.methods if m.http_method == http_method and m.pattern.match(relative)
        ]
        return max(found, key=lambda m: m.literal_segments, default=None)

    def request_problems(self, http_method: str, url: str, body: Any = None) -> list[str]:
        method = self.method_for(http_method, url)
        if method is None:
            return [f"{http_method} {urlsplit(url).path} is no method of the Calendar API"]
        problems = self._query_problems(method, parse_qsl(urlsplit(url).query, True))
        if method.request is None:
            if body not in (None, b"", ""):
                problems.append(f"{method.id} takes no request body")
        elif body in (None, b"", ""):
            problems.append(f"{method.id} needs a {method.request} body")
        else:
            parsed = json.loads(body) if isinstance(body, bytes | str) else body
            problems += self.body_problems(method.request, parsed, method_id=method.id)
        return problems

    def _query_problems(self, method: Method, pairs: list[tuple[str, str]]) -> list[str]:
        problems = []
        seen: dict[str, int] = {}
        for name, value in pairs:
            seen[name] = seen.get(name, 0) + 1
            spec = method.parameters.get(name) or self.common.get(name)
            if spec is None or spec.get("location") != "query":
                problems.append(f"{method.id}: unknown query parameter {name!r}")
                continue
            problems += _value_problems(f"{method.id}?{name}", spec, value)
        for name, count in seen.items():
            spec = method.parameters.get(name) or self.common.get(name) or {}
            if count > 1 and not spec.get("repeated"):
                problems.append(f"{method.id}: {name!r} given {count} times, not repeated")
        for name, spec in method.parameters.items():
            if spec.get("required") and spec.get("location") == "query" and name not in seen:
                problems.append(f"{method.id}: required query parameter {name!r} missing")
        return problems

    # --- bodies -------------------------------------------------------------------------

    def body_problems(self, schema_name: str, body: Any, *, method_id: str = "") -> list[str]:
        problems = self._check(self.schemas[schema_name], body, schema_name)
        if method_id:
            problems += self._required_for(schema_name, body, method_id)
        return problems

    def _required_for(self, schema_name: str, body: Any, method_id: str) -> list[str]:
        """Fields the schema's annotations require for this method (Event.start for
        calendar.events.insert, say)."""
        properties = self.schemas[schema_name].get("properties", {})
        return [
            f"{schema_name}.{name} is required for {method_id}"
            for name, spec in properties.items()
            if method_id in spec.get("annotations", {}).get("required", [])
            and name not in (body or {})
        ]

    def _check(self, schema: dict[str, Any], value: Any, where: str) -> list[str]:
        if "$ref" in schema:
            return self._check(self.schemas[schema["$ref"]], value, where)
        kind = schema.get("type")
        if kind == "object":
            return self._object(schema, value, where)
        if kind == "array":
            if not isinstance(value, list):
                return [f"{where}: {value!r} is not an array"]
            items = schema.get("items", {})
            return [
                p for n, item in enumerate(value) for p in self._check(items, item, f"{where}[{n}]")
            ]
        return _scalar_problems(where, schema, value)

    def _object(self, schema: dict[str, Any], value: Any, where: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        problems = []
        for key, item in value.items():
            if properties and key in properties:
                problems += self._check(properties[key], item, f"{where}.{key}")
            elif extra is not None:
                problems += self._check(extra, item, f"{where}.{key}")
            elif properties is not None:
                problems.append(f"{where}: unknown property {key!r}")
        return problems


def relative_path(url: str) -> str | None:
    """The path after .../calendar/v3/ (the sandbox serves it under a prefix)."""
    path = unquote(urlsplit(url).path)
    at = path.find("/" + API_ROOT)
    return None if at < 0 else path[at + len(API_ROOT) + 1 :]


def _value_problems(where: str, spec: dict[str, Any], value: str) -> list[str]:
    """A query parameter's text against its declared type and enum."""
    kind = spec.get("type")
    if kind == "boolean" and value not in ("true", "false"):
        return [f"{where}: {value!r} is not a boolean"]
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return [f"{where}: {value!r} is not an integer"]
        if "minimum" in spec and int(value) < int(spec["minimum"]):
            return [f"{where}: {value} is below the minimum {spec['minimum']}"]
    if spec.get("enum") and value not in spec["enum"]:
        return [f"{where}: {value!r} is not one of {spec['enum']}"]
    return []


def _scalar_problems(where: str, schema: dict[str, Any], value: Any) -> list[str]:
    kind, form = schema.get("type"), schema.get("format")
    if kind == "any":
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: {value!r} is not a boolean"]
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not an integer"]
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not a number"]
    if kind != "string":
        return [f"{where}: the schema's type {kind!r} is not understood here"]
    if not isinstance(value, str):
        return [f"{where}: {value!r} is not a string"]
    if form in ("int64", "uint64") and not re.fullmatch(r"-?\d+", value):
        return [f"{where}: {value!r} is not an {form} in a string"]
    if form == "date-time" and not RFC3339.fullmatch(value):
        return [f"{where}: {value!r} is not an RFC 3339 date-time"]
    if form == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return [f"{where}: {value!r} is not a date"]
    if schema.get("enum") and value not in schema["enum"]:
        return [f"{where}: {value!r} is not one of {schema['enum']}"]
    return []


def error_problems(status: int, body: Any) -> list[str]:
    """Google's JSON error body: {"error": {"code", "message", "errors": [{"domain",
    "reason", "message", ...}], "status"}}, its code the HTTP status."""
    if not isinstance(body, dict) or set(body) != {"error"}:
        return [f"the body is not {{'error': ...}}: {body!r}"]
    error = body["error"]
    problems = [f"error: unknown key {key!r}" for key in set(error) - ERROR_KEYS]
    if error.get("code") != status:
        problems.append(f"error.code {error.get('code')!r} is not the HTTP status {status}")
    if not isinstance(error.get("message"), str) or not error["message"]:
        problems.append("error.message is missing")
    items = error.get("errors")
    if not isinstance(items, list) or not items:
        return [*problems, "error.errors is not a non-empty list"]
    for item in items:
        problems += [f"error.errors[]: unknown key {key!r}" for key in set(item) - ERROR_ITEM_KEYS]
        problems += [
            f"error.errors[] has no {key}"
            for key in ("domain", "reason", "message")
            if not isinstance(item.get(key), str) or not item[key]
        ]
    if "status" in error and not re.fullmatch(r"[A-Z_]+", str(error["status"])):
        problems.append(f"error.status {error['status']!r} is not a canonical code")
    return problems


def reason_of(body: dict[str, Any]) -> str:
    return str(body["error"]["errors"][0]["reason"])
