"""The OpenAPI schema (JSON) and the docs page rendered from it, both public."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from api.examples import example
from api.views.sdk_downloads import Download, downloads
from apikeys.scopes import MODULE_LABELS
from apikeys.webhook_endpoints import webhook_endpoints
from operations.events import EVENT_TYPES

METHODS = ("get", "post", "put", "patch", "delete")
EXAMPLES_DIR = Path(settings.BASE_DIR) / "templates" / "api" / "examples"
# The examples name this origin; the page shows the one its reader reached it at.
EXAMPLE_ORIGIN = "https://patchbay.example"

schema = SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny])


@cache
def openapi() -> dict[str, Any]:
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    generated: dict[str, Any] = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return generated


def _json(value: Any) -> str:
    return json.dumps(value, indent=2)


def _body_example(content: dict[str, Any] | None, components: dict[str, Any]) -> str:
    if not content:
        return ""
    media = content.get("application/json") or next(iter(content.values()))
    return _json(example(media.get("schema", {}), components))


def _operation(
    path: str, method: str, spec: dict[str, Any], components: dict[str, Any]
) -> dict[str, Any]:
    success = next(code for code in spec["responses"] if code.startswith("2"))
    request_body = spec.get("requestBody", {}).get("content")
    return {
        "id": spec["operationId"],
        "method": method.upper(),
        "path": path,
        "description": spec.get("description", ""),
        "scope": spec.get("x-required-scope", ""),
        "parameters": [p for p in spec.get("parameters", []) if p["in"] != "path"],
        "request_example": _body_example(request_body, components),
        "status": success,
        "response_example": _body_example(spec["responses"][success].get("content"), components),
    }


@cache
def reference() -> list[tuple[str, list[dict[str, Any]]]]:
    """Operations grouped by their first path segment, in the schema's order."""
    document = openapi()
    components = document.get("components", {}).get("schemas", {})
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                tag = item[method].get("tags", ["api"])[0]
                groups.setdefault(tag, []).append(
                    _operation(path, method, item[method], components)
                )
    return list(groups.items())


@cache
def code_examples() -> dict[str, str]:
    return {path.name.replace(".", "_"): path.read_text() for path in EXAMPLES_DIR.iterdir()}


def _examples_for(origin: str) -> dict[str, str]:
    return {name: text.replace(EXAMPLE_ORIGIN, origin) for name, text in code_examples().items()}


# What the docs page shows of each client library, in this order; an example is the
# file templates/api/examples/sdk_<library>_<topic>.<ext>, shown when it exists.
SDK_TOPICS = (
    ("first_call", "A first call"),
    ("paging", "Every page, and only what changed"),
    ("rate_limit", "Handling a 429"),
    ("webhook", "Verifying a webhook"),
)
INSTALL = {
    "python": "pip install {url}",
    "typescript": "npm install {url}",
    "php": "curl -O {url} && unzip {filename}",
}


def _sdk(download: Download, origin: str, examples: dict[str, str]) -> dict[str, Any]:
    slug = download.library.slug
    topics = []
    for topic, title in SDK_TOPICS:
        prefix = f"sdk_{slug}_{topic}_"
        found = next((text for name, text in examples.items() if name.startswith(prefix)), None)
        if found is not None:
            topics.append(
                {"id": f"sdk-{slug}-{topic.replace('_', '-')}", "title": title, "code": found}
            )
    url = f"{origin}{download.url}"
    return {
        "slug": slug,
        "label": download.library.label,
        "download": download,
        "install": INSTALL[slug].format(url=url, filename=download.filename),
        "topics": topics,
    }


@require_GET
def docs_page(request: HttpRequest) -> HttpResponse:
    origin = request.build_absolute_uri("/").rstrip("/")
    examples = _examples_for(origin)
    context = {
        "origin": origin,
        "groups": reference(),
        "modules": MODULE_LABELS.items(),
        "events": EVENT_TYPES.items(),
        "examples": examples,
        "sdks": [_sdk(download, origin, examples) for download in downloads()],
        "webhook_urls": webhook_endpoints().url_rule(),
        "limits": settings.API_RATE_LIMITS,
        "retry_delays": settings.WEBHOOKS_RETRY_DELAYS,
    }
    return render(request, "api/docs.html", context)
