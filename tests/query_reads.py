"""Which query-string and form keys a request's view reads, recorded as it runs.

While :func:`recording` is active, every ``QueryDict`` (``request.GET``, ``request.POST``,
DRF's ``query_params`` and form-encoded ``data``) notes each key looked up by name, and
notes an *opaque* read when the whole dict is taken at once (``.dict()``, iteration,
``items()``): the keys of those cannot be known, so the hostile-input walk keeps a list.
Copying or re-encoding the dict (``copy()``, ``urlencode()``) is not reading it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.http import QueryDict

BY_NAME = ("get", "getlist", "__getitem__", "__contains__", "pop")
WHOLE = ("dict", "items", "lists", "values", "keys", "__iter__")
NOT_READING = ("copy", "urlencode", "__copy__", "__deepcopy__")


@dataclass
class Reads:
    keys: set[str] = field(default_factory=set)
    opaque: bool = False
    _depth: int = 0

    def clear(self) -> None:
        self.keys, self.opaque = set(), False


@contextmanager
def recording() -> Iterator[Reads]:
    """Every QueryDict read until the block ends, into one Reads (clear it per request)."""
    reads = Reads()
    with pytest.MonkeyPatch.context() as patch:
        for name in BY_NAME + WHOLE + NOT_READING:
            original = getattr(QueryDict, name)
            patch.setattr(QueryDict, name, _wrapped(original, name, reads))
        yield reads


def _wrapped(original: Callable[..., Any], name: str, reads: Reads) -> Callable[..., Any]:
    @functools.wraps(original)
    def wrapper(self: QueryDict, *args: Any, **kwargs: Any) -> Any:
        if reads._depth == 0:  # calls QueryDict makes of itself are not the view's reads
            if name in BY_NAME and args and isinstance(args[0], str):
                reads.keys.add(args[0])
            elif name in WHOLE:
                reads.opaque = True
        reads._depth += 1
        try:
            return original(self, *args, **kwargs)
        finally:
            reads._depth -= 1

    return wrapper
