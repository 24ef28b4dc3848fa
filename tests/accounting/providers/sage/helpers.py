"""Connecting to the Sage sandbox with the Django test client, mapping, and acting as the
bookkeeper through the sandbox's API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from accounting.engine.sync import run_sync
from accounting.models import AccountMapping, ExternalRef
from integrations.models import Connection, SyncRun
from operations.models import IncomeCategory, TaxCategory
from sandbox.sage.accounting.chart import seeded_id
from sandbox.sage.seed import DEMO_HIRE_UK, SANDBOX_USER
from tests.accounting.worker_crash import linked_invoices as linked_invoices
from tests.sandbox.sage import flow

SALES_4000 = seeded_id(DEMO_HIRE_UK, "ledger_account", "4000")
SALES_4010 = seeded_id(DEMO_HIRE_UK, "ledger_account", "4010")
BANK_1200 = seeded_id(DEMO_HIRE_UK, "bank_account", "1200")


def local(url: str) -> str:
    """The test client speaks to this process whatever the host: keep path and query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def connect_through_sandbox(
    client: Client, business: str = DEMO_HIRE_UK, email: str = SANDBOX_USER
) -> Any:
    """Connect, sign in as the sandbox user, allow, and pick the business if asked."""
    authorize = client.post("/settings/integrations/sage/connect/")["Location"]
    sign_in = client.get(local(authorize))["Location"]
    consent = client.post(local(sign_in), {"user": email})["Location"]
    callback = client.post(local(consent), {"action": "allow"})["Location"]
    answer = client.get(local(callback))
    if answer.status_code == 302 and answer["Location"].endswith("/sage/choose/"):
        return client.post(answer["Location"], {"remote_id": business})
    return answer


def map_everything(connection: Connection, income: str = SALES_4000) -> None:
    org = connection.organisation
    rows = [
        (AccountMapping.Kind.INCOME, c.pk, income)
        for c in IncomeCategory.objects.filter(organisation=org)
    ]
    rows += [
        (AccountMapping.Kind.TAX, t.pk, "GB_STANDARD")
        for t in TaxCategory.objects.filter(organisation=org)
    ]
    rows.append((AccountMapping.Kind.PAYMENT_ACCOUNT, 0, BANK_1200))
    for kind, local_id, code in rows:
        AccountMapping.objects.create(
            organisation=org, connection=connection, kind=kind, local_id=local_id, remote_code=code
        )


def sync(connection: Connection, *, allow_failure: bool = False) -> SyncRun:
    fresh = Connection.objects.select_related("organisation").get(pk=connection.pk)
    run = run_sync(fresh, SyncRun.Trigger.MANUAL)
    if not allow_failure:
        assert run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTIAL), run.errors
    return run


def ref_of(entity: str, local_id: int) -> ExternalRef:
    return ExternalRef.objects.get(entity=entity, local_id=local_id)


def remote_id_of(entity: str, local_id: int) -> str:
    return ref_of(entity, local_id).remote_id


def bookkeeper() -> flow.Sage:
    """Sage's API as another app of the bookkeeper's would call it (for Demo Hire Ltd)."""
    return flow.sage_for(Client())
