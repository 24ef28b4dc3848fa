"""The demo organisations' books: a chart for each, and a few customers and hire items
in Demo Company (UK), with ids that are the same in every database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef

from sandbox.xero.accounting import chart
from sandbox.xero.accounting.dates import stamp
from sandbox.xero.accounting.models import XeroAccount, XeroContact, XeroItem
from sandbox.xero.models import XeroOrganisation


@dataclass(frozen=True)
class ItemSeed:
    code: str
    name: str
    description: str
    price: str
    account: str = "205"


CONTACTS = (
    ("Bright Lights Events Ltd", "accounts@brightlights.test"),
    ("Northern Stage Productions", "finance@northernstage.test"),
    ("Riverside Festival CIC", "treasurer@riversidefest.test"),
    ("Marlow & Finch Weddings", "hello@marlowfinch.test"),
)
ITEMS = (
    ItemSeed("SL19-DAY", "Scissor lift 19ft (day)", "Scissor lift 19ft, daily hire", "85.00"),
    ItemSeed("PA-SMALL", "Small PA system (day)", "Small PA system, daily hire", "120.00"),
    ItemSeed("LED-PAR", "LED par can (day)", "LED par can, daily hire", "12.00"),
    ItemSeed("DEL-LOCAL", "Local delivery", "Delivery and collection, 20 miles", "45.00", "200"),
)


def ensure_books(tenant_ids: list[uuid.UUID], demo_company: uuid.UUID) -> None:
    """Seed what is missing: charts first, then the demo company's contacts and items."""
    charted = Exists(XeroAccount.objects.filter(organisation=OuterRef("pk")))
    for organisation in XeroOrganisation.objects.filter(~charted, tenant_id__in=tenant_ids):
        chart.seed(organisation)
    demo = XeroOrganisation.objects.filter(tenant_id=demo_company).first()
    if demo is not None and not XeroContact.objects.filter(organisation=demo).exists():
        _seed_customers(demo)


def _seed_customers(organisation: XeroOrganisation) -> None:
    now = stamp()
    tenant = organisation.tenant_id
    XeroContact.objects.bulk_create(
        [
            XeroContact(
                organisation=organisation,
                contact_id=chart.seeded_id(tenant, "contact", name),
                name=name,
                email_address=email,
                created_at=now,
                updated_at=now,
            )
            for name, email in CONTACTS
        ],
        ignore_conflicts=True,
    )
    XeroItem.objects.bulk_create(
        [_item(organisation, seed, now) for seed in ITEMS], ignore_conflicts=True
    )


def _item(organisation: XeroOrganisation, seed: ItemSeed, now: datetime) -> XeroItem:
    return XeroItem(
        organisation=organisation,
        item_id=chart.seeded_id(organisation.tenant_id, "item", seed.code),
        code=seed.code,
        name=seed.name,
        description=seed.description,
        is_purchased=False,
        sales_unit_price=Decimal(seed.price),
        sales_account_code=seed.account,
        sales_tax_type="OUTPUT2",
        updated_at=now,
    )
