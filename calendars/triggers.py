"""Signals that tell calendars a crew member's work changed. Connected in
CalendarsConfig.ready(); operations knows nothing of calendars."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from calendars import wake
from operations.models import CrewAssignment, Project


def _assignment_before(sender: Any, instance: CrewAssignment, **kwargs: Any) -> None:
    """Remember who had it: a reassigned shift leaves the old person's calendar."""
    old = CrewAssignment.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    instance._calendar_user_before = old  # type: ignore[attr-defined]


def _assignment_changed(sender: Any, instance: CrewAssignment, **kwargs: Any) -> None:
    before = getattr(instance, "_calendar_user_before", None)
    users = [instance.user_id] + ([before] if before else [])
    wake.users_changed(instance.organisation_id, users)


def _project_changed(sender: Any, instance: Project, **kwargs: Any) -> None:
    users = CrewAssignment.objects.filter(project_id=instance.pk).values_list("user_id", flat=True)
    wake.users_changed(instance.organisation_id, list(users))


def connect() -> None:
    pre_save.connect(_assignment_before, sender=CrewAssignment, dispatch_uid="calendars-before")
    post_save.connect(_assignment_changed, sender=CrewAssignment, dispatch_uid="calendars-saved")
    post_delete.connect(_assignment_changed, sender=CrewAssignment, dispatch_uid="calendars-gone")
    post_save.connect(_project_changed, sender=Project, dispatch_uid="calendars-project")
