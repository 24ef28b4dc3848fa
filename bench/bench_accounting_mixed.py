"""A month of a rental business's books pushed to the QuickBooks sandbox in one sync,
then a quiet sync: 2,000 invoices for 200 customers, the invoices of 100 recurring
contracts (issued by the contracts' scan), 300 approved sub-hire purchase orders from 20
suppliers, and 3,000 approved crew timesheets.

QuickBooks is the ledger that takes every one of these (Xero has no time activities,
Sage neither purchase orders nor time activities). The sandbox runs as its own server
(gunicorn) with Intuit's limits, as in ``quickbooks_push``; the engine runs in this
process as a worker would.

Figures (``quickbooks_push``'s, over every kind):
- ``calls``: API calls of the push sync (the sandbox's own count).
- ``min_calls``: the fewest QuickBooks allows: one batch of 30 per 30 customers, vendors,
  invoices, purchase orders and time activities, and one read each of customers, items
  and payments (as ``quickbooks_push`` counts them).
- ``rate_bound_s``: the least time the limits allow for those calls (see ``_rate_bound``).
- ``noop_sync_calls`` against ``entity_types``, ``self_inflicted_429``.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bench.accounting_push import (
    INVOICES,
    Measured,
    Synced,
    bench_organisation,
    least,
    map_accounts,
    serve_and_measure,
    signed_in,
    sync,
)
from bench.bench_quickbooks_push import (
    BATCH,
    BATCHES_PER_MINUTE,
    CALLBACK,
    CONCURRENT,
    PER_SECOND,
    _calls_since,
    _point_at,
)

CONTRACTS = 100
SUPPLIERS = 20
PURCHASE_ORDERS = 300
CREW = 10
PROJECTS = 30
TIMESHEETS = 3_000


def _suppliers_and_orders(organisation: Any, tax: Any) -> Any:
    """20 suppliers and 300 approved two-line purchase orders; returns the expense
    category their lines cost to."""
    from operations import purchasing
    from operations.models import Customer, ExpenseCategory, PurchaseOrder

    expense = ExpenseCategory.objects.create(organisation=organisation, name="Sub-hire")
    suppliers = [
        Customer.objects.create(
            organisation=organisation,
            name=f"Bench supplier {n:02}",
            email=f"s{n}@bench.test",
            currency="USD",
            is_supplier=True,
        )
        for n in range(SUPPLIERS)
    ]
    for n in range(PURCHASE_ORDERS):
        lines = [
            purchasing.OrderLine(Decimal(40 + n % 30), expense, tax, Decimal(2), f"Sub-hire {n}"),
            purchasing.OrderLine(Decimal(25), expense, tax, Decimal(1), "Delivery"),
        ]
        order = purchasing.create_purchase_order(suppliers[n % SUPPLIERS], lines)
        purchasing.advance(order, PurchaseOrder.Status.APPROVED)
    return expense


def _contracts(organisation: Any, tax: Any, income: Any) -> int:
    """100 monthly contracts billed in advance from the 1st of this month; the scan
    issues each one's invoice for the month. Returns how many it issued."""
    from operations import contracts, services
    from operations.models import Customer

    customers = list(Customer.objects.filter(organisation=organisation, is_supplier=False))
    first = date.today().replace(day=1)
    for n in range(CONTRACTS):
        line = services.LineInput(
            description=f"Long-term hire {n}",
            unit_price=Decimal(500 + n),
            tax_category=tax,
            income_category=income,
        )
        contracts.create_contract(
            organisation,
            [line],
            name=f"Bench contract {n}",
            customer=customers[n % len(customers)],
            starts_on=first,
            billing_day=1,
        )
    return contracts.scan().issued


def _crew_and_timesheets(organisation: Any, owner: Any) -> list[Any]:
    """10 crew members on 30 projects and 3,000 approved entries; returns the crew."""
    from django.utils import timezone

    from operations import timesheets
    from operations.models import CrewAssignment, Customer, Project
    from tenancy.models import Membership, User
    from tenancy.roles import Role

    crew = []
    for n in range(CREW):
        user = User.objects.create_user(email=f"crew{n}@bench.test", password=None)
        Membership.objects.create(user=user, organisation=organisation, role=Role.CREW)
        crew.append(user)
    start = timezone.now() - timedelta(days=30)
    clients = list(Customer.objects.filter(organisation=organisation, is_supplier=False))
    projects = []
    for n in range(PROJECTS):
        project = Project.objects.create(
            organisation=organisation,
            client=clients[n],
            name=f"Bench project {n}",
            starts_at=start,
            ends_at=start + timedelta(days=30),
        )
        projects.append(project)
        for user in crew:
            CrewAssignment.objects.create(
                organisation=organisation,
                project=project,
                user=user,
                role="Rigger",
                starts_at=project.starts_at,
                ends_at=project.ends_at,
            )
    for n in range(TIMESHEETS):
        entry = timesheets.TimeInput(
            project=projects[n % PROJECTS],
            worked_on=start.date() + timedelta(days=n % 30),
            hours=Decimal(4 + n % 6),
            billable=n % 2 == 0,
            notes=f"Shift {n}",
        )
        timesheets.approve(timesheets.record_time(organisation, crew[n % CREW], entry), owner)
    return crew


def _map_crew(connection: Any, crew: list[Any]) -> None:
    """Each crew member as one of the sandbox company's employees, as the crew page
    saves it (the company has a few; several people may share one)."""
    from accounting import crew_choices
    from accounting.engine.adapter import EMPLOYEE
    from accounting.models import CrewMapping

    people = [p for p in crew_choices.people(crew_choices.fetch(connection)) if p.kind == EMPLOYEE]
    for n, user in enumerate(crew):
        person = people[n % len(people)]
        CrewMapping.objects.create(
            organisation=connection.organisation,
            connection=connection,
            user=user,
            kind=person.kind,
            remote_id=person.code,
            remote_name=person.name,
        )


