"""Intuit's Fault bodies: a record refused inside a batch answers in an HTTP 200, and only
that record fails, with QuickBooks' own words on it."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from accounting.models import Entity, ExternalRef
from accounting.providers.quickbooks import client
from integrations.errors import ProviderError
from integrations.models import AuditEntry, Connection, SyncRun
from operations.models import Invoice
from sandbox.quickbooks import books
from tests import factories
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants


def test_a_fault_inside_a_200_batch_fails_only_its_record_and_says_why(
    connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha, name="Harbour Build LLC", currency="USD")
    invoices = [factories.make_issued_invoice(tenants.alpha, customer) for _ in range(3)]
    # An invoice in another currency than its customer's: QuickBooks refuses that one.
    refused = invoices[1]
    Invoice.objects.filter(pk=refused.pk).update(currency="EUR")
    helpers.map_everything(connected)

    run = sync(connected)

    assert run.status == SyncRun.Status.PARTIAL
    batch = AuditEntry.objects.get(run=run, entity=Entity.INVOICE, method="POST")
    assert batch.status_code == 200  # one batch call, answered 200 with a Fault inside
    refs = {ref.local_id: ref for ref in ExternalRef.objects.filter(entity=Entity.INVOICE)}
    assert refs[refused.pk].state == ExternalRef.State.ERROR
    assert "is not the customer's currency" in refs[refused.pk].last_error
    assert any("is not the customer's currency" in str(error) for error in run.errors)
    pushed = [invoices[0], invoices[2]]
    assert {refs[i.pk].state for i in pushed} == {ExternalRef.State.LINKED}
    numbers = {str(row.data.get("DocNumber")) for row in books.invoices_of(helpers.US_REALM)}
    assert {i.number for i in pushed} <= numbers
    assert refused.number not in numbers


def _answer(status: int, body: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    return response


def test_a_whole_answer_that_is_a_fault_is_refused_even_with_status_200() -> None:
    body = {
        "Fault": {
            "Error": [{"Message": "A business validation error", "Detail": "Nope", "code": "6000"}],
            "type": "ValidationFault",
        }
    }
    with pytest.raises(ProviderError, match="QuickBooks refused the query"):
        client.checked(_answer(200, body), "the query")
    assert client.checked(_answer(200, {"QueryResponse": {}}), "the query") == {"QueryResponse": {}}
