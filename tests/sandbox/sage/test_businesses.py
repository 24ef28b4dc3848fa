"""Businesses, X-Business routing, the subscription, tokens on API calls, reference data."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.sage import controls, inspect
from sandbox.sage.seed import CORK_EVENT_HIRE_IE, DEMO_HIRE_UK, LIFFEY_STAGING_IE, SANDBOX_USER
from tests.sandbox.sage import flow

UNAUTHENTICATED = [
    {
        "$severity": "error",
        "$dataCode": "AuthorizationFailure",
        "$message": "Access token is missing, invalid or expired.",
        "$source": "",
    }
]


def test_businesses_lists_the_users_businesses(sage: flow.Sage) -> None:
    response = sage.get("businesses")
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body] == [DEMO_HIRE_UK, LIFFEY_STAGING_IE]
    uk = body[0]
    assert uk["name"] == "Demo Hire Ltd" and uk["displayed_as"] == "Demo Hire Ltd"
    assert uk["$path"] == f"/businesses/{DEMO_HIRE_UK}"
    assert uk["country"]["id"] == "GB" and body[1]["country"]["id"] == "IE"
    assert uk["subscriptions"][0]["active"] is True


def test_business_lead_names_the_lead_business(sage: flow.Sage) -> None:
    assert sage.get("businesses/lead").json()["id"] == DEMO_HIRE_UK
    controls.set_lead_business(SANDBOX_USER, LIFFEY_STAGING_IE)
    assert sage.get("businesses/lead").json()["id"] == LIFFEY_STAGING_IE


def test_another_users_business_is_not_found(sage: flow.Sage) -> None:
    assert sage.get(f"businesses/{CORK_EVENT_HIRE_IE}").status_code == 404


def test_x_business_routes_the_call(app_client: Client) -> None:
    uk = flow.sage_for(app_client, DEMO_HIRE_UK).get("tax_rates", {"attributes": "all"})
    ie = flow.sage_for(app_client, LIFFEY_STAGING_IE).get("tax_rates", {"attributes": "all"})
    assert "GB_STANDARD" in {item["id"] for item in uk.json()["$items"]}
    assert {item["id"]: item["percentage"] for item in ie.json()["$items"]}["IE_STANDARD"] == 23.0
    assert inspect.api_call_count(DEMO_HIRE_UK) == 1
    assert inspect.api_call_count(LIFFEY_STAGING_IE) == 1


def test_without_x_business_the_lead_business_answers(app_client: Client) -> None:
    sage = flow.sage_for(app_client, business=None)
    assert sage.get("ledger_accounts").status_code == 200
    assert inspect.calls_per_business() == {DEMO_HIRE_UK: 1}
    controls.set_lead_business(SANDBOX_USER, LIFFEY_STAGING_IE)
    sage.get("ledger_accounts")
    assert inspect.api_call_count(LIFFEY_STAGING_IE) == 1


def test_a_missing_x_business_can_be_made_an_error(app_client: Client, settings) -> None:
    settings.SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER = True
    response = flow.sage_for(app_client, business=None).get("ledger_accounts")
    assert response.status_code == 403
    assert response.json()[0]["$dataCode"] == "AccessDenied"


def test_an_unknown_or_foreign_business_is_refused(app_client: Client) -> None:
    for business in (CORK_EVENT_HIRE_IE, "0" * 32):
        response = flow.sage_for(app_client, business=business).get("contacts")
        assert response.status_code == 403
        [problem] = response.json()
        assert set(problem) == {"$severity", "$dataCode", "$message", "$source"}


def test_a_cancelled_subscription_is_401_mse(sage: flow.Sage) -> None:
    controls.set_subscription(DEMO_HIRE_UK, active=False)
    response = sage.get("contacts")
    assert response.status_code == 401
    assert response.json() == [
        {
            "$severity": "error",
            "$dataCode": "AuthorizationFailure",
            "$message": "No active subscription. (MSE)",
            "$source": "",
        }
    ]
    assert sage.get("businesses").json()[0]["subscriptions"][0]["status"] == "cancelled"


def test_an_expired_access_token_is_401_with_an_error_array(sage: flow.Sage) -> None:
    assert sage.get("contacts").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=301)):
        response = sage.get("contacts")
    assert response.status_code == 401 and response.json() == UNAUTHENTICATED


def test_a_missing_or_made_up_token_is_401(app_client: Client) -> None:
    assert flow.Sage(app_client, "made-up").get("contacts").json() == UNAUTHENTICATED
    response = app_client.get(f"{flow.API}/contacts")
    assert response.status_code == 401


def test_access_tokens_outlive_a_revoke(app_client: Client) -> None:
    body = controls.issue_tokens_for()
    controls.revoke_app_for(SANDBOX_USER)
    sage = flow.Sage(app_client, body["access_token"])
    assert sage.get("contacts").status_code == 200
    assert flow.refresh(app_client, body["refresh_token"]).json() == {"error": "invalid_grant"}


def test_a_readonly_token_cannot_write(app_client: Client) -> None:
    sage = flow.sage_for(app_client, scope="readonly")
    assert sage.get("contacts").status_code == 200
    response = sage.post("contacts", {"contact": {"name": "X", "contact_type_ids": ["CUSTOMER"]}})
    assert response.status_code == 403


def test_ledger_accounts_filter_to_sales(sage: flow.Sage) -> None:
    body = sage.get("ledger_accounts", {"visible_in": "sales", "attributes": "all"}).json()
    codes = {item["nominal_code"] for item in body["$items"]}
    assert 4000 in codes and 1200 not in codes
    assert all(item["ledger_account_group"]["id"] == "INCOME" for item in body["$items"])


def test_bank_accounts_and_currencies(sage: flow.Sage) -> None:
    banks = sage.get("bank_accounts", {"attributes": "all"}).json()["$items"]
    assert {bank["bank_account_type"]["id"] for bank in banks} >= {"CHECKING", "SAVINGS"}
    assert banks[0]["ledger_account"]["$path"].startswith("/ledger_accounts/")
    currencies = sage.get("currencies").json()["$items"]
    assert {
        "id": "GBP",
        "displayed_as": "Pound Sterling (GBP)",
        "$path": "/currencies/GBP",
    }.items() <= currencies[0].items()


def test_user_endpoint_names_the_signed_in_user(sage: flow.Sage) -> None:
    assert sage.get("user").json()["email"] == SANDBOX_USER
