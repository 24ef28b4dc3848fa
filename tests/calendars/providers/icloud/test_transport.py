import datetime as dt

import pytest

from calendars.providers.icloud.transport import DEFAULT_WAIT, retry_after

NOW = dt.datetime(2026, 6, 1, 12, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", (120.0, True)),
        ("0", (0.0, True)),
        ("Mon, 01 Jun 2026 12:00:30 GMT", (30.0, True)),
        ("Mon, 01 Jun 2026 11:00:00 GMT", (0.0, True)),  # already past: go now
        (None, (DEFAULT_WAIT, False)),
        ("", (DEFAULT_WAIT, False)),
        ("soon", (DEFAULT_WAIT, False)),
        ("nan", (DEFAULT_WAIT, False)),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date_or_defaults(header, expected):
    assert retry_after(header, now=NOW) == expected
