"""What every API view shares: the key's organisation, rate limits, scopes, headers."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404
from rest_framework import viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import UpdatedSinceFilter
from api.problems import RateLimited
from apikeys import limiting, services
from apikeys.authentication import client_ip
from apikeys.models import ApiKey
from apikeys.ratelimit import Decision
from apikeys.scopes import Module
from tenancy.models import Organisation, TenantModel
from tenancy.params import parse_id


class ApiViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    module: ClassVar[Module]
    model: ClassVar[type[TenantModel]]
    filter_backends = [UpdatedSinceFilter]

    @property
    def key(self) -> ApiKey:
        key = self.request.auth
        if not isinstance(key, ApiKey):  # HasScope has refused such callers already
            raise NotAuthenticated()
        return key

    @property
    def organisation_id(self) -> int:
        return self.key.organisation_id

    @property
    def organisation(self) -> Organisation:
        return self.key.organisation  # loaded only by the views that need more than its id

    def get_queryset(self) -> Any:
        return self.model._default_manager.filter(organisation_id=self.organisation_id)

    def get_serializer_context(self) -> dict[str, Any]:
        context = {**super().get_serializer_context()}
        if isinstance(self.request.auth, ApiKey):
            context["organisation"] = self.organisation_id
        return context

    def get_object(self) -> Any:
        # Ids beyond bigint would be a database error, not a 404: refuse them first.
        if parse_id(self.kwargs.get(self.lookup_field)) is None:
            raise Http404
        return super().get_object()

    def check_permissions(self, request: Request) -> None:
        # Spend the quota before the scope check, so refused calls are limited too.
        if isinstance(request.auth, ApiKey):
            decision = limiting.spend(request.auth)
            request.rate_decision = decision  # type: ignore[attr-defined]
            if not decision.allowed:
                reason = f"rate limited ({', '.join(decision.violated)})"
                services.record_refusal(request.auth, reason, client_ip(request))
                raise RateLimited(decision, request.auth.masked)
        super().check_permissions(request)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        decision: Decision | None = getattr(request, "rate_decision", None)
        if decision is not None:
            for name, value in limiting.headers(decision).items():
                response[name] = value
        return response
