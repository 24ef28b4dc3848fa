"""Accounts, tax rates and what every accounting call checks: tenant, scopes, limits."""

from __future__ import annotations

import pytest
from django.test import Client

from sandbox.xero.accounting.models import XeroAccount, XeroInvoice
from sandbox.xero.models import XeroOrganisation
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD, KIWI_GEAR_HIRE, OTHER_USER
from tests.sandbox import flow
from tests.sandbox.accounting import create_invoices, invoice


def test_accounts_are_the_uk_chart(xero: flow.Xero) -> None:
    body = xero.get("Accounts").json()
    by_code = {item["Code"]: item for item in body["Accounts"]}
    assert body["Status"] == "OK" and body["ProviderName"] == "Patchbay"
    assert by_code["200"]["Name"] == "Sales" and by_code["200"]["Type"] == "REVENUE"
    assert by_code["200"]["TaxType"] == "OUTPUT2" and by_code["200"]["Class"] == "REVENUE"
    assert by_code["090"]["Type"] == "BANK" and by_code["090"]["BankAccountType"] == "BANK"
    assert (
        by_code["310"]["Name"] == "Cost of Goods Sold" and by_code["400"]["Name"] == "Advertising"
    )
    assert by_code["835"]["EnablePaymentsToAccount"] is True
    assert by_code["265"]["Status"] == "ARCHIVED"
    assert by_code["820"]["SystemAccount"] == "GST" and by_code["820"]["Name"] == "VAT"


def test_tax_rates_are_the_uk_vat_rates(xero: flow.Xero) -> None:
    rates = {item["TaxType"]: item for item in xero.get("TaxRates").json()["TaxRates"]}
    assert rates["OUTPUT2"]["Name"] == "20% (VAT on Income)"
    assert rates["OUTPUT2"]["EffectiveRate"] == 20 and rates["OUTPUT2"]["CanApplyToRevenue"] is True
    assert rates["OUTPUT2"]["TaxComponents"] == [
        {"Name": "VAT", "Rate": 20.0, "IsCompound": False, "IsNonRecoverable": False}
    ]
    assert rates["RROUTPUT"]["DisplayTaxRate"] == 5
    assert rates["ZERORATEDOUTPUT"]["EffectiveRate"] == 0
    assert rates["INPUT2"]["CanApplyToRevenue"] is False
    assert {"NONE", "EXEMPTOUTPUT"} <= set(rates)


def test_where_and_order_on_accounts(xero: flow.Xero) -> None:
    banks = xero.get("Accounts", {"where": 'Status=="ACTIVE" AND Type=="BANK"'}).json()["Accounts"]
    assert [item["Code"] for item in banks] == ["090", "091"]
    by_name = xero.get("Accounts", {"order": "Name DESC"}).json()["Accounts"]
    assert by_name[0]["Name"] == "VAT"


def test_new_zealand_organisations_get_gst(app: Client) -> None:
    kiwi = flow.xero_for(app, KIWI_GEAR_HIRE, email=OTHER_USER, tenant_ids=[KIWI_GEAR_HIRE])
    rates = {item["TaxType"]: item for item in kiwi.get("TaxRates").json()["TaxRates"]}
    assert (
        rates["OUTPUT2"]["Name"] == "15% GST on Income" and rates["OUTPUT2"]["EffectiveRate"] == 15
    )
    accounts = {item["Code"]: item for item in kiwi.get("Accounts").json()["Accounts"]}
    assert accounts["090"]["CurrencyCode"] == "NZD"


def test_an_organisation_without_books_gets_a_chart_on_first_use(xero: flow.Xero) -> None:
    XeroAccount.objects.filter(organisation__tenant_id=HARBOUR_BUILD).delete()
    harbour = flow.Xero(xero.client, xero.token, HARBOUR_BUILD)
    assert len(harbour.get("Accounts").json()["Accounts"]) > 30
    assert harbour.get("Contacts").json()["Contacts"] == []


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("Accounts", "accounting.contacts"),
        ("Items", "accounting.transactions"),
        ("Contacts", "accounting.settings"),
        ("Invoices", "accounting.contacts"),
        ("Payments", "accounting.settings"),
        ("CreditNotes", "accounting.contacts"),
    ],
)
def test_endpoints_need_their_scope(app: Client, path: str, scope: str) -> None:
    limited = flow.xero_for(app, scope=f"offline_access {scope}")
    response = limited.get(path)
    assert response.status_code == 401
    assert response.json()["Detail"] == "AuthorizationUnsuccessful"


@pytest.mark.parametrize(
    ("scope", "readable", "writes_invoices"),
    [
        ("accounting.transactions.read", "Invoices", False),
        ("accounting.invoices", "Invoices", True),
        ("accounting.invoices.read", "CreditNotes", False),
        ("accounting.payments", "Payments", False),
        ("accounting.payments.read", "Payments", False),
        ("accounting.settings.read", "Items", False),
        ("accounting.invoices", "Items", True),
    ],
)
def test_read_and_granular_scopes(
    app: Client, scope: str, readable: str, writes_invoices: bool
) -> None:
    limited = flow.xero_for(app, scope=f"offline_access accounting.contacts {scope}")
    assert limited.get(readable).status_code == 200
    assert limited.put("Invoices", [invoice()]).status_code == (200 if writes_invoices else 401)


def test_read_only_scope_cannot_write(app: Client) -> None:
    limited = flow.xero_for(
        app, scope="offline_access accounting.transactions.read accounting.contacts"
    )
    response = limited.put("Invoices", [invoice()])
    assert response.status_code == 401
    assert not XeroInvoice.objects.exists()


def test_tenant_header_is_required_and_must_be_connected(app: Client) -> None:
    xero = flow.xero_for(app, tenant_ids=[DEMO_COMPANY_UK])
    for tenant in ("", "nope", HARBOUR_BUILD):
        other = flow.Xero(app, xero.token, tenant)
        assert other.get("Invoices").status_code == 403
        assert other.put("Invoices", [invoice()]).status_code == 403


def test_accounting_calls_carry_rate_limit_headers_and_count(xero: flow.Xero) -> None:
    response = xero.get("Accounts")
    assert response["X-MinLimit-Remaining"] == "59" and response["X-DayLimit-Remaining"] == "4999"
    assert "X-AppMinLimit-Remaining" in response
    write = xero.put("Invoices", [invoice()])
    assert write["X-MinLimit-Remaining"] == "58"


def test_a_batch_is_one_call_and_the_limit_answers_429(xero: flow.Xero, settings) -> None:
    settings.SANDBOX_XERO_MINUTE_LIMIT = 2
    create_invoices(xero, *[invoice(Reference=f"PB-{n}") for n in range(50)])
    assert xero.get("Invoices").status_code == 200
    limited = xero.put("Invoices", [invoice(Reference="one more")])
    assert limited.status_code == 429
    assert limited["X-Rate-Limit-Problem"] == "minute" and int(limited["Retry-After"]) >= 1
    assert XeroInvoice.objects.count() == 50


def test_methods_xero_does_not_have_are_405(xero: flow.Xero) -> None:
    assert xero.put("Accounts", []).status_code == 405
    assert xero.delete("Invoices").status_code == 405


def test_demo_organisations_have_books(world: None) -> None:
    for tenant in (DEMO_COMPANY_UK, HARBOUR_BUILD, KIWI_GEAR_HIRE):
        assert XeroAccount.objects.filter(
            organisation=XeroOrganisation.objects.get(tenant_id=tenant)
        ).exists()
