"""The public availability API (``/api/public/v1/``), what the WordPress plugin calls.

The contract is docs/public-availability-api.md. Every request, in order of cost:
a key in the query string is refused (no I/O); the client address spends its quota
(one Redis step); the website key is checked (format and checksum with no I/O, then
the key cache, else one indexed query); the key spends its quota (one Redis step,
which also opens the once-a-minute "last used" gate); a browser's Origin is checked
against the organisation's allowed domains; then the answer comes from the cache
(no SQL) or is computed and stored. ``If-None-Match`` with the answer's ETag is a 304.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import problems
from api import public_params as params
from api.problems import RateLimited
from api.serializers_public import (
    AvailabilityAnswer,
    CategoriesAnswer,
    ItemsAnswer,
    SiteAnswer,
)
from apikeys import website_limits
from apikeys.authentication import client_ip
from apikeys.ratelimit import Decision
from apikeys.website_authentication import (
    InvalidWebsiteKey,
    MissingWebsiteKey,
    ReplacedWebsiteKey,
    WebsiteKeyAuthentication,
)
from apikeys.website_key_cache import KnownWebsiteKey
from tenancy.models import Organisation
from wordpress_bridge import availability, cors, public_cache, usage
from wordpress_bridge.public_cache import CachedAnswer, OrganisationContext

EXPOSED = (
    "ETag, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "RateLimit, RateLimit-Policy"
)
PREFLIGHT_MAX_AGE = 600
ALLOWED_DOMAINS_HELP = "add it under Allowed domains on the WordPress card in Patchbay"


class WebsiteRateLimited(RateLimited):
    def __init__(self, decision: Decision, who: str) -> None:
        windows = ", ".join(
            f"{w.limit} requests per {w.seconds // 60} minutes".replace(
                "per 1 minutes", "per minute"
            )
            for w in decision.windows
            if w.name in decision.violated
        )
        exceptions.APIException.__init__(
            self, f"{who} exceeded {windows}. Wait for Retry-After seconds, then call again."
        )
        self.decision = decision


class OriginRefused(exceptions.PermissionDenied):
    default_code = "origin_not_allowed"


class NotOnWebsite(exceptions.NotFound):
    """Unknown, hidden, internal and other organisations' records all look alike."""

    def __init__(self, what: str, listing: str) -> None:
        super().__init__(f"No {what} with that id is shown on the website: see {listing}.")


def _encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match[:2000].split(",")]
    return "*" in tags or etag in tags


