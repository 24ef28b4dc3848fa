"""The query language: a subset of Intuit's SQL-like SELECT.

SELECT * | COUNT(*) | Field, ... FROM Entity
  [WHERE Field op value [AND ...]]   op: = != < > <= >= LIKE IN
  [ORDERBY Field [ASC|DESC], ...] [STARTPOSITION n] [MAXRESULTS n]

No OR, JOIN or GROUP BY (a parse error, 4000, as at Intuit). STARTPOSITION is 1-based;
MAXRESULTS defaults to 100 and is capped at 1,000. Inactive name-list entities are left
out unless the WHERE clause names Active. Deleted transactions never appear.
https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.core.params import whole_number
from sandbox.quickbooks import clock, conf, errors, render
from sandbox.quickbooks.entities.registry import BY_LOWER, Kind
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
DEFAULT_MAX_RESULTS = 100
TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<op><=|>=|!=|=|<|>)|(?P<punct>[(),*])"
    r"|(?P<number>-?\d+(?:\.\d+)?(?![\w.]))|(?P<word>[A-Za-z_][\w.]*))"
)
OPERATORS = {"=", "!=", "<", ">", "<=", ">=", "LIKE", "IN"}
COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
TIME_FIELDS = re.compile(r"(Time|Date)$")


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    values: tuple[Any, ...]


@dataclass
class Query:
    kind: Kind
    count: bool = False
    fields: list[str] = field(default_factory=list)
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    start: int = 1
    max_results: int = DEFAULT_MAX_RESULTS


# --- parsing ------------------------------------------------------------------------------


def _parse_error(detail: str) -> errors.Invalid:
    return errors.invalid("4000", f"QueryParserError: {detail}")


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        found = TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise _parse_error(f"Encountered an unexpected character at column {position + 1}")
        kind = found.lastgroup or ""
        tokens.append((kind, found.group(kind)))
        position = found.end()
    return tokens


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.at += 1
        return token

    def keyword(self, word: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.upper() == word:
            self.at += 1
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.keyword(word):
            raise _parse_error(f'Encountered "{self.peek()[1]}", was expecting {word}')

    def punct(self, char: str) -> bool:
        if self.peek() in (("punct", char), ("op", char)):
            self.at += 1
            return True
        return False

    def parse(self) -> Query:
        self.expect("SELECT")
        count, fields = self._projection()
        self.expect("FROM")
        kind_token = self.take()
        kind = BY_LOWER.get(kind_token[1].lower()) if kind_token[0] == "word" else None
        if kind is None:
            raise errors.invalid("4001", f"QueryValidationError: Invalid entity {kind_token[1]!r}")
        query = Query(kind, count=count, fields=fields)
        if self.keyword("WHERE"):
            query.where = self._conditions()
        if self.keyword("ORDERBY") or (self.keyword("ORDER") and self._by()):
            query.order = self._order()
        self._paging(query)
        if self.peek()[0] != "end":
            raise _parse_error(f'Encountered "{self.peek()[1]}"')
        return query

    def _by(self) -> bool:
        self.expect("BY")
        return True

    def _projection(self) -> tuple[bool, list[str]]:
        if self.punct("*"):
            return False, []
        if self.keyword("COUNT"):
            if not (self.punct("(") and self.punct("*") and self.punct(")")):
                raise _parse_error("COUNT takes (*)")
            return True, []
        fields = [self._field()]
        while self.punct(","):
            fields.append(self._field())
        return False, fields

    def _field(self) -> str:
        kind, value = self.take()
        if kind != "word" or value.upper() in ("FROM", "WHERE", "AND", "OR"):
            raise _parse_error(f'Encountered "{value}", was expecting a property name')
        return value

    def _conditions(self) -> list[Condition]:
        conditions = [self._condition()]
        while True:
            if self.keyword("AND"):
                conditions.append(self._condition())
            elif self.peek()[0] == "word" and self.peek()[1].upper() == "OR":
                raise _parse_error('Encountered " "OR" "OR "". OR is not supported')
            else:
                return conditions

    def _condition(self) -> Condition:
        name = self._field()
        _kind, raw_op = self.take()
        op = raw_op.upper()
        if op not in OPERATORS:
            raise _parse_error(f'Encountered "{raw_op}", was expecting an operator')
        if op == "IN":
            if not self.punct("("):
                raise _parse_error("IN takes a list in parentheses")
            values = [self._value()]
            while self.punct(","):
                values.append(self._value())
            if not self.punct(")"):
                raise _parse_error("IN list not closed")
            return Condition(name, op, tuple(values))
        return Condition(name, op, (self._value(),))

    def _value(self) -> Any:
        kind, raw = self.take()
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", raw[1:-1])
        if kind == "number":
            return Decimal(raw)
        if kind == "word" and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise _parse_error(f'Encountered "{raw}", was expecting a value')

    def _order(self) -> list[tuple[str, bool]]:
        order = []
        while True:
            name = self._field()
            descending = self.keyword("DESC")
            if not descending:
                self.keyword("ASC")
            order.append((name, descending))
            if not self.punct(","):
                return order

    def _paging(self, query: Query) -> None:
        while True:
            if self.keyword("STARTPOSITION"):
                query.start = max(self._integer(), 1)
            elif self.keyword("MAXRESULTS"):
                query.max_results = min(max(self._integer(), 0), conf.seconds("QUERY_MAX_RESULTS"))
            else:
                return

    def _integer(self) -> int:
        kind, raw = self.take()
        number = whole_number(raw) if kind == "number" else None
        if number is None:
            raise _parse_error(f'Encountered "{raw}", was expecting a whole number')
        return number


def parse(text: str) -> Query:
    if not text.strip():
        raise _parse_error("The query is empty")
    query = Parser(text).parse()
    for name in [c.field for c in query.where] + [name for name, _ in query.order] + query.fields:
        _check_queryable(query.kind, name)
    return query


def _check_queryable(kind: Kind, name: str) -> None:
    top = name.split(".", 1)[0]
    if top not in kind.accepted and top not in ("Balance", "BalanceWithJobs"):
        raise errors.invalid("4001", f"QueryValidationError: property '{name}' is not queryable")


# --- evaluating -----------------------------------------------------------------------------


def run(books: Books, text: str) -> Json:
    """The QueryResponse for a statement."""
    query = parse(text)
    rows = [render.entity(books, row) for row in books.all(query.kind.name)]
    rows = [row for row in rows if _keeps(query, row)]
    if query.count:
        return {"totalCount": len(rows)}
    rows.sort(key=lambda row: _number(row.get("Id")))
    for name, descending in reversed(query.order):
        rows.sort(key=_sorter(name), reverse=descending)
    page = rows[query.start - 1 : query.start - 1 + query.max_results]
    if not page:
        return {}
    if query.fields:
        page = [_project(row, query.fields) for row in page]
    return {query.kind.name: page, "startPosition": query.start, "maxResults": len(page)}


def _sorter(name: str) -> Callable[[Json], tuple[int, Any]]:
    def key(row: Json) -> tuple[int, Any]:
        return _sort_key(_resolve(row, name))

    return key


def _keeps(query: Query, row: Json) -> bool:
    names_active = any(c.field == "Active" for c in query.where)
    if query.kind.name_list and not names_active and row.get("Active") is False:
        return False
    return all(_holds(condition, _resolve(row, condition.field)) for condition in query.where)


def _resolve(row: Json, name: str) -> Any:
    value: Any = row
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def _holds(condition: Condition, actual: Any) -> bool:
    if actual is None:
        return condition.op == "!="
    if condition.op == "IN":
        return any(_compare(actual, "=", value, condition.field) for value in condition.values)
    return _compare(actual, condition.op, condition.values[0], condition.field)


def _compare(actual: Any, op: str, wanted: Any, name: str) -> bool:
    if op == "LIKE":
        pattern = "^" + ".*".join(re.escape(part) for part in str(wanted).split("%")) + "$"
        return re.match(pattern, str(actual), re.IGNORECASE | re.DOTALL) is not None
    left, right = _comparable(actual, wanted, name)
    if left is None or right is None:
        return op == "!="
    try:
        return bool(COMPARE[op](left, right))
    except TypeError:
        return False


def _comparable(actual: Any, wanted: Any, name: str) -> tuple[Any, Any]:
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return actual, wanted
    if TIME_FIELDS.search(name) and isinstance(wanted, str):
        return _moment(str(actual)), _moment(wanted)
    if isinstance(actual, int | float | Decimal) or isinstance(wanted, Decimal):
        return _decimal(actual), _decimal(wanted)
    return str(actual), str(wanted)


def _moment(raw: str) -> datetime | None:
    if len(raw) == 10:
        day = clock.parse_day(raw)
        if day is None:
            return None
        return datetime.combine(day, datetime.min.time(), tzinfo=clock.zone())
    return clock.parse_moment(raw)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _number(value: Any) -> tuple[int, str]:
    text = str(value)
    number = whole_number(text)
    return (number, "") if number is not None else (10**18, text)


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, Decimal(str(value)))
    if isinstance(value, str) and isinstance(clock.parse_day(value), date) and len(value) >= 10:
        moment = _moment(value)
        if moment is not None:
            return (3, moment.timestamp())
    return (4, str(value).lower())


def _project(row: Json, fields: list[str]) -> Json:
    projected: Json = {"domain": row["domain"], "sparse": True, "Id": row["Id"]}
    for name in fields:
        top = name.split(".", 1)[0]
        if top in row:
            projected[top] = row[top]
    return projected
