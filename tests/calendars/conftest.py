"""The iCloud sandbox (Radicale behind the iCloud fault layer) for calendar tests, and
no wake-up keys left from another test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from django.conf import settings

from calendars.providers.icloud.transport import Credentials, Transport
from sandbox.icloud.server import ICloudSandbox

APPLE_ID = "crew@icloud.test"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
OTHER_APPLE_ID = "other@icloud.test"
OTHER_PASSWORD = "qrst-uvwx-yzab-cdef"


@pytest.fixture(autouse=True)
def _no_wake_ups_left_over() -> None:
    """Wake-up keys (calendars.wake) live in Redis, outside the test transaction, and
    connection ids repeat between test sessions: start each test without them."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter("patchbay:*calendars:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def icloud(tmp_path: Path, settings: Any) -> Iterator[ICloudSandbox]:
    """A fresh Radicale on a free port; ICLOUD_CALDAV_URL points at its front host."""
    users = {APPLE_ID: APP_PASSWORD, OTHER_APPLE_ID: OTHER_PASSWORD}
    with ICloudSandbox(tmp_path / "icloud", users) as sandbox:
        settings.ICLOUD_CALDAV_URL = sandbox.url
        yield sandbox


@pytest.fixture
def transport(icloud: ICloudSandbox) -> Transport:
    return Transport(Credentials(APPLE_ID, APP_PASSWORD))


@pytest.fixture
def in_icloud(icloud: ICloudSandbox) -> requests.Session:
    """The crew member acting in iCloud itself (straight to Radicale's partition)."""
    session = requests.Session()
    session.auth = (APPLE_ID, APP_PASSWORD)
    return session
