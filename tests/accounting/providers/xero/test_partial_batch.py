"""A batch Xero takes in part is shown as what it is: 6 of 7 written, the seventh
refused with its reason, against the Xero sandbox over real HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from accounting.engine.sync import run_sync
from accounting.models import AccountMapping, Entity, ExternalRef
from integrations.models import AuditEntry, Connection, SyncRun
from operations import services
from tests import factories
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for


def test_a_batch_with_one_refused_invoice_is_partly_done_six_of_seven(
    xero_sandbox: str, settings: Any, tenants: Tenants
) -> None:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()
    good = [
        factories.make_issued_invoice(
            tenants.alpha, factories.make_customer(tenants.alpha, f"Customer {n}")
        )
        for n in range(6)
    ]
    odd = factories.make_income(tenants.alpha, "Odd income")
    line = services.LineInput(
        description="Hire",
        quantity=Decimal("1"),
        unit_price=Decimal("10.00"),
        tax_category=good[0].lines.first().tax_category,  # type: ignore[union-attr]
        income_category=odd,
    )
    refused = services.issue_invoice(
        services.create_draft_invoice(factories.make_customer(tenants.alpha, "Odd Ltd"), [line])
    )
    map_everything(connection)
    AccountMapping.objects.filter(
        connection=connection, kind=AccountMapping.Kind.INCOME, local_id=odd.pk
    ).update(remote_code="999")  # no such account: Xero refuses that invoice alone

    run = run_sync(connection, SyncRun.Trigger.MANUAL)

    batch = AuditEntry.objects.get(entity=Entity.INVOICE, method="PUT")
    assert (batch.outcome, batch.tally) == (AuditEntry.Outcome.PARTIAL, "6 of 7")
    linked = ExternalRef.objects.filter(entity=Entity.INVOICE, state=ExternalRef.State.LINKED)
    assert sorted(linked.values_list("local_id", flat=True)) == sorted(i.pk for i in good)
    assert [e["local_id"] for e in run.errors] == [refused.pk]
    log = client_for(tenants.bookkeeper).get(reverse("accounting:audit_log")).content.decode()
    assert "Partly done (6 of 7)" in log
