"""An item's income account must be an income account, and items are found by Sku."""

from __future__ import annotations

from typing import Any

from tests.sandbox.quickbooks import flow


def account_id(qbo: flow.Qbo, name: str) -> str:
    statement = f"SELECT * FROM Account WHERE Name = '{name}'"  # noqa: S608
    [row] = qbo.query(statement).json()["QueryResponse"]["Account"]
    return str(row["Id"])


def codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json()["Fault"]["Error"]]


def test_a_service_item_sells_through_an_income_or_other_income_account(qbo: flow.Qbo) -> None:
    income = account_id(qbo, "Rental Income")
    made = qbo.create(
        "Item",
        {
            "Name": "Dry hire",
            "Sku": "DRY-1",
            "Type": "Service",
            "IncomeAccountRef": {"value": income},
        },
    )
    assert made["IncomeAccountRef"] == {"value": income, "name": "Rental Income"}


def test_an_item_selling_through_a_bank_or_asset_account_is_refused(qbo: flow.Qbo) -> None:
    for name in ("Checking", "Undeposited Funds", "Cost of Goods Sold"):
        body = {"Name": f"Wrong {name}", "IncomeAccountRef": {"value": account_id(qbo, name)}}
        refused = qbo.post("item", body)
        assert refused.status_code == 400
        assert codes(refused) == ["6000"]
        assert refused.json()["Fault"]["Error"][0]["element"] == "IncomeAccountRef"
    names = qbo.query("SELECT * FROM Item WHERE Name LIKE 'Wrong%'").json()["QueryResponse"]
    assert not names.get("Item")


def test_items_are_found_by_sku_and_by_name(qbo: flow.Qbo) -> None:
    income = account_id(qbo, "Services")
    qbo.create("Item", {"Name": "Crew day", "Sku": "CREW-1", "IncomeAccountRef": {"value": income}})
    by_sku = qbo.query("SELECT * FROM Item WHERE Sku IN ('CREW-1', 'NONE-9')").json()
    assert [row["Name"] for row in by_sku["QueryResponse"]["Item"]] == ["Crew day"]
    by_name = qbo.query("SELECT * FROM Item WHERE Name = 'Crew day'").json()
    assert [row["Sku"] for row in by_name["QueryResponse"]["Item"]] == ["CREW-1"]
