"""Create, read, full and sparse update, SyncToken, delete, void and validation."""

from __future__ import annotations

from typing import Any

from django.test import Client

from sandbox.quickbooks import books
from tests.sandbox.quickbooks import flow


def fault_codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json()["Fault"]["Error"]]


def test_customer_create_read_and_sparse_update(qbo: flow.Qbo) -> None:
    created = qbo.create(
        "Customer",
        {"DisplayName": "Dockside Events", "CompanyName": "Dockside", "Notes": "big client"},
    )
    assert created["SyncToken"] == "0"
    assert created["Active"] is True
    read = qbo.get(f"customer/{created['Id']}").json()["Customer"]
    assert read["DisplayName"] == "Dockside Events"
    sparse = {"Id": created["Id"], "SyncToken": "0", "sparse": True, "CompanyName": "Dockside LLC"}
    updated = qbo.post("customer", sparse).json()["Customer"]
    assert updated["SyncToken"] == "1"
    assert updated["CompanyName"] == "Dockside LLC"
    assert updated["Notes"] == "big client"  # sparse: untouched fields stay
    assert updated["MetaData"]["CreateTime"] == created["MetaData"]["CreateTime"]


def test_full_update_clears_fields_left_out(qbo: flow.Qbo) -> None:
    created = qbo.create("Customer", {"DisplayName": "Full Update Co", "Notes": "keep?"})
    full = {"Id": created["Id"], "SyncToken": "0", "DisplayName": "Full Update Co"}
    updated = qbo.post("customer", full).json()["Customer"]
    assert "Notes" not in updated


