from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers import ProjectSerializer
from api.views.base import ApiViewSet
from apikeys.scopes import Module
from operations import services
from operations.models import Project
from operations.services import OperationError


def _field_error(error: OperationError) -> ValidationError:
    return ValidationError({error.field or "non_field_errors": [error.message]})


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Projects: a status change through PATCH sends ``project.status_changed``."""

    module = Module.PROJECTS
    model = Project
    serializer_class = ProjectSerializer
    lookup_value_regex = "[0-9]+"

    @extend_schema(responses={201: ProjectSerializer})
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            project = services.create_project(self.organisation, **serializer.validated_data)
        except OperationError as error:
            raise _field_error(error) from None
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            project = services.update_project(project, **serializer.validated_data)
        except OperationError as error:
            raise _field_error(error) from None
        return Response(self.get_serializer(project).data)
