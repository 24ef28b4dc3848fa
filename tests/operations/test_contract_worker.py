"""The beat task through a real Celery worker and broker: sent twice, it issues once."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from django.utils import timezone

from operations.models import ContractIssuance
from operations.tasks import issue_contract_invoices
from tests.conftest import Tenants
from tests.operations.test_contracts import make_contract
from tests.workers import start_worker

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def worker_queue(transactional_db: None) -> Iterator[str]:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue=queue)
    try:
        yield queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_the_hourly_task_sent_twice_issues_each_due_period_once(
    tenants: Tenants, worker_queue: str
) -> None:
    made = [make_contract(tenants.alpha, timezone.localdate()) for _ in range(3)]
    first = issue_contract_invoices.apply_async(queue=worker_queue)
    second = issue_contract_invoices.apply_async(queue=worker_queue)
    results = [first.get(timeout=120), second.get(timeout=120)]
    assert sorted(result["issued"] for result in results) == [0, 3]
    periods = Counter(ContractIssuance.objects.values_list("contract_id", "period_start"))
    assert set(periods.values()) == {1}
    assert {contract for contract, _ in periods} == {c.pk for c in made}
