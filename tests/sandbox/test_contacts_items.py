"""Contacts and items: uniqueness, upserts, archiving and hard deletes."""

from __future__ import annotations

import uuid

from sandbox.xero.accounting.models import XeroContact, XeroItem
from tests.sandbox import flow
from tests.sandbox.accounting import BRIGHT_LIGHTS, create_invoices, errors_of, invoice


def test_create_a_contact_and_read_it_by_id_or_number(xero: flow.Xero) -> None:
    body = {
        "Contacts": [
            {
                "Name": "Stagecraft Ltd",
                "ContactNumber": "PB-C-42",
                "EmailAddress": "ap@stagecraft.test",
            }
        ]
    }
    response = xero.put("Contacts", body)
    [created] = response.json()["Contacts"]
    assert response.status_code == 200 and created["ContactStatus"] == "ACTIVE"
    assert created["StatusAttributeString"] == "OK" and created["HasValidationErrors"] is False
    for ref in (created["ContactID"], "PB-C-42"):
        [found] = xero.get(f"Contacts/{ref}").json()["Contacts"]
        assert found["Name"] == "Stagecraft Ltd" and found["EmailAddress"] == "ap@stagecraft.test"
    assert xero.get(f"Contacts/{uuid.uuid4()}").status_code == 404


def test_contact_names_are_unique_among_active_contacts(xero: flow.Xero) -> None:
    response = xero.put("Contacts", [{"Name": "bright lights events ltd"}])
    assert response.status_code == 400
    assert errors_of(response.json()["Elements"][0]) == [
        "The contact name bright lights events ltd is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    ]
    xero.post(f"Contacts/{BRIGHT_LIGHTS}", [{"ContactStatus": "ARCHIVED"}])
    assert xero.put("Contacts", [{"Name": "Bright Lights Events Ltd"}]).status_code == 200


def test_account_numbers_are_unique(xero: flow.Xero) -> None:
    xero.put("Contacts", [{"Name": "One", "AccountNumber": "A-1"}])
    response = xero.put("Contacts", [{"Name": "Two", "AccountNumber": "A-1"}])
    assert errors_of(response.json()["Elements"][0]) == [
        "The account number A-1 is already assigned to another contact."
    ]


def test_a_contact_needs_a_name(xero: flow.Xero) -> None:
    response = xero.put("Contacts", [{"EmailAddress": "x@y.test"}], params="summarizeErrors=false")
    [element] = response.json()["Contacts"]
    assert element["HasValidationErrors"] is True
    assert errors_of(element)[0].startswith("The Contact must contain at least 1 of the following")


def test_post_updates_by_id_or_contact_number_and_put_only_creates(xero: flow.Xero) -> None:
    xero.put("Contacts", [{"Name": "Stagecraft Ltd", "ContactNumber": "PB-C-42"}])
    by_number = xero.post(
        "Contacts", [{"ContactNumber": "PB-C-42", "EmailAddress": "new@stagecraft.test"}]
    )
    assert by_number.json()["Contacts"][0]["EmailAddress"] == "new@stagecraft.test"
    assert XeroContact.objects.filter(contact_number="PB-C-42").count() == 1
    by_id = xero.post("Contacts", [{"ContactID": BRIGHT_LIGHTS, "Name": "Bright Lights Live Ltd"}])
    assert by_id.json()["Contacts"][0]["Name"] == "Bright Lights Live Ltd"
    again = xero.put("Contacts", [{"ContactID": BRIGHT_LIGHTS, "Name": "Other"}])
    assert again.status_code == 400


def test_archived_contacts_leave_lists_unless_asked_for(xero: flow.Xero) -> None:
    archived = xero.post(f"Contacts/{BRIGHT_LIGHTS}", {"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    assert archived.json()["Contacts"][0]["ContactStatus"] == "ARCHIVED"
    names = [item["Name"] for item in xero.get("Contacts").json()["Contacts"]]
    assert "Bright Lights Events Ltd" not in names
    every = xero.get("Contacts", {"includeArchived": "true"}).json()["Contacts"]
    assert "Bright Lights Events Ltd" in [item["Name"] for item in every]
    by_id = xero.get("Contacts", {"IDs": BRIGHT_LIGHTS}).json()["Contacts"]
    assert [item["ContactStatus"] for item in by_id] == ["ARCHIVED"]


def test_contacts_search_and_is_customer(xero: flow.Xero) -> None:
    create_invoices(xero, invoice(Status="AUTHORISED"))
    found = xero.get("Contacts", {"searchTerm": "brightlights"}).json()["Contacts"]
    assert [item["Name"] for item in found] == ["Bright Lights Events Ltd"]
    assert found[0]["IsCustomer"] is True
    [single] = xero.get(f"Contacts/{BRIGHT_LIGHTS}").json()["Contacts"]
    assert single["IsCustomer"] is True
    where = xero.get("Contacts", {"where": 'Name=="Riverside Festival CIC"'}).json()["Contacts"]
    assert [item["IsCustomer"] for item in where] == [False]


def test_create_an_item_with_sales_details(xero: flow.Xero) -> None:
    body = {
        "Items": [
            {
                "Code": "MIC-SM58",
                "Name": "SM58 microphone",
                "Description": "Vocal mic, daily hire",
                "SalesDetails": {"UnitPrice": 8.5, "AccountCode": "205", "TaxType": "OUTPUT2"},
            }
        ]
    }
    response = xero.put("Items", body)
    [created] = response.json()["Items"]
    assert created["SalesDetails"] == {"UnitPrice": 8.5, "AccountCode": "205", "TaxType": "OUTPUT2"}
    assert created["StatusAttributeString"] == "OK"
    for ref in (created["ItemID"], "MIC-SM58"):
        assert xero.get(f"Items/{ref}").json()["Items"][0]["Code"] == "MIC-SM58"


def test_item_code_is_required_short_and_unique(xero: flow.Xero) -> None:
    response = xero.put(
        "Items",
        [
            {"Name": "No code", "Code": ""},
            {"Code": "X" * 31},
            {"Code": "SL19-DAY"},
            {"Code": "OK-1", "SalesDetails": {"AccountCode": "999"}},
        ],
        params="summarizeErrors=false",
    )
    no_code, too_long, taken, bad_account = response.json()["Items"]
    assert errors_of(no_code) == ["Item Code is required."]
    assert errors_of(too_long) == ["Item Code must not be more than 30 characters long."]
    assert errors_of(taken) == ["Price List Item with Code ''SL19-DAY'' already exists"]
    assert errors_of(bad_account) == ["Account code '999' is not a valid code for this document."]
    assert all(item["StatusAttributeString"] == "ERROR" for item in response.json()["Items"])


def test_post_items_updates_by_code(xero: flow.Xero) -> None:
    response = xero.post("Items", [{"Code": "SL19-DAY", "SalesDetails": {"UnitPrice": 90}}])
    assert response.json()["Items"][0]["SalesDetails"]["UnitPrice"] == 90
    assert XeroItem.objects.filter(code="SL19-DAY").count() == 1


def test_deleting_an_item_removes_it_for_good(xero: flow.Xero) -> None:
    [item] = [row for row in xero.get("Items").json()["Items"] if row["Code"] == "LED-PAR"]
    response = xero.delete(f"Items/{item['ItemID']}")
    assert response.status_code == 204
    assert "LED-PAR" not in [row["Code"] for row in xero.get("Items").json()["Items"]]
    assert xero.delete(f"Items/{item['ItemID']}").status_code == 404
    assert xero.get(f"Items/{item['ItemID']}").status_code == 404
