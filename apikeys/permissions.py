"""The scope check every API view runs: its module, at the level its method needs."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apikeys import services
from apikeys.authentication import client_ip
from apikeys.models import ApiKey
from apikeys.scopes import Module, allows, needed_level, scope_name


class MissingKey(NotAuthenticated):
    default_detail = "Send an API key: Authorization: Bearer pbk_…"
    default_code = "missing_api_key"


class MissingScope(PermissionDenied):
    default_code = "missing_scope"

    def __init__(self, scope: str) -> None:
        super().__init__(f"This API key lacks the {scope} scope.")
        self.scope = scope


class HasScope(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            raise MissingKey()
        module: Module = view.module  # every API view declares its module
        needed = needed_level(request.method or "GET")
        if allows(key.scope_map, module, needed):
            return True
        scope = scope_name(module, needed)
        services.record_refusal(key, f"missing scope {scope}", client_ip(request))
        raise MissingScope(scope)
