"""JSON bodies, refusing what the database could never store.

JSON may escape a lone UTF-16 surrogate (``"\\ud800"``); Python decodes it, but
no UTF-8 text column can hold it, so the write would fail deep in the database.
Refusing it here makes it a 400 like any other malformed body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _encodable(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, Mapping):
        return all(_encodable(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(item) for item in value)
    return True


class StrictJSONParser(JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not _encodable(data):
            raise ParseError("The JSON contains text that is not valid Unicode.")
        return data
