"""PUT, POST and GET /Invoices: totals, numbering, validation, status machine and batches."""

from __future__ import annotations

import uuid

from django.test import Client

from sandbox.xero import books
from sandbox.xero.accounting.models import XeroContact, XeroInvoice
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD
from tests.sandbox import flow
from tests.sandbox.accounting import (
    BRIGHT_LIGHTS,
    authorised_invoice,
    create_invoices,
    errors_of,
    invoice,
    line,
)


def test_put_creates_a_draft_with_xeros_computed_totals_and_dates(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice())
    assert created["Status"] == "DRAFT" and created["Type"] == "ACCREC"
    assert created["InvoiceNumber"] == "INV-0001"
    uuid.UUID(created["InvoiceID"])
    assert (created["SubTotal"], created["TotalTax"], created["Total"]) == (425.0, 85.0, 510.0)
    assert (created["AmountDue"], created["AmountPaid"]) == (510.0, 0.0)
    [item] = created["LineItems"]
    assert (item["LineAmount"], item["TaxAmount"]) == (425.0, 85.0)
    uuid.UUID(item["LineItemID"])
    assert created["Date"] == "/Date(1777852800000+0000)/"
    assert created["DateString"] == "2026-05-04T00:00:00"
    assert created["DueDateString"] == "2026-05-18T00:00:00"
    assert created["UpdatedDateUTC"].endswith("+0000)/")
    assert created["UpdatedDateUTCString"].endswith("Z")
    assert created["Contact"]["Name"] == "Bright Lights Events Ltd"
    assert created["StatusAttributeString"] == "OK" and created["HasErrors"] is False
    assert created["CurrencyCode"] == "GBP" and created["LineAmountTypes"] == "Exclusive"


def test_status_defaults_to_draft_and_numbers_count_up(xero: flow.Xero) -> None:
    bare = invoice()
    del bare["Status"]
    first, second = create_invoices(xero, bare, invoice(Reference="PB-2"))
    assert first["Status"] == "DRAFT"
    assert (first["InvoiceNumber"], second["InvoiceNumber"]) == ("INV-0001", "INV-0002")


def test_inclusive_and_no_tax_amounts(xero: flow.Xero) -> None:
    inclusive, no_tax = create_invoices(
        xero,
        invoice(LineAmountTypes="Inclusive", LineItems=[line(Quantity=1, UnitAmount=120)]),
        invoice(LineAmountTypes="NoTax", LineItems=[line(Quantity=2, UnitAmount=10)]),
    )
    assert (inclusive["SubTotal"], inclusive["TotalTax"], inclusive["Total"]) == (100, 20, 120)
    assert (no_tax["TotalTax"], no_tax["Total"]) == (0, 20)
    assert no_tax["LineItems"][0]["TaxType"] == "NONE"


def test_reduced_rate_and_discount(xero: flow.Xero) -> None:
    [created] = create_invoices(
        xero,
        invoice(LineItems=[line(Quantity=2, UnitAmount=50, DiscountRate=10, TaxType="RROUTPUT")]),
    )
    assert (created["SubTotal"], created["TotalTax"], created["Total"]) == (90, 4.5, 94.5)


def test_item_code_fills_in_price_account_and_tax(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice(LineItems=[{"ItemCode": "PA-SMALL", "Quantity": 2}]))
    [item] = created["LineItems"]
    assert item["UnitAmount"] == 120.0 and item["AccountCode"] == "205"
    assert item["TaxType"] == "OUTPUT2" and item["Description"].startswith("Small PA")


def test_invoice_numbers_must_be_unique(xero: flow.Xero) -> None:
    create_invoices(xero, invoice(InvoiceNumber="PB-1001"))
    response = xero.put("Invoices", {"Invoices": [invoice(InvoiceNumber="PB-1001")]})
    body = response.json()
    assert response.status_code == 400
    assert body["Type"] == "ValidationException" and body["ErrorNumber"] == 10
    assert body["Message"] == "A validation exception occurred"
    [element] = body["Elements"]
    assert errors_of(element) == ["Invoice # must be unique."]


def test_a_deleted_invoices_number_can_be_used_again(xero: flow.Xero) -> None:
    [first] = create_invoices(xero, invoice(InvoiceNumber="PB-2001"))
    xero.post(f"Invoices/{first['InvoiceID']}", {"Invoices": [{"Status": "DELETED"}]})
    [again] = create_invoices(xero, invoice(InvoiceNumber="PB-2001"))
    assert again["InvoiceID"] != first["InvoiceID"]


