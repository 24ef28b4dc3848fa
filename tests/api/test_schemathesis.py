"""Property-based: schemathesis drives every operation of the OpenAPI schema, alone
and in chained sequences.

Bounded (a few examples per operation), in-process through the WSGI app, with a
real key that may do everything. It finds no 5xx, no undocumented content type,
and no response body that breaks the schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests import factories
from tests.api.helpers import elevate, make_key
from tests.conftest import Tenants

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


# Loaded when the module is collected (the schema view needs no database), so each
# operation becomes its own test. (schemathesis's lazy fixture loader does not run on
# pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_connection_open(db: None) -> Iterator[None]:
    # As Django's test client does: keep the test's connection (and its transaction)
    # open across requests instead of closing it when each request finishes.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def secret(tenants: Tenants) -> str:
    factories.make_every_record(tenants.alpha, "ST", tenants.crew)
    key, secret = make_key(tenants.alpha)
    elevate(key)  # the run makes far more than 100 calls a minute
    return secret


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_5xx_or_breaks_its_schema(case: Any, secret: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {secret}"})
    case.validate_response(response, checks=CHECKS)


# Stateful: sequences of calls chained by the links schemathesis infers from the schema
# (an object's id from a list or a create feeds the operations that take that id), so
# reads, updates and approvals reach real records instead of 404s.
class ChainedCalls(schema.as_state_machine()):  # type: ignore[misc]
    secret = ""

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {"Authorization": f"Bearer {self.secret}"}}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS)


def test_chained_calls_never_answer_5xx_or_break_the_schema(secret: str) -> None:
    ChainedCalls.secret = secret
    ChainedCalls.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
