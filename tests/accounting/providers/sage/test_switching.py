"""Switching accounting platform (issue 5, item 8) between Xero and Sage: disconnect
one, connect the other; what synced is kept and each keeps its own mappings."""

from __future__ import annotations

from typing import Any

from accounting.mappings import missing_mappings
from accounting.models import AccountMapping, Entity, ExternalRef
from integrations.models import Connection, SyncRun
from sandbox.sage import books as sage_books
from sandbox.sage.seed import DEMO_HIRE_UK
from sandbox.xero import books as xero_books
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.providers.sage.helpers import connect_through_sandbox, map_everything, sync
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox as connect_xero
from tests.accounting.test_engine import map_everything as map_everything_xero
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import disconnect_through_page


def test_from_xero_to_sage_and_back_keeps_what_synced_and_each_platforms_mappings(
    xero_sandbox: str, sage_sandbox: str, settings: Any, tenants: Tenants
) -> None:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    owner = client_for(tenants.owner)
    first = factories.make_issued_invoice(tenants.alpha)
    connect_xero(owner)
    xero = Connection.objects.get(provider="xero")
    map_everything_xero(xero)
    assert sync(xero).status == SyncRun.Status.SUCCEEDED

    refused = owner.post("/settings/integrations/sage/connect/")
    assert refused["Location"] == "/settings/integrations/"  # one platform at a time
    disconnect_through_page(owner, f"/settings/integrations/xero/connections/{xero.pk}/disconnect/")
    connect_through_sandbox(owner)
    sage = Connection.objects.get(provider="sage")
    assert missing_mappings(sage)  # Sage's mappings are its own, made afresh
    map_everything(sage)
    second = factories.make_issued_invoice(tenants.alpha, first.customer)
    sync(sage)

    references = [i.reference for i in sage_books.invoices_of(DEMO_HIRE_UK)]
    assert first.number in references and second.number in references
    xero_links = ExternalRef.objects.filter(connection=xero, entity=Entity.INVOICE)
    assert xero_links.count() == 1  # what reached Xero is still recorded against Xero
    assert [i.reference for i in xero_books.invoices_of(DEMO_COMPANY_UK)].count(first.number) == 1

    disconnect_through_page(owner, f"/settings/integrations/sage/connections/{sage.pk}/disconnect/")
    connect_xero(owner)
    xero.refresh_from_db()
    assert xero.state == Connection.State.CONNECTED
    assert not missing_mappings(xero)  # Xero's mappings were kept through the switch
    assert AccountMapping.objects.filter(connection=sage).exists()