def _world() -> Any:
    from accounting.engine.sync import adapter_for
    from accounting.models import AccountMapping
    from integrations.models import Connection
    from sandbox.quickbooks import books
    from sandbox.quickbooks.seed import US_REALM, ensure_demo_world
    from tests.accounting.providers.quickbooks.helpers import connect

    ensure_demo_world()
    organisation, owner, tax, income = bench_organisation(currency="USD", tax_rate=Decimal(0))
    issued = _contracts(organisation, tax, income)
    if issued != CONTRACTS:
        raise RuntimeError(f"The contracts' scan issued {issued} invoices, not {CONTRACTS}.")
    expense = _suppliers_and_orders(organisation, tax)
    crew = _crew_and_timesheets(organisation, owner)
    connect(signed_in(owner), US_REALM)
    connection = Connection.objects.select_related("organisation").get()
    item = books.entity_json(US_REALM, "Item", "1")
    deposit = next(
        row for row in books._rows(US_REALM, "Account") if row.data["Name"] == "Undeposited Funds"
    )
    [expense_account, *_] = adapter_for(connection, None).expense_accounts()
    map_accounts(
        connection,
        [
            (AccountMapping.Kind.INCOME, income.pk, f"1:{item['IncomeAccountRef']['value']}"),
            (AccountMapping.Kind.TAX, tax.pk, "TAX"),
            (AccountMapping.Kind.PAYMENT_ACCOUNT, 0, deposit.entity_id),
            (AccountMapping.Kind.EXPENSE, expense.pk, expense_account.code),
        ],
    )
    _map_crew(connection, crew)
    return connection


def _rate_bound(calls: list[tuple[str, str, float]], batches: int) -> float:
    """The least time QuickBooks' limits allow for the push's calls.

    - At most 5 in flight: the calls' time over 5, never less than the longest call nor
      the chain a correct sync must respect (customers read, then written, then the
      invoices that name them).
    - 40 batch calls a minute, counted when a call ends: after the first 40 (plus the 4
      that may be in flight unseen) every further 40 waits for the minute of the 40
      before it, so ``ceil((B - 44) / 40)`` full minutes, plus the shortest batch.
    - 10 calls a second: a second per 10 calls.
    """
    durations = [seconds for _, _, seconds in calls]

    def of(entity: str, method: str) -> list[float]:
        return [s for e, m, s in calls if e == entity and m == method]

    chain = (
        max(of("customer", "GET"), default=0.0)
        + least(of("customer", "POST"), CONCURRENT)
        + least(of("invoice", "POST"), CONCURRENT)
    )
    batch_times = sorted(s for _, method, s in calls if method == "POST")
    unseen = BATCHES_PER_MINUTE + CONCURRENT - 1
    minutes = max(0, math.ceil((batches - unseen) / BATCHES_PER_MINUTE))
    batch_window = 60.0 * minutes + (batch_times[0] if minutes and batch_times else 0.0)
    second_window = 1.0 * max(0, math.ceil(len(calls) / PER_SECOND) - 1)
    return max(least(durations, CONCURRENT), chain, batch_window, second_window)


def _linked(entity: str) -> int:
    from accounting.models import ExternalRef

    return ExternalRef.objects.filter(entity=entity, state="linked").count()


def _calls_by_kind(synced: Synced) -> dict[str, int]:
    """A sync's calls counted by method and entity, as its audit names them."""
    return dict(sorted(Counter(f"{m} {e}" for e, m, _ in synced.timings).items()))


def _measure(connection: Any) -> dict[str, Any]:
    from accounting.models import Entity
    from sandbox.quickbooks import books
    from sandbox.quickbooks.seed import US_REALM

    push = sync(connection)
    quiet = sync(connection)
    invoices = INVOICES + CONTRACTS
    customers = 200
    batches = sum(
        math.ceil(count / BATCH)
        for count in (customers, SUPPLIERS, invoices, PURCHASE_ORDERS, TIMESHEETS)
    )
    quiet_calls = _calls_since(quiet.started)
    measured = Measured(
        push=push,
        quiet=quiet,
        calls=_calls_since(push.started).filter(at__lt=quiet.started).count(),
        min_calls=batches + 3,
        rate_bound_s=_rate_bound(push.timings, batches),
        noop_calls=quiet_calls.count(),
        refused=_calls_since(push.started).filter(status=429).count(),
        in_sandbox=[str(row.data.get("DocNumber")) for row in books.invoices_of(US_REALM)],
    )
    return measured.figures() | {
        "invoices": invoices,
        "recurring_contracts": CONTRACTS,
        "purchase_orders": PURCHASE_ORDERS,
        "purchase_orders_linked": _linked(Entity.PURCHASE_ORDER),
        "suppliers_linked": _linked(Entity.VENDOR),
        "timesheets": TIMESHEETS,
        "time_activities_linked": _linked(Entity.TIME_ACTIVITY),
        "write_batches": batches,
        "noop_sync_call_kinds": _calls_by_kind(quiet),
        "push_errors": push.run.errors[:5] if push.run.errors else [],
        "concurrency_limit": CONCURRENT,
        "batch_minute_limit": BATCHES_PER_MINUTE,
        "second_limit": PER_SECOND,
    }


def run() -> dict[str, Any]:
    env = {
        "SANDBOX_QUICKBOOKS_REDIRECT_URIS": CALLBACK,
        "SANDBOX_QUICKBOOKS_WEBHOOK_URL": "",
        "SANDBOX_QUICKBOOKS_DISCONNECT_URL": "",
    }
    return serve_and_measure(env, _point_at, _world, _measure)