def test_one_bad_invoice_fails_the_whole_request_by_default(xero: flow.Xero) -> None:
    bad = invoice(LineItems=[line(AccountCode="999")])
    response = xero.put("Invoices", {"Invoices": [invoice(), bad]})
    assert response.status_code == 400
    [element] = response.json()["Elements"]
    assert errors_of(element) == ["Account code '999' is not a valid code for this document."]
    assert not XeroInvoice.objects.exists()


def test_summarize_errors_false_saves_the_good_and_marks_the_bad(xero: flow.Xero) -> None:
    bad = invoice(Reference="bad", LineItems=[line(TaxType="NOPE")])
    response = xero.put(
        "Invoices",
        {"Invoices": [invoice(), bad, invoice(Reference="PB-3")]},
        params="summarizeErrors=false",
    )
    good, refused, third = response.json()["Invoices"]
    assert response.status_code == 200
    assert good["StatusAttributeString"] == "OK" and third["StatusAttributeString"] == "OK"
    assert refused["HasErrors"] is True and refused["StatusAttributeString"] == "ERROR"
    assert refused["InvoiceID"] == "00000000-0000-0000-0000-000000000000"
    assert errors_of(refused) == [
        "The TaxType code 'NOPE' does not exist or cannot be used for this type of transaction."
    ]
    assert XeroInvoice.objects.count() == 2


def test_a_purchase_tax_rate_cannot_go_on_a_sales_line(xero: flow.Xero) -> None:
    response = xero.put("Invoices", [invoice(LineItems=[line(TaxType="INPUT2")])])
    [element] = response.json()["Elements"]
    assert "The TaxType code 'INPUT2'" in errors_of(element)[0]


def test_archived_accounts_are_refused(xero: flow.Xero) -> None:
    response = xero.put("Invoices", [invoice(LineItems=[line(AccountCode="265")])])
    assert response.status_code == 400


def test_contact_must_be_identified(xero: flow.Xero) -> None:
    response = xero.put(
        "Invoices",
        {"Invoices": [invoice(Contact={}), invoice(Contact=None)]},
        params="summarizeErrors=false",
    )
    empty, missing = response.json()["Invoices"]
    assert errors_of(empty) == [
        "The Contact must contain at least 1 of the following elements to identify the contact: "
        "Name, ContactID, ContactNumber"
    ]
    assert errors_of(missing) == ["A Contact must be specified for this type of transaction"]


def test_unknown_contact_id_is_refused(xero: flow.Xero) -> None:
    response = xero.put("Invoices", [invoice(Contact={"ContactID": str(uuid.uuid4())})])
    [element] = response.json()["Elements"]
    assert errors_of(element) == [
        "An existing Contact with the specified ContactID could not be found"
    ]


def test_a_new_contact_name_creates_the_contact_with_the_invoice(xero: flow.Xero) -> None:
    [created] = create_invoices(
        xero, invoice(Contact={"Name": "Harbour Lights Ltd", "ContactNumber": "C-77"})
    )
    contact = XeroContact.objects.get(contact_id=created["Contact"]["ContactID"])
    assert (contact.name, contact.contact_number) == ("Harbour Lights Ltd", "C-77")
    [again] = create_invoices(xero, invoice(Contact={"ContactNumber": "C-77"}))
    assert again["Contact"]["ContactID"] == created["Contact"]["ContactID"]


def test_a_refused_invoice_leaves_no_new_contact_behind(xero: flow.Xero) -> None:
    bad = invoice(Contact={"Name": "Ghost Ltd"}, LineItems=[line(AccountCode="999")])
    xero.put("Invoices", [bad], params="summarizeErrors=false")
    assert not XeroContact.objects.filter(name="Ghost Ltd").exists()


def test_other_currencies_are_refused(xero: flow.Xero) -> None:
    response = xero.put("Invoices", [invoice(CurrencyCode="USD")])
    [element] = response.json()["Elements"]
    assert errors_of(element) == ["Organisation is not subscribed to currency USD"]


def test_unreadable_values_are_validation_errors(xero: flow.Xero) -> None:
    response = xero.put(
        "Invoices", [invoice(Date="next tuesday", LineItems=[line(Quantity="lots")])]
    )
    [element] = response.json()["Elements"]
    assert "Date must be a date (YYYY-MM-DD)." in errors_of(element)
    assert "Quantity must be a number." in errors_of(element)


def test_a_body_that_is_not_json_is_post_data_invalid(xero: flow.Xero) -> None:
    response = xero.put("Invoices", None, raw=b"{not json")
    assert response.status_code == 400
    assert response.json()["Type"] == "PostDataInvalidException"
    assert xero.put("Invoices", "just text").json()["Type"] == "PostDataInvalidException"


def test_a_bare_object_and_a_bare_array_are_accepted(xero: flow.Xero) -> None:
    assert xero.put("Invoices", invoice()).status_code == 200
    assert xero.put("Invoices", [invoice(Reference="PB-2")]).status_code == 200
    assert XeroInvoice.objects.count() == 2


