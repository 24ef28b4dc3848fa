"""Fixtures shared by the platform tests."""

from tests.integrations.per_user import per_user_integrations  # noqa: F401 - a fixture
