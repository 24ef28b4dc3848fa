"""The demo businesses' books: a chart for each, and a few customers, services and a
product in Demo Hire Ltd, with ids that are the same in every database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sandbox.sage.accounting import chart
from sandbox.sage.accounting.wire import stamp
from sandbox.sage.models import SageBusiness, SageContact, SageItem, SageLedgerAccount


@dataclass(frozen=True)
class ItemSeed:
    kind: str
    code: str
    description: str
    price: str
    nominal_code: int = 4000


CONTACTS = (
    ("Harbour Build Ltd", "HARB001", "accounts@harbourbuild.test"),
    ("Bright Lights Events Ltd", "BRIG001", "finance@brightlights.test"),
    ("Riverside Festival CIC", "RIVE001", "treasurer@riversidefest.test"),
)
ITEMS = (
    ItemSeed("service", "SL19-DAY", "Scissor lift 19ft, daily hire", "85.00"),
    ItemSeed("service", "PA-SMALL", "Small PA system, daily hire", "120.00"),
    ItemSeed("service", "DEL-LOCAL", "Delivery and collection, 20 miles", "45.00", 4905),
    ItemSeed("product", "TAPE-50", "Gaffer tape 50mm roll", "6.50", 4010),
)


def ensure_books(business_ids: list[str], demo_business: str) -> None:
    """Seed what is missing: charts first, then the demo business's customers and items."""
    for business in SageBusiness.objects.filter(guid__in=business_ids):
        chart.ensure(business)
    demo = SageBusiness.objects.filter(guid=demo_business).first()
    if demo is not None and not SageContact.objects.filter(business=demo).exists():
        _seed_customers(demo)


def _seed_customers(business: SageBusiness) -> None:
    now = stamp()
    for name, reference, email in CONTACTS:
        SageContact.objects.create(
            business=business,
            guid=chart.seeded_id(business.guid, "contact", reference),
            name=name,
            reference=reference,
            email=email,
            currency=business.currency,
            created_at=now,
            updated_at=now,
        )
    accounts = {
        row.nominal_code: row for row in SageLedgerAccount.objects.filter(business=business)
    }
    for seed in ITEMS:
        account = accounts[seed.nominal_code]
        SageItem.objects.create(
            business=business,
            guid=chart.seeded_id(business.guid, seed.kind, seed.code),
            kind=seed.kind,
            item_code=seed.code,
            description=seed.description,
            sales_ledger_account=account,
            sales_tax_rate=account.tax_rate,
            price=Decimal(seed.price),
            created_at=now,
            updated_at=now,
        )
