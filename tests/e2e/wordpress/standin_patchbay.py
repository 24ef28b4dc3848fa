"""A stand-in for Patchbay's public availability API, following the contract the plugin
codes against (/api/public/v1/site, /categories, /items, /availability), so the
real-WordPress harness can be proven before Patchbay's side exists. It records every
request (path, query, headers) for the tests, and can be told to fail.

Its catalogue: Lighting (3) and Sound (4) are shown; "Workshop spares" is internal and
never leaves, whatever the query (as Patchbay must behave).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ORGANISATION = "Northwind AV Hire"
CATEGORIES = {3: "Lighting", 4: "Sound"}
HIDDEN_CATEGORY = "Workshop spares"
# An item name that would run if the plugin printed it unescaped.
HOSTILE_NAME = (
    '<script>window.patchbayPwned = 1</script><img src=x onerror="window.patchbayPwned = 2">Hazer'
)
ITEMS: list[dict[str, Any]] = [
    {"id": 12, "name": "ETC Source Four 750W", "category": 3, "owned": 10, "available": 4},
    {"id": 13, "name": HOSTILE_NAME, "category": 3, "owned": 2, "available": 2},
    {"id": 20, "name": "Shure SM58", "category": 4, "owned": 6, "available": 0},
]
HIDDEN_ITEM_NAME = "Bench power supply"  # in the hidden category: never served
API_PREFIX = "/api/public/v1/"


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class StandinPatchbay:
    key: str
    display_mode: str = "quantities"
    # When set, every request is answered with this status (problem+json).
    failure_status: int | None = None
    retry_after: int | None = None
    requests: list[RecordedRequest] = field(default_factory=list)
    url: str = ""

    def calls_to(self, endpoint: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == API_PREFIX + endpoint]


def problem(status: int, code: str, detail: str) -> tuple[int, dict[str, Any]]:
    return status, {
        "type": f"https://patchbay.example/problems/{code}",
        "title": detail.split(":")[0],
        "status": status,
        "detail": detail,
        "code": code,
    }


def day_state(item: dict[str, Any], day: date) -> str:
    """A deterministic pattern: an item with nothing free is unavailable every day."""
    if item["available"] == 0:
        return "unavailable"
    return ("available", "available", "limited", "unavailable")[day.toordinal() % 4]


def mode_fields(item: dict[str, Any], mode: str, first: date, last: date) -> dict[str, Any]:
    if mode == "labels":
        in_stock = item["available"] > 0
        return {"in_stock": in_stock, "label": "In stock" if in_stock else "Out of stock"}
    if mode == "calendar":
        days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
        return {"days": [{"date": d.isoformat(), "state": day_state(item, d)} for d in days]}
    return {"available": item["available"], "owned": item["owned"]}


def answer(state: StandinPatchbay, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
    endpoint = path.removeprefix(API_PREFIX)
    today = date.today()
    if endpoint == "site":
        return 200, {
            "organisation": ORGANISATION,
            "display_mode": state.display_mode,
            "time_zone": "UTC",
            "today": today.isoformat(),
        }
    if endpoint == "categories":
        return 200, {
            "data": [
                {
                    "id": number,
                    "name": name,
                    "item_count": sum(item["category"] == number for item in ITEMS),
                }
                for number, name in CATEGORIES.items()
            ]
        }
    if endpoint != "availability":
        return problem(404, "not_found", "Not found.")
    items = ITEMS
    if "category" in query:
        number = int(query["category"][0]) if query["category"][0].isdigit() else -1
        if number not in CATEGORIES:
            return problem(404, "not_found", "No such category on the website.")
        items = [item for item in ITEMS if item["category"] == number]
    if "item" in query:
        wanted = query["item"][0]
        items = [item for item in items if str(item["id"]) == wanted]
        if not items:
            return problem(404, "not_found", "No such item on the website.")
    try:
        first = date.fromisoformat(query.get("from", [today.isoformat()])[0])
        last = date.fromisoformat(query.get("to", [first.isoformat()])[0])
    except ValueError:
        return problem(400, "invalid_range", "Dates are YYYY-MM-DD.")
    if first < today or last < first or (last - first).days >= 366:
        return problem(400, "invalid_range", "The range is in the past, reversed or too long.")
    return 200, {
        "display_mode": state.display_mode,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "items": [
            {
                "id": item["id"],
                "name": item["name"],
                "category": {"id": item["category"], "name": CATEGORIES[item["category"]]},
                **mode_fields(item, state.display_mode, first, last),
            }
            for item in items
        ],
    }


def handler_for(state: StandinPatchbay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            state.requests.append(
                RecordedRequest(parts.path, query, {k.lower(): v for k, v in self.headers.items()})
            )
            headers: dict[str, str] = {}
            if state.failure_status is not None:
                status, body = problem(
                    state.failure_status, "standin_failure", "The stand-in was told to fail."
                )
                if state.retry_after is not None:
                    headers["Retry-After"] = str(state.retry_after)
            elif "key" in query or any(
                state.key in value for values in query.values() for value in values
            ):
                status, body = problem(
                    400, "key_in_query", "Send the key in the Authorization header."
                )
            elif self.headers.get("Authorization") != f"Bearer {state.key}":
                status, body = problem(401, "invalid_key", "The website key is not valid.")
            else:
                status, body = answer(state, parts.path, query)
            self.send_json(status, body, headers)

        def send_json(self, status: int, body: Any, headers: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            kind = "application/json" if status == 200 else "application/problem+json"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", '"' + hashlib.sha256(data).hexdigest()[:16] + '"')
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # requests are recorded in state.requests

    return Handler


@contextmanager
def standin_patchbay(key: str) -> Iterator[StandinPatchbay]:
    state = StandinPatchbay(key=key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