def _binding_window(decisions: list[Decision]) -> dict[str, str]:
    """RateLimit-Limit/-Remaining/-Reset of the window with the least left (the contract's)."""
    windows = [
        (left, -reset, window.limit, reset)
        for decision in decisions
        if not decision.degraded
        for window, left, reset in zip(
            decision.windows, decision.remaining(), decision.reset_ms, strict=True
        )
    ]
    if not windows:
        return {}
    left, _, limit, reset = min(windows)
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(left),
        "RateLimit-Reset": str(max(0, -(-reset // 1000))),
    }


class PublicView(APIView):
    authentication_classes = [WebsiteKeyAuthentication]
    permission_classes: list[Any] = []
    renderer_classes = [JSONRenderer]
    parser_classes: list[Any] = []
    http_method_names = ["get", "head", "options"]
    endpoint: ClassVar[str]

    # --- the checks every request passes, cheapest first -------------------------------

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        request.rate_decisions = []  # type: ignore[attr-defined]
        params.refuse_key_in_query(request.query_params)
        self._spend(request, website_limits.spend_address(client_ip(request) or "unknown"))
        super().initial(request, *args, **kwargs)  # authentication, then check_permissions

    def _spend(self, request: Request, decision: Decision) -> None:
        request.rate_decisions.append(decision)  # type: ignore[attr-defined]
        if not decision.allowed:
            who = (
                "This client address"
                if decision.windows[0].name.startswith(website_limits.ADDRESS_PREFIX)
                else "This website key"
            )
            raise WebsiteRateLimited(decision, who)

    def check_permissions(self, request: Request) -> None:
        if request.method == "OPTIONS":
            return  # a preflight carries no key: options() answers it
        known = request.auth
        if not isinstance(known, KnownWebsiteKey):
            raise MissingWebsiteKey()
        decision = website_limits.spend_key(known.id)
        if not decision.allowed:
            # A widget on an allowed page needs to read Retry-After to back off.
            self._let_the_page_read_it(request, known.organisation_id)
        self._spend(request, decision)
        try:
            ctx = public_cache.context(known.organisation_id)
        except Organisation.DoesNotExist:
            raise InvalidWebsiteKey() from None  # deleted since its key was cached
        request.public_context = ctx  # type: ignore[attr-defined]
        origin = self._checked_origin(request, ctx)
        if decision.touch_last_used:
            usage.note_call(
                known.id,
                known.organisation_id,
                origin or "",
                request.META.get("HTTP_USER_AGENT"),
                timezone.now(),
            )

    def _checked_origin(self, request: Request, ctx: OrganisationContext) -> str | None:
        raw = request.META.get("HTTP_ORIGIN")
        if raw is None:
            return None  # a server-side call (the plugin): the key is enough
        origin = cors.request_origin(raw)
        if origin is None or not cors.allowed_for(origin, ctx.origins):
            shown = cors.shown(raw)
            usage.note_refusal(
                ctx.organisation_id,
                "origin",
                f"origin {shown} not in allowed domains: add it on the WordPress card's page",
            )
            raise OriginRefused(
                f"The origin {shown} may not use this website key: {ALLOWED_DOMAINS_HELP} "
                "(Configuration > Integrations)."
            )
        request.cors_origin = origin  # type: ignore[attr-defined]
        return origin

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ReplacedWebsiteKey):
            organisation_id = exc.known.organisation_id
            usage.note_refusal(
                organisation_id,
                "replaced_key",
                "a replaced website key was used: paste the new key in WordPress > "
                "Settings > Patchbay",
            )
            self._let_the_page_read_it(self.request, organisation_id)
        response: Response = super().handle_exception(exc)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(response.data, dict) and isinstance(codes, str):
            response.data["code"] = codes  # the contract's machine-readable reason
        return response

    def _let_the_page_read_it(self, request: Request, organisation_id: int) -> None:
        """A widget on an allowed page may read why its key was refused."""
        raw = request.META.get("HTTP_ORIGIN")
        origin = cors.request_origin(raw) if raw else None
        if origin is None:
            return
        try:
            allowed = public_cache.context(organisation_id).origins
        except Organisation.DoesNotExist:
            return
        if cors.allowed_for(origin, allowed):
            request.cors_origin = origin  # type: ignore[attr-defined]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers differ by Origin (CORS headers, refusals): no cache may mix them.
        patch_vary_headers(response, ["Origin"])
        origin = getattr(request, "cors_origin", None)
        if origin:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = EXPOSED
        decisions: list[Decision] = getattr(request, "rate_decisions", [])
        for name, value in {
            **website_limits.headers(decisions),
            **_binding_window(decisions),
        }.items():
            response[name] = value
        return response

    # --- the preflight -------------------------------------------------------------------

    def options(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        response = HttpResponse(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        raw = request.META.get("HTTP_ORIGIN")
        if raw is None:
            return response
        origin = cors.request_origin(raw)
        if origin is None or not cors.allowed_by_any_organisation(origin):
            raise OriginRefused(
                f"The origin {cors.shown(raw)} may not call this API: {ALLOWED_DOMAINS_HELP}."
            )
        request.cors_origin = origin  # type: ignore[attr-defined]
        response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Authorization, If-None-Match"
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        return response

    # --- the answer ------------------------------------------------------------------------

    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        ctx: OrganisationContext = request.public_context  # type: ignore[attr-defined]
        today = timezone.localdate(timezone=ZoneInfo(ctx.time_zone))
        build, key_params = self.answer(request, ctx, today)
        key = public_cache.answer_key(
            ctx, self.endpoint, {**key_params, "today": today.isoformat()}
        )
        answer = public_cache.get(key) or public_cache.put(key, _encode(build()))
        self.answered(request)
        return self._respond(request, answer)

    def _respond(self, request: Request, answer: CachedAnswer) -> HttpResponse:
        if _matches(request.META.get("HTTP_IF_NONE_MATCH"), answer.etag):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(answer.body, content_type="application/json")
        response["ETag"] = answer.etag
        # Revalidate every time: an unchanged answer is a 304, a change shows at once.
        response["Cache-Control"] = "private, no-cache"
        return response

    def answer(
        self, request: Request, ctx: OrganisationContext, today: date
    ) -> tuple[Callable[[], dict[str, Any]], dict[str, str]]:
        """How to build the answer (called only on a cache miss), and its normalised parameters."""
        raise NotImplementedError

    def answered(self, request: Request) -> None:
        """After a successful answer (cached or not)."""


def _known(request: Request) -> KnownWebsiteKey:
    known = request.auth
    if not isinstance(known, KnownWebsiteKey):  # check_permissions refused such calls
        raise MissingWebsiteKey()
    return known


class SiteView(PublicView):
    """The organisation and how its website shows availability (the plugin's "Test connection")."""

    endpoint = "site"

    @extend_schema(responses={200: SiteAnswer, 304: OpenApiResponse(description="Not modified")})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().get(request, *args, **kwargs)

    def answer(
        self, request: Request, ctx: OrganisationContext, today: date
    ) -> tuple[Callable[[], dict[str, Any]], dict[str, str]]:
        def build() -> dict[str, Any]:
            return {
                "organisation": ctx.name,
                "display_mode": availability.display_mode(ctx.organisation_id),
                "time_zone": ctx.time_zone,
                "today": today.isoformat(),
            }

        return build, {}

    def answered(self, request: Request) -> None:
        known = _known(request)
        usage.note_test(known.id, known.organisation_id)


class CategoriesView(PublicView):
    """The categories the website shows (never internal ones), with their visible items."""

    endpoint = "categories"

    @extend_schema(
        responses={200: CategoriesAnswer, 304: OpenApiResponse(description="Not modified")}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().get(request, *args, **kwargs)

    def answer(
        self, request: Request, ctx: OrganisationContext, today: date
    ) -> tuple[Callable[[], dict[str, Any]], dict[str, str]]:
        def build() -> dict[str, Any]:
            org = ctx.organisation_id
            hidden = availability.hidden_item_ids(org)
            rows = (
                availability.visible_categories(org)
                .annotate(item_count=Count("items", filter=~Q(items__in=hidden)))
                .order_by("name", "pk")
                .values("id", "name", "item_count")
            )
            return {"data": list(rows)}

        return build, {}


def _visible_category(org: int, category: int) -> Any:
    found = availability.visible_categories(org).filter(pk=category).values("pk").first()
    if found is None:
        raise NotOnWebsite("category", "/api/public/v1/categories")
    return found


CATEGORY_PARAMETER = OpenApiParameter(
    "category", int, description="Only this category's items (an id from /categories)"
)


class ItemsView(PublicView):
    """The items the website shows, of one category if given."""

    endpoint = "items"

    @extend_schema(
        parameters=[CATEGORY_PARAMETER],
        responses={200: ItemsAnswer, 304: OpenApiResponse(description="Not modified")},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().get(request, *args, **kwargs)

    def answer(
        self, request: Request, ctx: OrganisationContext, today: date
    ) -> tuple[Callable[[], dict[str, Any]], dict[str, str]]:
        category = params.record_id(request.query_params, "category", "categories")

        def build() -> dict[str, Any]:
            items = availability.visible_items(ctx.organisation_id)
            if category is not None:
                _visible_category(ctx.organisation_id, category)
                items = items.filter(category_id=category)
            return {
                "data": [
                    {
                        "id": item.pk,
                        "name": item.name,
                        "description": item.description,
                        "category": {"id": item.category_id, "name": item.category.name},
                    }
                    for item in items
                ]
            }

        return build, {"category": str(category or "")}


class AvailabilityView(PublicView):
    """Availability for a date range, in the organisation's display mode only."""

    endpoint = "availability"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", date, description="First day; default today (the organisation's)"
            ),
            OpenApiParameter("to", date, description="Last day; default `from`; at most 366 days"),
            CATEGORY_PARAMETER,
            OpenApiParameter("item", int, description="Only this item (an id from /items)"),
        ],
        responses={200: AvailabilityAnswer, 304: OpenApiResponse(description="Not modified")},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().get(request, *args, **kwargs)

    def answer(
        self, request: Request, ctx: OrganisationContext, today: date
    ) -> tuple[Callable[[], dict[str, Any]], dict[str, str]]:
        query = request.query_params
        subject = params.subject(query)
        span = params.date_range(query, today)

        def build() -> dict[str, Any]:
            org = ctx.organisation_id
            items = availability.visible_items(org)
            if subject.item is not None:
                items = items.filter(pk=subject.item)
            elif subject.category is not None:
                _visible_category(org, subject.category)
                items = items.filter(category_id=subject.category)
            found = list(items)
            if subject.item is not None and not found:
                raise NotOnWebsite("item", "/api/public/v1/items")
            mode = availability.display_mode(org)
            return {
                "display_mode": mode,
                "from": span.first.isoformat(),
                "to": span.last.isoformat(),
                "items": availability.item_availability(mode, found, span, today, ctx.time_zone),
            }

        key_params = {
            "from": span.first.isoformat(),
            "to": span.last.isoformat(),
            "category": str(subject.category or ""),
            "item": str(subject.item or ""),
        }
        return build, key_params


@csrf_exempt  # API clients send no CSRF token; this view changes nothing
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Unknown paths under /api/public/v1/: a problem+json 404 that names the endpoints."""
    response = problems.not_found(request)
    body = json.loads(response.content)
    body["detail"] = "There is no such endpoint: see /api/public/v1/schema/."
    body["code"] = "not_found"
    response.content = json.dumps(body).encode()
    patch_vary_headers(response, ["Origin"])
    return response
