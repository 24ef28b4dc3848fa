"""Every entity the sandbox serves: its URL slug, the fields a request may send (element
names of Intuit's XSD for that type, held to it by the contract tests), the fields the
server computes (ignored when sent) and what it allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.quickbooks.entities import names, payments, purchasing, sales, time
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
Preparer = Callable[[Books, Json, QboEntity | None], Json]
Voider = Callable[[Books, QboEntity], Json]

# Present on every entity (IntuitEntity): set by the server, sent back on updates.
ENVELOPE = frozenset({"Id", "SyncToken", "MetaData", "domain", "sparse", "status"})


@dataclass(frozen=True)
class Kind:
    name: str
    slug: str
    fields: frozenset[str]
    computed: frozenset[str] = frozenset()
    prepare: Preparer | None = None  # None: read-only in the sandbox
    name_list: bool = False  # has Active; inactive rows are left out of queries
    deletable: bool = False
    void: Voider | None = None
    settles: bool = False  # a Payment: re-balance what it applies to

    @property
    def accepted(self) -> frozenset[str]:
        return self.fields | self.computed | ENVELOPE


SALE_FIELDS = frozenset(
    {
        "DocNumber",
        "TxnDate",
        "DepartmentRef",
        "CurrencyRef",
        "ExchangeRate",
        "PrivateNote",
        "Line",
        "TxnTaxDetail",
        "CustomerRef",
        "CustomerMemo",
        "BillAddr",
        "ShipAddr",
        "ClassRef",
        "SalesTermRef",
        "DueDate",
        "GlobalTaxCalculation",
        "PrintStatus",
        "EmailStatus",
        "BillEmail",
        "BillEmailCc",
        "BillEmailBcc",
    }
)
SALE_COMPUTED = frozenset({"TotalAmt", "HomeTotalAmt", "ApplyTaxAfterDiscount"})

KINDS: tuple[Kind, ...] = (
    Kind(
        "Customer",
        "customer",
        frozenset(
            {
                "Title",
                "GivenName",
                "MiddleName",
                "FamilyName",
                "Suffix",
                "CompanyName",
                "DisplayName",
                "PrintOnCheckName",
                "Active",
                "PrimaryPhone",
                "AlternatePhone",
                "Mobile",
                "Fax",
                "PrimaryEmailAddr",
                "WebAddr",
                "DefaultTaxCodeRef",
                "Taxable",
                "BillAddr",
                "ShipAddr",
                "Notes",
                "Job",
                "BillWithParent",
                "ParentRef",
                "SalesTermRef",
                "PaymentMethodRef",
                "CurrencyRef",
                "PreferredDeliveryMethod",
                "ResaleNum",
                "AcctNum",
            }
        ),
        frozenset({"FullyQualifiedName", "Balance", "BalanceWithJobs", "Level"}),
        names.prepare_customer,
        name_list=True,
    ),
    Kind(
        "Item",
        "item",
        frozenset(
            {
                "Name",
                "Sku",
                "Description",
                "Active",
                "Taxable",
                "SalesTaxIncluded",
                "UnitPrice",
                "Type",
                "IncomeAccountRef",
                "PurchaseDesc",
                "PurchaseCost",
                "ExpenseAccountRef",
                "AssetAccountRef",
                "TrackQtyOnHand",
                "QtyOnHand",
                "InvStartDate",
                "ReorderPoint",
                "SalesTaxCodeRef",
                "PurchaseTaxCodeRef",
                "ClassRef",
            }
        ),
        frozenset({"FullyQualifiedName", "Level", "SubItem", "ParentRef"}),
        names.prepare_item,
        name_list=True,
    ),
    Kind(
        "Account",
        "account",
        frozenset(
            {"Name", "Description", "Active", "AccountType", "AccountSubType", "AcctNum"}
            | {"CurrencyRef"}
        ),
        frozenset(
            {"FullyQualifiedName", "SubAccount", "Classification", "CurrentBalance"}
            | {"CurrentBalanceWithSubAccounts", "ParentRef"}
        ),
        names.prepare_account,
        name_list=True,
    ),
    Kind(
        "Class",
        "class",
        frozenset({"Name", "ParentRef", "Active"}),
        frozenset({"FullyQualifiedName", "SubClass"}),
        names.prepare_named("Class", "SubClass"),
        name_list=True,
    ),
    Kind(
        "Department",
        "department",
        frozenset({"Name", "ParentRef", "Active"}),
        frozenset({"FullyQualifiedName", "SubDepartment"}),
        names.prepare_named("Department", "SubDepartment"),
        name_list=True,
    ),
    Kind(
        "Invoice",
        "invoice",
        SALE_FIELDS | {"LinkedTxn", "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment"},
        SALE_COMPUTED | {"Balance"},
        sales.prepare("Invoice"),
        deletable=True,
        void=sales.void,
    ),
    Kind(
        "Estimate",
        "estimate",
        SALE_FIELDS | {"TxnStatus", "ExpirationDate", "AcceptedBy", "AcceptedDate"},
        SALE_COMPUTED | {"LinkedTxn"},
        sales.prepare("Estimate"),
        deletable=True,
    ),
    Kind(
        "CreditMemo",
        "creditmemo",
        SALE_FIELDS,
        SALE_COMPUTED | {"Balance", "RemainingCredit", "LinkedTxn"},
        sales.prepare("CreditMemo"),
        deletable=True,
    ),
    Kind(
        "Payment",
        "payment",
        frozenset(
            {
                "TxnDate",
                "CurrencyRef",
                "ExchangeRate",
                "PrivateNote",
                "Line",
                "CustomerRef",
                "DepositToAccountRef",
                "PaymentMethodRef",
                "PaymentRefNum",
                "TotalAmt",
                "ProcessPayment",
            }
        ),
        frozenset({"UnappliedAmt"}),
        payments.prepare_payment,
        deletable=True,
        void=payments.void,
        settles=True,
    ),
    Kind(
        "Vendor",
        "vendor",
        purchasing.VENDOR_FIELDS,
        purchasing.VENDOR_COMPUTED,
        purchasing.prepare_vendor,
        name_list=True,
    ),
    Kind(
        "PurchaseOrder",
        "purchaseorder",
        purchasing.PURCHASE_ORDER_FIELDS,
        purchasing.PURCHASE_ORDER_COMPUTED,
        purchasing.prepare_purchase_order,
        deletable=True,
    ),
    Kind(
        "Employee",
        "employee",
        time.EMPLOYEE_FIELDS,
        prepare=time.prepare_employee,
        name_list=True,
    ),
    Kind(
        "TimeActivity",
        "timeactivity",
        time.TIME_ACTIVITY_FIELDS,
        prepare=time.prepare_time_activity,
        deletable=True,
    ),
    Kind(
        "TaxCode",
        "taxcode",
        frozenset(
            {"Name", "Description", "Active", "Hidden", "Taxable", "TaxGroup"}
            | {"SalesTaxRateList", "PurchaseTaxRateList"}
        ),
    ),
    Kind(
        "TaxRate",
        "taxrate",
        frozenset({"Name", "Description", "Active", "RateValue", "AgencyRef", "SpecialTaxType"})
        | {"DisplayType", "EffectiveTaxRate"},
    ),
    Kind(
        "CompanyCurrency",
        "companycurrency",
        frozenset({"Code", "Name", "Active"}),
    ),
    Kind(
        "CompanyInfo",
        "companyinfo",
        frozenset(
            {"CompanyName", "LegalName", "CompanyAddr", "LegalAddr", "CustomerCommunicationAddr"}
            | {"CompanyStartDate", "FiscalYearStartMonth", "Country", "Email", "WebAddr"}
            | {"SupportedLanguages", "DefaultTimeZone", "NameValue", "PrimaryPhone"}
        ),
    ),
    Kind(
        "Preferences",
        "preferences",
        frozenset(
            {"AccountingInfoPrefs", "ProductAndServicesPrefs", "SalesFormsPrefs", "TaxPrefs"}
            | {"CurrencyPrefs", "OtherPrefs"}
        ),
    ),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
BY_SLUG: dict[str, Kind] = {kind.slug: kind for kind in KINDS}
# What a query's FROM may name, case aside (Intuit matches entity names without case).
BY_LOWER: dict[str, Kind] = {kind.name.lower(): kind for kind in KINDS}
