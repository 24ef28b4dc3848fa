"""The one JSON loader for bodies from outside: depth measured flat, size before reading."""

from __future__ import annotations

import io

import pytest

from tenancy import bounded_json


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"1", 0),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'["[[[[", "\\"[[", {"x": "]]]]"}]', 2),  # brackets and escaped quotes in strings
        (b"[" * 100_000, bounded_json.MAX_DEPTH + 1),  # stops counting past the limit
    ],
)
def test_depth_is_counted_without_recursion_and_ignores_strings(body: bytes, depth: int) -> None:
    assert bounded_json.depth(body) == depth


def test_a_body_at_the_depth_limit_loads_and_one_deeper_is_refused() -> None:
    limit = bounded_json.MAX_DEPTH
    assert bounded_json.loads(b"[" * limit + b"]" * limit) is not None
    with pytest.raises(bounded_json.TooDeep):
        bounded_json.loads(b"[" * (limit + 1) + b"]" * (limit + 1))


def test_malformed_json_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        bounded_json.loads(b'{"a": ')


def test_size_is_refused_by_declared_length_before_reading() -> None:
    stream = io.BytesIO(b"[]")
    with pytest.raises(bounded_json.TooLarge):
        bounded_json.read(stream, limit=10, declared=11)
    assert stream.tell() == 0


def test_size_is_refused_after_one_byte_too_many_when_undeclared() -> None:
    with pytest.raises(bounded_json.TooLarge):
        bounded_json.read(io.BytesIO(b"x" * 11), limit=10)
    assert bounded_json.read(io.BytesIO(b"x" * 10), limit=10) == b"x" * 10
