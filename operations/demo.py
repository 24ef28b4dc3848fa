"""Demo data: two rental businesses with believable records, dated around today.

Documents change state through ``operations.services``, exactly as they would
when people use the pages, so the demo shows what the product really produces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from operations import contracts, extensions, purchasing, services, timesheets
from operations.models import (
    Booking,
    CrewAssignment,
    Customer,
    EquipmentCategory,
    EquipmentItem,
    ExpenseCategory,
    IncomeCategory,
    Invoice,
    Project,
    PurchaseOrder,
    RecurringContract,
    TaxCategory,
)
from operations.services import LineInput
from tenancy.models import Membership, Organisation, User
from tenancy.roles import Role

DEMO_SLUG = "demo-rentals"
OTHER_SLUG = "other-rentals"
DEMO_PASSWORD = "patchbay-demo"  # noqa: S105 - a published demo password, not a secret

DEMO_USERS = (
    ("owner@demo.test", "Olivia Owen", Role.OWNER),
    ("manager@demo.test", "Marcus Reid", Role.INTEGRATION_MANAGER),
    ("books@demo.test", "Bea Khan", Role.BOOKKEEPER),
    ("crew@demo.test", "Callum Price", Role.CREW),
)
OTHER_USERS = (("outsider@other.test", "Orla Quinn", Role.OWNER),)

CUSTOMERS = (
    # name, e-mail, billing address, currency, tax number
    (
        "Riverside Arts Festival",
        "accounts@riversidearts.example",
        "Riverside Park\nSheffield\nS3 8EN",
        "GBP",
        "GB 204 5521 87",
    ),
    (
        "Northern Lights Productions Ltd",
        "finance@northernlights.example",
        "14 Dale Street\nManchester\nM1 1JA",
        "GBP",
        "GB 318 4470 12",
    ),
    (
        "Hallam University Events",
        "events-payables@hallam.example",
        "Howard Street\nSheffield\nS1 1WB",
        "GBP",
        "",
    ),
    (
        "Kensington Grand Hotel",
        "purchasing@kensingtongrand.example",
        "1 Kensington Gore\nLondon\nSW7 2AR",
        "GBP",
        "GB 992 1034 55",
    ),
    (
        "Castle Weddings & Events",
        "hello@castleweddings.example",
        "Castle Street\nBolsover\nS44 6PR",
        "GBP",
        "",
    ),
    (
        "Bühne Berlin GmbH",
        "buchhaltung@buehne-berlin.example",
        "Möckernstraße 10\n10963 Berlin\nGermany",
        "EUR",
        "DE 812 345 679",
    ),
    (
        "Maison Lumière SARL",
        "compta@maisonlumiere.example",
        "12 rue de la Roquette\n75011 Paris\nFrance",
        "EUR",
        "FR 40 123 456 789",
    ),
    (
        "Atlantic Tour Services Inc.",
        "ap@atlantictours.example",
        "250 W 57th St\nNew York, NY 10107\nUSA",
        "USD",
        "",
    ),
)

EQUIPMENT = (
    # category, visibility, name, SKU, stock, daily rate
    ("Lighting", "public", "Robe MegaPointe moving head", "LGT-MP", 12, "85.00"),
    ("Lighting", "public", "Chauvet Rogue R2 Wash", "LGT-R2W", 16, "55.00"),
    ("Lighting", "public", "ETC Source Four 750W profile", "LGT-S4", 24, "12.50"),
    ("Lighting", "public", "Hazebase Classic hazer", "LGT-HAZE", 4, "40.00"),
    ("Audio", "public", "d&b Y10P line array cabinet", "AUD-Y10P", 8, "95.00"),
    ("Audio", "public", "Allen & Heath dLive S5000 console", "AUD-DLIVE", 2, "320.00"),
    ("Audio", "public", "Shure ULXD2/SM58 radio microphone", "AUD-ULXD", 20, "18.00"),
    ("Video", "public", "Panasonic PT-RZ21K projector", "VID-RZ21", 2, "450.00"),
    ("Video", "public", "Samsung 55-inch LED display", "VID-55", 6, "65.00"),
    ("Staging", "public", "Litedeck 8x4 stage deck", "STG-LD84", 30, "22.00"),
    ("Staging", "public", "Prolyte H30V truss, 3 m", "STG-H30V3", 40, "9.50"),
    ("Workshop", "internal", "Genie Superlift SLA-15", "WKS-SLA15", 1, "60.00"),
)

# Services to customers abroad are zero-rated for UK VAT in this demo.
EXPORT = "Zero 0%"
TAXES = (("Standard 20%", "20"), ("Reduced 5%", "5"), ("Zero 0%", "0"))
INCOME = (("Equipment hire", "4000"), ("Labour", "4010"), ("Delivery", "4020"))
EXPENSES = (
    ("Equipment sub-hire", "5000"),
    ("Vehicle fuel", "5100"),
    ("Crew subsistence", "5200"),
    ("Consumables", "5300"),
)


@dataclass
class Books:
    """The records of one organisation the demo refers to by name."""

    organisation: Organisation
    today: date
    customers: dict[str, Customer] = field(default_factory=dict)
    items: dict[str, EquipmentItem] = field(default_factory=dict)
    taxes: dict[str, TaxCategory] = field(default_factory=dict)
    income: dict[str, IncomeCategory] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def at(self, offset: int, hour: int) -> datetime:
        zone = ZoneInfo(self.organisation.timezone)
        return datetime.combine(self.day(offset), time(hour), tzinfo=zone)

    def line(
        self,
        label: str,
        quantity: str,
        price: str,
        *,
        income: str = "Equipment hire",
        tax: str = "Standard 20%",
    ) -> LineInput:
        return LineInput(
            description=label,
            item=self.items.get(label),
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            tax_category=self.taxes[tax],
            income_category=self.income[income],
        )


def already_loaded() -> bool:
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def load() -> list[str]:
    """Create both organisations; returns the lines of a summary to print."""
    demo = _demo_rentals()
    other = _other_rentals()
    for seed in extensions.demo_seeds():  # the kinds' parts (the website's settings)
        seed(demo.organisation)
    return [_summary(demo), _summary(other)]


# --- People and reference data -----------------------------------------------------------


def _organisation(name: str, slug: str, zone: str, currency: str) -> Books:
    organisation = Organisation.objects.create(
        name=name, slug=slug, timezone=zone, currency=currency
    )
    return Books(organisation, timezone.localdate(timezone=ZoneInfo(zone)))


def _members(books: Books, people: tuple[tuple[str, str, Role], ...]) -> None:
    for email, full_name, role in people:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=full_name
            )
        Membership.objects.create(user=user, organisation=books.organisation, role=role)
        books.users[email] = user


def _categories(books: Books) -> None:
    org = books.organisation
    for name, rate in TAXES:
        books.taxes[name] = TaxCategory.objects.create(
            organisation=org, name=name, rate=Decimal(rate)
        )
    for name, code in INCOME:
        books.income[name] = IncomeCategory.objects.create(organisation=org, name=name, code=code)
    ExpenseCategory.objects.bulk_create(
        ExpenseCategory(organisation=org, name=name, code=code) for name, code in EXPENSES
    )


def _customers(books: Books, rows: tuple[tuple[str, str, str, str, str], ...]) -> None:
    for name, email, address, currency, tax_number in rows:
        books.customers[name] = Customer.objects.create(
            organisation=books.organisation,
            name=name,
            email=email,
            billing_address=address,
            currency=currency,
            tax_number=tax_number,
        )


def _equipment(books: Books, rows: tuple[tuple[str, str, str, str, int, str], ...]) -> None:
    categories: dict[str, EquipmentCategory] = {}
    for category, visibility, name, sku, stock, rate in rows:
        if category not in categories:
            categories[category] = EquipmentCategory.objects.create(
                organisation=books.organisation, name=category, visibility=visibility
            )
        books.items[name] = EquipmentItem.objects.create(
            organisation=books.organisation,
            category=categories[category],
            name=name,
            sku=sku,
            stock_quantity=stock,
            daily_rate=Decimal(rate),
        )


# --- Projects, crew and bookings --------------------------------------------------------------

PROJECTS = (
    # name, client, venue, first day (from today), days, status
    (
        "Riverside Arts Festival main stage",
        "Riverside Arts Festival",
        "Riverside Park, Sheffield",
        10,
        3,
        Project.Status.CONFIRMED,
    ),
    (
        "Northern Lights product launch",
        "Northern Lights Productions Ltd",
        "Victoria Warehouse, Manchester",
        -1,
        3,
        Project.Status.IN_PROGRESS,
    ),
    (
        "Hallam graduation week",
        "Hallam University Events",
        "City Hall, Sheffield",
        -30,
        5,
        Project.Status.COMPLETED,
    ),
    (
        "Kensington Grand winter ball",
        "Kensington Grand Hotel",
        "The Ballroom, Kensington Grand Hotel",
        35,
        1,
        Project.Status.ENQUIRY,
    ),
    (
        "Harper & Lee wedding",
        "Castle Weddings & Events",
        "Bolsover Castle",
        -14,
        2,
        Project.Status.COMPLETED,
    ),
    (
        "Bühne Berlin touring support",
        "Bühne Berlin GmbH",
        "Tempodrom, Berlin",
        20,
        5,
        Project.Status.CONFIRMED,
    ),
    (
        "Atlantic Tours UK leg",
        "Atlantic Tour Services Inc.",
        "O2 Academy, Leeds",
        50,
        2,
        Project.Status.CANCELLED,
    ),
)

OTHER_PROJECTS = (
    (
        "Galway Folk Weekend main tent",
        "Galway Folk Weekend",
        "Eyre Square, Galway",
        -8,
        3,
        Project.Status.COMPLETED,
    ),
)

CREW = (
    # e-mail, project, role
    ("crew@demo.test", "Riverside Arts Festival main stage", "Lighting technician"),
    ("crew@demo.test", "Northern Lights product launch", "Sound engineer"),
    ("crew@demo.test", "Hallam graduation week", "Rigger"),
    ("crew@demo.test", "Bühne Berlin touring support", "Lighting operator"),
    ("manager@demo.test", "Riverside Arts Festival main stage", "Production manager"),
    ("manager@demo.test", "Northern Lights product launch", "Crew chief"),
)

BOOKINGS = (
    # item, project, quantity
    ("Robe MegaPointe moving head", "Riverside Arts Festival main stage", 12),
    ("d&b Y10P line array cabinet", "Riverside Arts Festival main stage", 8),
    ("Litedeck 8x4 stage deck", "Riverside Arts Festival main stage", 24),
    ("Panasonic PT-RZ21K projector", "Northern Lights product launch", 2),
    ("Samsung 55-inch LED display", "Northern Lights product launch", 4),
    ("Shure ULXD2/SM58 radio microphone", "Hallam graduation week", 6),
    ("ETC Source Four 750W profile", "Harper & Lee wedding", 10),
    ("Chauvet Rogue R2 Wash", "Bühne Berlin touring support", 16),
)


def _projects(books: Books, rows: tuple[tuple[str, str, str, int, int, str], ...]) -> None:
    for name, client, venue, first_day, days, status in rows:
        books.projects[name] = Project.objects.create(
            organisation=books.organisation,
            name=name,
            client=books.customers[client],
            venue=venue,
            starts_at=books.at(first_day, 8),
            ends_at=books.at(first_day + days - 1, 23),
            status=status,
        )


def _crew(books: Books) -> None:
    for email, project_name, role in CREW:
        project = books.projects[project_name]
        CrewAssignment.objects.create(
            organisation=books.organisation,
            project=project,
            user=books.users[email],
            role=role,
            starts_at=project.starts_at,
            ends_at=project.ends_at,
        )


# Hours the crew recorded, waiting for a manager's approval: (who, project, days ago,
# hours or None, start and end hours or None, billable, notes).
TIMESHEETS = (
    ("crew@demo.test", "Riverside Arts Festival main stage", 3, "8.5", None, True, "Load-in"),
    ("crew@demo.test", "Northern Lights product launch", 2, None, (9, 13), False, "Prep"),
)


def _timesheets(books: Books) -> None:
    for email, project_name, days_ago, hours, times, billable, notes in TIMESHEETS:
        entry = timesheets.TimeInput(
            project=books.projects[project_name],
            worked_on=books.day(-days_ago),
            hours=Decimal(hours) if hours else None,
            starts_at=time(times[0]) if times else None,
            ends_at=time(times[1]) if times else None,
            billable=billable,
            notes=notes,
        )
        timesheets.record_time(books.organisation, books.users[email], entry)


def _bookings(books: Books, rows: tuple[tuple[str, str, int], ...]) -> None:
    zone = ZoneInfo(books.organisation.timezone)
    for item, project_name, quantity in rows:
        project = books.projects[project_name]
        Booking.objects.create(
            organisation=books.organisation,
            item=books.items[item],
            project=project,
            quantity=quantity,
            # The kit leaves the day before the show and comes back the day after.
            starts_on=project.starts_at.astimezone(zone).date() - timedelta(days=1),
            ends_on=project.ends_at.astimezone(zone).date() + timedelta(days=1),
        )


# --- Sales documents ---------------------------------------------------------------------------


def _quotes(books: Books) -> None:
    riverside = services.create_quote(
        books.customers["Riverside Arts Festival"],
        [
            books.line("Robe MegaPointe moving head", "36", "85.00"),
            books.line("d&b Y10P line array cabinet", "24", "95.00"),
            books.line("Lighting crew, 2 technicians x 3 days", "6", "280.00", income="Labour"),
            books.line("Delivery and collection, Sheffield", "1", "180.00", income="Delivery"),
        ],
        project=books.projects["Riverside Arts Festival main stage"],
        issue_date=books.day(-12),
        expiry_date=books.day(18),
    )
    services.approve_quote(riverside)
    berlin = services.create_quote(
        books.customers["Bühne Berlin GmbH"],
        [
            books.line("Chauvet Rogue R2 Wash", "80", "52.00", tax=EXPORT),
            books.line("Touring lighting operator", "5", "340.00", income="Labour", tax=EXPORT),
        ],
        project=books.projects["Bühne Berlin touring support"],
        issue_date=books.day(-6),
        expiry_date=books.day(24),
    )
    services.approve_quote(berlin)
    services.create_quote(
        books.customers["Kensington Grand Hotel"],
        [
            books.line("ETC Source Four 750W profile", "12", "12.50"),
            books.line("Samsung 55-inch LED display", "2", "65.00"),
            books.line("Evening crew, 3 technicians", "3", "240.00", income="Labour"),
        ],
        project=books.projects["Kensington Grand winter ball"],
        issue_date=books.day(-2),
        expiry_date=books.day(28),
    )


def _issued(
    books: Books, customer: str, lines: list[LineInput], *, issued: int, terms: int = 30
) -> Invoice:
    invoice = services.create_draft_invoice(
        books.customers[customer],
        lines,
        issue_date=books.day(issued),
        due_date=books.day(issued + terms),
    )
    return services.issue_invoice(invoice)


def _invoices(books: Books) -> None:
    # Issued oldest first, so numbers rise with dates as they would in real life.
    hallam = _issued(
        books,
        "Hallam University Events",
        [
            books.line("Shure ULXD2/SM58 radio microphone", "30", "18.00"),
            books.line("Sound engineer, 5 days", "5", "300.00", income="Labour"),
        ],
        issued=-25,
    )
    services.record_payment(hallam, hallam.total, books.day(-5), "BACS HALLAM-7781")
    # Left unpaid past its due date, so the demo has an overdue invoice.
    _issued(
        books,
        "Hallam University Events",
        [books.line("Extra rigging call, graduation week", "4", "95.00", income="Labour")],
        issued=-24,
        terms=14,
    )
    wedding = _issued(
        books,
        "Castle Weddings & Events",
        [
            books.line("ETC Source Four 750W profile", "20", "12.50"),
            books.line("Hazebase Classic hazer", "2", "40.00"),
            books.line("Delivery to Bolsover Castle", "1", "120.00", income="Delivery"),
        ],
        issued=-13,
    )
    services.record_payment(wedding, Decimal("250.00"), books.day(-3), "Deposit, card 4417")
    atlantic = _issued(
        books,
        "Atlantic Tour Services Inc.",
        [books.line("Cancellation fee, UK leg", "1", "1500.00", income="Labour", tax=EXPORT)],
        issued=-9,
        terms=14,
    )
    services.record_payment(atlantic, atlantic.total, books.day(-2), "WIRE ATS-20931")
    launch = _issued(
        books,
        "Northern Lights Productions Ltd",
        [
            books.line("Panasonic PT-RZ21K projector", "6", "450.00"),
            books.line("Samsung 55-inch LED display", "12", "65.00"),
            books.line("Video crew, 2 technicians x 3 days", "6", "290.00", income="Labour"),
        ],
        issued=-2,
    )
    credit = services.create_credit_note(
        launch.customer,
        [books.line("Samsung 55-inch LED display", "3", "65.00")],
        invoice=launch,
        issue_date=books.day(-1),
    )
    services.issue_credit_note(credit)
    _festival_deposit(books)
    _drafts(books)


def _festival_deposit(books: Books) -> None:
    quote = books.customers["Riverside Arts Festival"].quotes.get()
    invoice = services.create_invoice_from_quote(quote, due_date=books.day(9))
    services.issue_invoice(invoice)
    services.record_payment(invoice, Decimal("2000.00"), books.day(0), "Deposit RAF-0412")


def _drafts(books: Books) -> None:
    berlin = books.customers["Bühne Berlin GmbH"].quotes.get()
    services.create_invoice_from_quote(berlin, due_date=books.day(30))
    services.create_draft_invoice(
        books.customers["Maison Lumière SARL"],
        [books.line("Allen & Heath dLive S5000 console", "2", "300.00", tax=EXPORT)],
        issue_date=books.day(0),
        due_date=books.day(30),
    )


def _contracts(books: Books) -> None:
    """Two long-term hires: one started today (its prorated first invoice is issued by
    the same scan the hourly task runs), one billed in arrears and paused."""
    org = books.organisation
    contracts.create_contract(
        org,
        [
            books.line("d&b Y10P line array cabinet", "4", "1200.00"),
            books.line("Allen & Heath dLive S5000 console", "1", "2400.00"),
        ],
        name="Rehearsal studio PA, long-term hire",
        customer=books.customers["Northern Lights Productions Ltd"],
        starts_on=books.day(0),
        billing_day=1,
    )
    paused = contracts.create_contract(
        org,
        [books.line("Samsung 55-inch LED display", "2", "300.00")],
        name="Foyer screens",
        customer=books.customers["Riverside Arts Festival"],
        starts_on=books.day(-10),
        billing=RecurringContract.Billing.ARREARS,
        billing_day=15,
    )
    contracts.pause_contract(paused)
    contracts.scan()


# --- Sub-hire purchase orders --------------------------------------------------------------


def _purchase_orders(books: Books) -> None:
    """A supplier the business sub-hires from, one approved order and one draft."""
    org = books.organisation
    supplier = Customer.objects.create(
        organisation=org,
        name="Northern Backline Hire Ltd",
        email="orders@northernbackline.example",
        billing_address="Unit 4, Canal Works\nLeeds LS11 5QN",
        is_supplier=True,
    )
    sub_hire = ExpenseCategory.objects.get(organisation=org, name="Equipment sub-hire")
    transport = ExpenseCategory.objects.get(organisation=org, name="Vehicle fuel")
    tax = books.taxes["Standard 20%"]
    project = next(iter(books.projects.values()), None)
    approved = purchasing.create_purchase_order(
        supplier,
        [
            purchasing.OrderLine(
                Decimal("95.00"), sub_hire, tax, Decimal("4"), "d&b Y10P cabinets"
            ),
            purchasing.OrderLine(Decimal("60.00"), transport, tax, Decimal("1"), "Delivery van"),
        ],
        project=project,
        order_date=books.day(-3),
        delivery_date=books.day(2),
    )
    purchasing.advance(approved, PurchaseOrder.Status.APPROVED)
    purchasing.create_purchase_order(
        supplier,
        [purchasing.OrderLine(Decimal("450.00"), sub_hire, tax, Decimal("1"), "Spare projector")],
        order_date=books.day(0),
    )


# --- The two organisations -------------------------------------------------------------------


def _demo_rentals() -> Books:
    books = _organisation("Demo Rentals", DEMO_SLUG, "Europe/London", "GBP")
    _members(books, DEMO_USERS)
    _categories(books)
    _customers(books, CUSTOMERS)
    _equipment(books, EQUIPMENT)
    _projects(books, PROJECTS)
    _crew(books)
    _timesheets(books)
    _bookings(books, BOOKINGS)
    _quotes(books)
    _invoices(books)
    _contracts(books)
    _purchase_orders(books)
    return books


def _other_rentals() -> Books:
    books = _organisation("Other Rentals", OTHER_SLUG, "Europe/Dublin", "EUR")
    _members(books, OTHER_USERS)
    _categories(books)
    _customers(
        books,
        (
            ("Liffey Sound Co.", "accounts@liffeysound.example", "3 Quay St\nDublin 2", "EUR", ""),
            ("Galway Folk Weekend", "hello@galwayfolk.example", "Eyre Square\nGalway", "EUR", ""),
        ),
    )
    _equipment(
        books,
        (
            ("Audio", "public", "Yamaha CL5 console", "OR-CL5", 1, "280.00"),
            ("Lighting", "public", "Martin MAC Aura XB", "OR-AURA", 8, "60.00"),
        ),
    )
    _projects(books, OTHER_PROJECTS)
    _bookings(books, (("Yamaha CL5 console", "Galway Folk Weekend main tent", 1),))
    invoice = _issued(
        books,
        "Galway Folk Weekend",
        [books.line("Yamaha CL5 console", "2", "280.00")],
        issued=-7,
    )
    services.record_payment(invoice, Decimal("200.00"), books.day(-1), "SEPA GFW-11")
    services.create_draft_invoice(
        books.customers["Liffey Sound Co."],
        [books.line("Martin MAC Aura XB", "8", "60.00")],
        due_date=books.day(30),
    )
    return books


def _summary(books: Books) -> str:
    org = books.organisation
    invoices = Invoice.objects.filter(organisation=org)
    people = ", ".join(
        f"{email} ({Membership.objects.get(user=user, organisation=org).get_role_display()})"
        for email, user in books.users.items()
    )
    counts = ", ".join(
        [
            _count(len(books.customers), "customer"),
            _count(len(books.items), "item"),
            _count(len(books.projects), "project"),
            _count(invoices.count(), "invoice"),
        ]
    )
    issued = invoices.exclude(status=Invoice.Status.DRAFT).count()
    return f"{org.name} ({org.slug}): {people}; {counts} ({issued} issued)"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
