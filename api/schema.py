"""OpenAPI generation: every operation documents its problem responses and the key scheme."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from api.problems import CONTENT_TYPE
from api.serializers import ProblemSerializer
from apikeys.scopes import needed_level, scope_name

ERRORS = ("400", "401", "403", "404", "429")


class ProblemAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        module = getattr(self.view, "module", None)
        if operation is not None and module is not None:
            # A vendor extension: the docs page shows it, clients may read it.
            operation["x-required-scope"] = scope_name(module, needed_level(self.method))
        return operation

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = [*ERRORS, *getattr(self.view, "extra_problem_codes", ())]
        for code in codes:
            responses.setdefault(
                code,
                self._get_response_for_code(  # type: ignore[no-untyped-call]
                    ProblemSerializer, code, media_types=[CONTENT_TYPE], direction=direction
                ),
            )
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "apikeys.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "pbk_ followed by 36 characters",
            "description": "An API key from Integrations > API access.",
        }


PUBLIC_PREFIX = "/api/public/"


def rest_api_only(endpoints: list[Any]) -> list[Any]:
    """/api/v1/schema/: the REST API's paths, not the public availability API's."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith(PUBLIC_PREFIX)]


def public_api_only(endpoints: list[Any]) -> list[Any]:
    """/api/public/v1/schema/: the public availability API's paths only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIX)]


class WebsiteKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "apikeys.website_authentication.WebsiteKeyAuthentication"
    name = "WebsiteKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "pbpk_ followed by 36 characters",
            "description": (
                "The website key from the WordPress card (Configuration > Integrations): "
                "read public availability only."
            ),
        }
