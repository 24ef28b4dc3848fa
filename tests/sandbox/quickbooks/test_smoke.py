from tests.sandbox.quickbooks import flow


def test_read_company_info(qbo: flow.Qbo) -> None:
    response = qbo.get(f"companyinfo/{qbo.realm}")
    assert response.status_code == 200, response.content
    assert response.json()["CompanyInfo"]["CompanyName"] == "Harbour Hire Co"


def test_create_invoice(qbo: flow.Qbo) -> None:
    invoice = qbo.create("Invoice", flow.invoice_body())
    assert invoice["TotalAmt"] == 184.03
    print(invoice)
