"""Bodies built to hurt the parser: each is a problem+json refusal, never a 500 or HTML."""

from __future__ import annotations

import pytest

from tests.api.helpers import api, make_key
from tests.conftest import Tenants

CUSTOMERS = "/api/v1/customers/"
PROBLEM = "application/problem+json"

BOMBS = {
    "100,000 nested arrays": b"[" * 100_000,
    "an object nested 5,000 deep": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "arrays nested 65 deep, closed": b"[" * 65 + b"]" * 65,
}


@pytest.mark.parametrize("body", BOMBS.values(), ids=BOMBS.keys())
def test_deeply_nested_json_is_a_malformed_json_problem(tenants: Tenants, body: bytes) -> None:
    _, secret = make_key(tenants.alpha)
    response = api(secret).post(CUSTOMERS, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("#problem-malformed-json")
    assert "nested deeper than 64" in response.json()["detail"]


def test_nesting_a_real_payload_might_use_is_parsed(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha)
    body = b'{"name": "Deep Ltd", "notes": "[[[[{{{{"}'  # brackets inside a string
    response = api(secret).post(CUSTOMERS, body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_three_megabyte_body_is_a_payload_too_large_problem(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha)
    body = b'{"name": "' + b"x" * 3_000_000 + b'"}'
    response = api(secret).post(CUSTOMERS, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("#problem-payload-too-large")


def test_malformed_json_is_a_problem(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha)
    response = api(secret).post(CUSTOMERS, b'{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("#problem-malformed-json")


def test_a_three_megabyte_form_body_is_a_problem_too(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha)
    body = "name=" + "x" * 3_000_000
    response = api(secret).post(CUSTOMERS, body, content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == PROBLEM