def test_stale_sync_token_is_5010(qbo: flow.Qbo) -> None:
    created = qbo.create("Customer", {"DisplayName": "Stale Co"})
    first = {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Notes": "one"}
    assert qbo.post("customer", first).status_code == 200
    stale = qbo.post("customer", first | {"Notes": "two"})
    assert stale.status_code == 400
    assert fault_codes(stale) == ["5010"]
    assert stale.json()["Fault"]["type"] == "ValidationFault"


def test_duplicate_display_name_is_6240(qbo: flow.Qbo) -> None:
    response = qbo.post("customer", {"DisplayName": "harbour build llc"})
    assert response.status_code == 400
    assert fault_codes(response) == ["6240"]


def test_unknown_property_is_2010(qbo: flow.Qbo) -> None:
    response = qbo.post("customer", {"DisplayName": "X", "Nickname": "x"})
    assert fault_codes(response) == ["2010"]
    assert response.json()["Fault"]["Error"][0]["element"] == "Nickname"


def test_invoice_totals_tax_subtotal_line_and_numbering(qbo: flow.Qbo) -> None:
    invoice = qbo.create("Invoice", flow.invoice_body(amount=425, PrivateNote="RA-1"))
    assert invoice["TotalAmt"] == 460.06  # 425 + 8.25% automated sales tax
    assert invoice["TxnTaxDetail"]["TotalTax"] == 35.06
    assert invoice["Balance"] == 460.06
    assert invoice["Line"][-1] == {
        "Amount": 425.0,
        "DetailType": "SubTotalLineDetail",
        "SubTotalLineDetail": {},
    }
    assert invoice["DocNumber"].isdigit()
    assert invoice["MetaData"]["LastUpdatedTime"][-6:] in ("-07:00", "-08:00")


def test_invoice_validation(qbo: flow.Qbo) -> None:
    missing_customer = qbo.post("invoice", {"Line": flow.invoice_body()["Line"]})
    assert fault_codes(missing_customer) == ["2020"]
    missing_lines = qbo.post("invoice", {"CustomerRef": {"value": "1"}})
    assert fault_codes(missing_lines) == ["2020"]
    long_number = qbo.post("invoice", flow.invoice_body(DocNumber="X" * 22))
    assert fault_codes(long_number) == ["2050"]
    unknown_customer = qbo.post("invoice", flow.invoice_body(customer="999"))
    assert fault_codes(unknown_customer) == ["2500"]
    bad_maths = flow.invoice_body()
    bad_maths["Line"][0]["SalesItemLineDetail"] |= {"Qty": 2, "UnitPrice": 10}
    assert fault_codes(qbo.post("invoice", bad_maths)) == ["6000"]


def test_inactive_customer_is_610(qbo: flow.Qbo) -> None:
    customer = qbo.create("Customer", {"DisplayName": "Gone Co"})
    qbo.post("customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    response = qbo.post("invoice", flow.invoice_body(customer=customer["Id"]))
    assert fault_codes(response) == ["610"]


def test_duplicate_doc_number_only_when_the_company_checks(qbo: flow.Qbo) -> None:
    qbo.create("Invoice", flow.invoice_body(DocNumber="PB-1"))
    assert qbo.post("invoice", flow.invoice_body(DocNumber="PB-1")).status_code == 200
    books.set_duplicate_doc_number_check(qbo.realm, True)
    assert fault_codes(qbo.post("invoice", flow.invoice_body(DocNumber="PB-1"))) == ["6140"]


def test_sparse_invoice_update_replaces_lines_and_keeps_the_rest(qbo: flow.Qbo) -> None:
    invoice = qbo.create("Invoice", flow.invoice_body(PrivateNote="keep me"))
    line = flow.invoice_body(amount=200)["Line"][0]
    body = {"Id": invoice["Id"], "SyncToken": "0", "sparse": True, "Line": [line]}
    updated = qbo.post("invoice", body).json()["Invoice"]
    assert updated["TotalAmt"] == 216.5
    assert updated["PrivateNote"] == "keep me"
    assert updated["Line"][0]["Id"] == "2"  # a line sent without its Id is a new line
    kept = {**updated["Line"][0], "Description": "changed"}
    again = {"Id": invoice["Id"], "SyncToken": "1", "sparse": True, "Line": [kept]}
    assert qbo.post("invoice", again).json()["Invoice"]["Line"][0]["Id"] == "2"


def test_partial_and_full_payment_move_the_balance(qbo: flow.Qbo) -> None:
    invoice = qbo.create("Invoice", flow.invoice_body(amount=100))  # 108.25 with tax
    link = [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]
    partial = qbo.create(
        "Payment",
        {
            "CustomerRef": {"value": "1"},
            "TotalAmt": 50,
            "Line": [{"Amount": 50, "LinkedTxn": link}],
        },
    )
    assert partial["UnappliedAmt"] == 0
    after_partial = qbo.get(f"invoice/{invoice['Id']}").json()["Invoice"]
    assert after_partial["Balance"] == 58.25
    assert after_partial["SyncToken"] == "1"
    assert {"TxnId": partial["Id"], "TxnType": "Payment"} in after_partial["LinkedTxn"]
    too_much = qbo.post(
        "payment",
        {
            "CustomerRef": {"value": "1"},
            "TotalAmt": 60,
            "Line": [{"Amount": 60, "LinkedTxn": link}],
        },
    )
    assert fault_codes(too_much) == ["6000"]
    rest = qbo.create(
        "Payment",
        {
            "CustomerRef": {"value": "1"},
            "TotalAmt": 70,
            "Line": [{"Amount": 58.25, "LinkedTxn": link}],
        },
    )
    assert rest["UnappliedAmt"] == 11.75
    assert qbo.get(f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == 0
    deleted = qbo.post("payment", {"Id": rest["Id"], "SyncToken": "0"}, "operation=delete")
    assert deleted.json()["Payment"]["status"] == "Deleted"
    assert qbo.get(f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == 58.25


def test_a_payment_is_deposited_only_to_a_bank_or_other_current_asset(qbo: flow.Qbo) -> None:
    invoice = qbo.create("Invoice", flow.invoice_body(amount=100))
    accounts = qbo.query("SELECT * FROM Account").json()["QueryResponse"]["Account"]
    income = next(a for a in accounts if a["AccountType"] == "Income")
    bank = next(a for a in accounts if a["AccountType"] == "Bank")
    body = {
        "CustomerRef": {"value": "1"},
        "TotalAmt": 10,
        "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}],
    }

    refused = qbo.post("payment", body | {"DepositToAccountRef": {"value": income["Id"]}})

    assert fault_codes(refused) == ["6000"]
    assert "cannot take deposits" in refused.text
    paid = qbo.create("Payment", body | {"DepositToAccountRef": {"value": bank["Id"]}})
    assert paid["DepositToAccountRef"]["value"] == bank["Id"]


def test_customer_balance_follows_invoices(qbo: flow.Qbo) -> None:
    customer = qbo.create("Customer", {"DisplayName": "Balance Co"})
    qbo.create("Invoice", flow.invoice_body(customer=customer["Id"], amount=100))
    assert qbo.get(f"customer/{customer['Id']}").json()["Customer"]["Balance"] == 108.25


def test_delete_and_void_invoice(qbo: flow.Qbo) -> None:
    invoice = qbo.create("Invoice", flow.invoice_body())
    voided = qbo.post("invoice", {"Id": invoice["Id"], "SyncToken": "0"}, "operation=void")
    assert voided.json()["Invoice"]["TotalAmt"] == 0
    assert voided.json()["Invoice"]["PrivateNote"] == "Voided"
    deleted = qbo.post("invoice", {"Id": invoice["Id"], "SyncToken": "1"}, "operation=delete")
    assert deleted.json()["Invoice"] == {
        "domain": "QBO",
        "status": "Deleted",
        "Id": invoice["Id"],
        "MetaData": deleted.json()["Invoice"]["MetaData"],
    }
    assert fault_codes(qbo.get(f"invoice/{invoice['Id']}")) == ["610"]


def test_name_lists_cannot_be_deleted(qbo: flow.Qbo) -> None:
    response = qbo.post("customer", {"Id": "1", "SyncToken": "0"}, "operation=delete")
    assert fault_codes(response) == ["2010"]


def test_items_of_each_type(qbo: flow.Qbo) -> None:
    for item_type in ("Service", "NonInventory"):
        item = qbo.create(
            "Item",
            {"Name": f"{item_type} thing", "Type": item_type, "IncomeAccountRef": {"value": "2"}},
        )
        assert item["Type"] == item_type
    stock = qbo.create(
        "Item",
        {
            "Name": "Cable ramp",
            "Type": "Inventory",
            "IncomeAccountRef": {"value": "3"},
            "ExpenseAccountRef": {"value": "8"},
            "AssetAccountRef": {"value": "7"},
            "QtyOnHand": 40,
            "InvStartDate": "2026-01-01",
        },
    )
    assert stock["TrackQtyOnHand"] is True
    assert stock["QtyOnHand"] == 40
    missing = qbo.post("item", {"Name": "No account", "Type": "Service"})
    assert fault_codes(missing) == ["2020"]


def test_uk_company_needs_a_vat_code_per_line(qbo_uk: flow.Qbo) -> None:
    body = flow.invoice_body(amount=100)
    body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": "3"}
    invoice = qbo_uk.create("Invoice", body)
    assert invoice["TotalAmt"] == 120.0
    assert invoice["GlobalTaxCalculation"] == "TaxExcluded"
    body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": "TAX"}
    assert qbo_uk.post("invoice", body).status_code == 400


def test_multicurrency_customer_and_invoice(qbo_uk: flow.Qbo, qbo: flow.Qbo) -> None:
    euro = qbo_uk.create("Customer", {"DisplayName": "Euro Co", "CurrencyRef": {"value": "EUR"}})
    body = flow.invoice_body(customer=euro["Id"], amount=100)
    body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": "7"}
    invoice = qbo_uk.create("Invoice", body)
    assert invoice["CurrencyRef"]["value"] == "EUR"
    assert invoice["HomeTotalAmt"] == 117.0
    refused = qbo.post("customer", {"DisplayName": "Euro US", "CurrencyRef": {"value": "EUR"}})
    assert fault_codes(refused) == ["6000"]


def test_estimate_and_credit_memo(qbo: flow.Qbo) -> None:
    estimate = qbo.create("Estimate", flow.invoice_body(ExpirationDate="2026-12-31"))
    assert estimate["TxnStatus"] == "Pending"
    memo = qbo.create("CreditMemo", flow.invoice_body(amount=10))
    assert memo["RemainingCredit"] == 10.83


def test_preferences_and_lists_are_readable(qbo: flow.Qbo, app: Client) -> None:
    prefs = qbo.get("preferences").json()["Preferences"]
    assert prefs["CurrencyPrefs"]["MultiCurrencyEnabled"] is False
    assert qbo.get("taxcode/TAX").json()["TaxCode"]["Taxable"] is True
    assert qbo.get("account/1").status_code == 200
