"""A real Celery worker process against real Redis, running a task end to end."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app as celery_app
from tenancy.tasks import clear_expired_sessions
from tests.workers import start_worker

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def worker_queue(transactional_db: None) -> Iterator[str]:
    """Starts ``celery worker`` on a private queue, pointed at the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue=queue)
    try:
        yield queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    assert store.session_key is not None
    return store.session_key


def test_worker_runs_the_session_cleanup_task_end_to_end(worker_queue: str) -> None:
    expired = _session(timedelta(days=-1))
    current = _session(timedelta(days=1))

    result = clear_expired_sessions.apply_async(queue=worker_queue)
    removed = result.get(timeout=60)

    assert removed == 1
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=current).exists()


def test_beat_schedule_lives_in_settings_and_names_registered_tasks() -> None:
    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks
