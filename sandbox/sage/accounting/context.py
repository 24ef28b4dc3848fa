"""One request's view of a business's books: who writes, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sandbox.sage.accounting.wire import stamp
from sandbox.sage.models import SageBusiness


@dataclass
class Books:
    business: SageBusiness
    client_id: str = ""  # blank: a person working inside Sage
    now: datetime = field(default_factory=stamp)


class Invalid(Exception):
    """A write Sage refuses with 422 and these problems."""

    def __init__(self, *problems: tuple[str, str]) -> None:
        super().__init__("; ".join(message for message, _ in problems))
        self.problems = problems  # (message, $source)


class NotFound(Exception):
    pass