def test_put_never_updates(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice())
    response = xero.put("Invoices", [invoice(InvoiceID=created["InvoiceID"], Reference="changed")])
    assert response.status_code == 400
    assert books.invoice(DEMO_COMPANY_UK, created["InvoiceID"]).reference == "PB-RA-10482"


def test_post_updates_by_invoice_id_and_keeps_line_ids(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice())
    line_id = created["LineItems"][0]["LineItemID"]
    changes = {"InvoiceID": created["InvoiceID"], "Reference": "PB-RA-10482-v2"}
    changes["LineItems"] = [
        {"LineItemID": line_id, "UnitAmount": 90},
        line(Description="Delivery", Quantity=1, UnitAmount=45),
    ]
    response = xero.post("Invoices", {"Invoices": [changes]})
    [updated] = response.json()["Invoices"]
    assert updated["Reference"] == "PB-RA-10482-v2"
    assert [item["LineItemID"] == line_id for item in updated["LineItems"]] == [True, False]
    assert updated["SubTotal"] == 495.0 and updated["Total"] == 594.0
    assert updated["InvoiceNumber"] == created["InvoiceNumber"]
    assert updated["UpdatedDateUTC"] >= created["UpdatedDateUTC"]


def test_post_leaving_out_a_line_removes_it(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice(LineItems=[line(), line(Description="Second")]))
    keep = created["LineItems"][1]["LineItemID"]
    response = xero.post(
        f"Invoices/{created['InvoiceID']}", {"Invoices": [{"LineItems": [{"LineItemID": keep}]}]}
    )
    [updated] = response.json()["Invoices"]
    assert [item["Description"] for item in updated["LineItems"]] == ["Second"]


def test_post_without_an_id_creates(xero: flow.Xero) -> None:
    response = xero.post("Invoices", {"Invoices": [invoice()]})
    assert response.status_code == 200
    assert XeroInvoice.objects.count() == 1


def test_post_to_an_unknown_id_is_refused(xero: flow.Xero) -> None:
    response = xero.post(f"Invoices/{uuid.uuid4()}", {"Invoices": [{"Reference": "x"}]})
    [element] = response.json()["Elements"]
    assert errors_of(element) == [
        "An existing Invoice with the specified InvoiceID could not be found"
    ]


def test_a_write_that_changes_nothing_keeps_updated_date(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice())
    again = invoice(InvoiceID=created["InvoiceID"], InvoiceNumber=created["InvoiceNumber"])
    again["LineItems"] = [line(LineItemID=created["LineItems"][0]["LineItemID"])]
    [same] = xero.post("Invoices", [again]).json()["Invoices"]
    assert same["UpdatedDateUTC"] == created["UpdatedDateUTC"]


def test_status_moves_draft_submitted_authorised(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice())
    url = f"Invoices/{created['InvoiceID']}"
    assert xero.post(url, [{"Status": "SUBMITTED"}]).json()["Invoices"][0]["Status"] == "SUBMITTED"
    assert (
        xero.post(url, [{"Status": "AUTHORISED"}]).json()["Invoices"][0]["Status"] == "AUTHORISED"
    )


def test_authorised_invoices_cannot_go_back_or_be_deleted_but_can_be_voided(
    xero: flow.Xero,
) -> None:
    created = authorised_invoice(xero)
    url = f"Invoices/{created['InvoiceID']}"
    for refused in ("DRAFT", "DELETED", "PAID"):
        response = xero.post(url, [{"Status": refused}])
        assert response.status_code == 400
        assert errors_of(response.json()["Elements"][0]) == [
            f"The invoice cannot be changed from AUTHORISED to {refused}."
        ]
    assert xero.post(url, [{"Status": "VOIDED"}]).json()["Invoices"][0]["Status"] == "VOIDED"
    edit = xero.post(url, [{"Reference": "after void"}])
    assert errors_of(edit.json()["Elements"][0]) == [
        "This document cannot be edited as it has been voided."
    ]


def test_drafts_can_be_deleted_and_stay_listed(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice())
    xero.post(f"Invoices/{created['InvoiceID']}", [{"Status": "DELETED"}])
    listed = xero.get("Invoices").json()["Invoices"]
    assert [item["Status"] for item in listed] == ["DELETED"]


def test_new_invoices_cannot_start_paid_voided_or_deleted(xero: flow.Xero) -> None:
    response = xero.put("Invoices", [invoice(Status="PAID")])
    assert errors_of(response.json()["Elements"][0]) == ["A new invoice cannot have status PAID."]


