"""JSON bodies, bounded before parsing and refusing what the database could never store.

Size and nesting depth are checked before ``json.loads`` runs (tenancy.bounded_json):
a huge body is a 413 and a deeply nested one a 400, never a RecursionError.

JSON may escape a lone UTF-16 surrogate (``"\\ud800"``); Python decodes it, but
no UTF-8 text column can hold it, so the write would fail deep in the database.
Refusing it here makes it a 400 like any other malformed body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from api.problems import PayloadTooLarge
from tenancy import bounded_json


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


def _declared_length(parser_context: Mapping[str, Any] | None) -> int | None:
    request = (parser_context or {}).get("request")
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else None
    except ValueError:
        return None


class StrictJSONParser(JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        try:
            body = bounded_json.read(stream, limit, _declared_length(parser_context))
            data = bounded_json.loads(body)
        except bounded_json.TooLarge as error:
            raise PayloadTooLarge(str(error)) from None
        except bounded_json.UnreadableJson as error:
            raise ParseError(str(error)) from None
        if not _encodable(data):
            raise ParseError("The JSON contains text that is not valid Unicode.")
        return data