def test_approval_needs_a_due_date_lines_and_account_codes(xero: flow.Xero) -> None:
    bare = invoice(
        Status="AUTHORISED", LineItems=[{"Description": "Hire", "Quantity": 1, "UnitAmount": 10}]
    )
    del bare["DueDate"]
    response = xero.put(
        "Invoices",
        [bare, invoice(Status="AUTHORISED", LineItems=[])],
        params="summarizeErrors=false",
    )
    first, second = response.json()["Invoices"]
    assert set(errors_of(first)) == {
        "Due Date is required.",
        "Each line item with an amount must have an AccountCode.",
    }
    assert errors_of(second) == ["An approved invoice must have at least one line item."]


def test_bills_are_accepted_and_their_numbers_need_not_be_unique(xero: flow.Xero) -> None:
    bill = invoice(
        Type="ACCPAY", InvoiceNumber="SUP-1", LineItems=[line(AccountCode="400", TaxType="INPUT2")]
    )
    first, second = create_invoices(xero, bill, dict(bill))
    assert first["InvoiceNumber"] == second["InvoiceNumber"] == "SUP-1"


def test_get_one_by_id_or_number(xero: flow.Xero) -> None:
    [created] = create_invoices(xero, invoice())
    for ref in (created["InvoiceID"], created["InvoiceNumber"]):
        [found] = xero.get(f"Invoices/{ref}").json()["Invoices"]
        assert found["InvoiceID"] == created["InvoiceID"] and found["LineItems"]
    missing = xero.get(f"Invoices/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["Status"] == 404


def test_list_filters(xero: flow.Xero) -> None:
    first, _, third = create_invoices(
        xero,
        invoice(),
        invoice(Reference="PB-X", Contact={"Name": "Northern Stage Productions"}),
        invoice(Status="AUTHORISED"),
    )

    def numbers(params: dict[str, str]) -> list[str]:
        return [item["InvoiceNumber"] for item in xero.get("Invoices", params).json()["Invoices"]]

    assert numbers({"IDs": f"{first['InvoiceID']},{third['InvoiceID']}"}) == [
        "INV-0001",
        "INV-0003",
    ]
    assert numbers({"InvoiceNumbers": "INV-0002"}) == ["INV-0002"]
    assert numbers({"ContactIDs": BRIGHT_LIGHTS}) == ["INV-0001", "INV-0003"]
    assert numbers({"Statuses": "AUTHORISED,PAID"}) == ["INV-0003"]
    assert numbers({"searchTerm": "pb-x"}) == ["INV-0002"]
    assert numbers({"where": 'Status=="DRAFT" AND Contact.Name.Contains("stage")'}) == ["INV-0002"]
    assert numbers({"createdByMyApp": "true"}) == ["INV-0001", "INV-0002", "INV-0003"]
    assert xero.get("Invoices", {"IDs": "nope"}).status_code == 400
    assert xero.get("Invoices", {"where": "Total > 5"}).json()["Type"] == "QueryParseException"


def test_created_by_my_app_leaves_out_the_bookkeepers_invoices(xero: flow.Xero) -> None:
    [mine] = create_invoices(xero, invoice())
    books.create_invoice(DEMO_COMPANY_UK, invoice(Reference="typed in Xero"))
    listed = xero.get("Invoices", {"createdByMyApp": "true"}).json()["Invoices"]
    assert [item["InvoiceID"] for item in listed] == [mine["InvoiceID"]]
    assert len(xero.get("Invoices").json()["Invoices"]) == 2


def test_each_tenant_has_its_own_invoices_and_numbers(xero: flow.Xero, app: Client) -> None:
    create_invoices(xero, invoice())
    harbour = flow.Xero(app, xero.token, HARBOUR_BUILD)
    assert harbour.get("Invoices").json()["Invoices"] == []
    [other] = create_invoices(harbour, invoice(Contact={"Name": "Someone"}))
    assert other["InvoiceNumber"] == "INV-0001"
    assert (
        harbour.get(
            f"Invoices/{xero.get('Invoices').json()['Invoices'][0]['InvoiceID']}"
        ).status_code
        == 404
    )


def test_unitdp_4_keeps_four_decimal_unit_amounts(xero: flow.Xero) -> None:
    precise = invoice(LineItems=[line(Quantity=3, UnitAmount=1.2345)])
    [rounded] = create_invoices(xero, precise)
    [kept] = create_invoices(
        xero,
        invoice(Reference="4dp", LineItems=[line(Quantity=3, UnitAmount=1.2345)]),
        params="unitdp=4",
    )
    assert rounded["LineItems"][0]["UnitAmount"] == 1.23
    assert (
        kept["LineItems"][0]["UnitAmount"] == 1.2345 and kept["LineItems"][0]["LineAmount"] == 3.7
    )
