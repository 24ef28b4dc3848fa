"""The authorize URL, the sandbox sign-in page and the consent screen."""

from __future__ import annotations

from django.test import Client

from sandbox.core.crypto import s256
from sandbox.xero.models import XeroConnection, XeroGrant
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD, KIWI_GEAR_HIRE, OTHER_USER
from tests.sandbox import flow


def test_unknown_client_gets_an_error_page_and_no_redirect(visitor: Client) -> None:
    response = visitor.get(flow.AUTHORIZE, flow.authorize_params(client_id="someone-else"))
    assert response.status_code == 400
    assert "Location" not in response
    assert b"client_id" in response.content


def test_unregistered_redirect_uri_is_never_redirected_to(visitor: Client) -> None:
    for uri in ("https://evil.example/callback", flow.redirect_uri().rstrip("/"), None):
        response = visitor.get(flow.AUTHORIZE, flow.authorize_params(redirect_uri=uri))
        assert response.status_code == 400, uri
        assert "Location" not in response


def test_redirect_uri_is_matched_exactly_against_the_settings(visitor: Client, settings) -> None:
    registered_before = flow.redirect_uri()
    settings.SANDBOX_XERO_REDIRECT_URIS = ["https://app.example/cb"]
    stale = flow.authorize_params(redirect_uri=registered_before)
    assert visitor.get(flow.AUTHORIZE, stale).status_code == 400
    response = visitor.get(
        flow.AUTHORIZE, flow.authorize_params(redirect_uri="https://app.example/cb")
    )
    assert response.status_code == 302


def test_wrong_response_type_redirects_with_unsupported_response_type(visitor: Client) -> None:
    response = visitor.get(flow.AUTHORIZE, flow.authorize_params(response_type="token"))
    assert response.status_code == 302
    assert response["Location"].startswith(flow.redirect_uri())
    assert flow.query_of(response["Location"]) == {
        "error": "unsupported_response_type",
        "state": "state-123",
    }


def test_restricted_scope_is_refused_as_unauthorized_client(visitor: Client) -> None:
    scope = "openid accounting.transactions paymentservices"
    response = visitor.get(flow.AUTHORIZE, flow.authorize_params(scope=scope))
    assert flow.query_of(response["Location"]) == {
        "error": "unauthorized_client",
        "error_description": "Invalid scope for client",
        "state": "state-123",
    }


def test_unknown_or_missing_scope_is_invalid_scope(visitor: Client) -> None:
    for scope in ("openid accounting.everything", "", None):
        response = visitor.get(flow.AUTHORIZE, flow.authorize_params(scope=scope))
        assert flow.query_of(response["Location"])["error"] == "invalid_scope", scope


def test_every_documented_scope_is_accepted(visitor: Client) -> None:
    scope = (
        "openid profile email offline_access accounting.transactions "
        "accounting.transactions.read accounting.contacts accounting.contacts.read "
        "accounting.settings accounting.settings.read accounting.invoices "
        "accounting.invoices.read accounting.payments accounting.payments.read"
    )
    location = flow.start(visitor, scope=scope)
    assert "/identity/sign-in?request=" in location


def test_pkce_accepts_only_s256(visitor: Client) -> None:
    challenge = s256(flow.new_verifier())
    for method in ("plain", None, "S512"):
        response = visitor.get(
            flow.AUTHORIZE,
            flow.authorize_params(code_challenge=challenge, code_challenge_method=method),
        )
        assert flow.query_of(response["Location"])["error"] == "invalid_request", method
    malformed = flow.authorize_params(code_challenge="short", code_challenge_method="S256")
    assert flow.query_of(visitor.get(flow.AUTHORIZE, malformed)["Location"])["error"] == (
        "invalid_request"
    )


def test_sign_in_page_says_it_is_a_sandbox_and_lists_users(visitor: Client) -> None:
    response = visitor.get(flow.start(visitor))
    page = response.content.decode()
    assert response.status_code == 200
    assert "no passwords" in page
    assert '<label for="id_user">Sandbox user</label>' in page
    assert "sandbox.user@xero.test" in page and OTHER_USER in page
    assert ">Sign in</button>" in page


def test_sign_in_by_typed_email_and_unknown_email_error(visitor: Client) -> None:
    sign_in_url = flow.start(visitor)
    response = visitor.post(sign_in_url, {"email": "nobody@xero.test"})
    assert response.status_code == 400
    assert "No sandbox user has this email address." in response.content.decode()
    response = visitor.post(sign_in_url, {"email": OTHER_USER.upper()})
    assert response.status_code == 302
    assert "Kiwi Gear Hire" in visitor.get(response["Location"]).content.decode()


def test_sign_in_without_a_choice_shows_the_error_beside_the_field(visitor: Client) -> None:
    response = visitor.post(flow.start(visitor), {})
    assert response.status_code == 400
    assert 'id="id_user_error"' in response.content.decode()


def test_consent_screen_shows_app_scopes_in_words_and_only_the_users_organisations(
    visitor: Client,
) -> None:
    page = visitor.get(flow.sign_in(visitor, flow.start(visitor))).content.decode()
    assert "Patchbay wants access to your Xero" in page
    assert "View and change your business transactions" in page
    assert "Stay connected when you are not using the app" in page
    assert f'value="{DEMO_COMPANY_UK}"' in page and f'value="{HARBOUR_BUILD}"' in page
    assert str(KIWI_GEAR_HIRE) not in page
    assert '<label for="organisation_1">Demo Company (UK)</label>' in page
    assert ">Allow access</button>" in page and ">Cancel</button>" in page


def test_allowing_without_an_organisation_is_refused_beside_the_picker(visitor: Client) -> None:
    consent_url = flow.sign_in(visitor, flow.start(visitor))
    response = visitor.post(consent_url, {"action": "allow"})
    assert response.status_code == 400
    assert "Choose at least one organisation to connect." in response.content.decode()
    assert not XeroConnection.objects.exists()


def test_allow_redirects_with_code_state_and_connects_chosen_organisations(
    visitor: Client,
) -> None:
    result = flow.consent(visitor, tenant_ids=[HARBOUR_BUILD])
    assert result.redirect["state"] == "state-123"
    assert result.redirect["scope"] == flow.FULL_SCOPE
    assert len(result.code) >= 32
    connections = list(XeroConnection.objects.select_related("organisation"))
    assert [c.organisation.tenant_id for c in connections] == [HARBOUR_BUILD]


def test_one_consent_shares_one_auth_event_across_its_connections(visitor: Client) -> None:
    flow.consent(visitor)
    events = set(XeroConnection.objects.values_list("auth_event_id", flat=True))
    assert XeroConnection.objects.count() == 2
    assert len(events) == 1


def test_reconnecting_keeps_the_connection_id_and_bumps_updated(visitor: Client) -> None:
    flow.consent(visitor, tenant_ids=[DEMO_COMPANY_UK])
    first = XeroConnection.objects.get()
    flow.consent(visitor, tenant_ids=[DEMO_COMPANY_UK, HARBOUR_BUILD])
    again = XeroConnection.objects.get(organisation__tenant_id=DEMO_COMPANY_UK)
    assert again.id == first.id
    assert again.created_at == first.created_at
    assert again.updated_at > first.updated_at
    assert again.auth_event_id != first.auth_event_id
    assert XeroGrant.objects.count() == 1


def test_cancel_redirects_with_access_denied_and_connects_nothing(visitor: Client) -> None:
    consent_url = flow.sign_in(visitor, flow.start(visitor))
    response = visitor.post(consent_url, {"action": "cancel"})
    assert response.status_code == 302
    assert flow.query_of(response["Location"]) == {"error": "access_denied", "state": "state-123"}
    assert not XeroConnection.objects.exists()


def test_an_answered_consent_cannot_be_submitted_again(visitor: Client) -> None:
    consent_url = flow.sign_in(visitor, flow.start(visitor))
    flow.allow(visitor, consent_url, [DEMO_COMPANY_UK])
    response = visitor.post(consent_url, {"action": "allow", "organisations": [DEMO_COMPANY_UK]})
    assert response.status_code == 400
    assert "Start again from the app" in response.content.decode()


def test_consent_before_sign_in_sends_the_visitor_to_sign_in(visitor: Client) -> None:
    sign_in_url = flow.start(visitor)
    consent_url = sign_in_url.replace("/sign-in?", "/consent?")
    response = visitor.get(consent_url)
    assert response.status_code == 302
    assert response["Location"] == sign_in_url


def test_another_browser_cannot_use_someone_elses_request(visitor: Client) -> None:
    consent_url = flow.sign_in(visitor, flow.start(visitor))
    assert Client().get(consent_url).status_code == 400


def test_sign_in_and_consent_forms_require_csrf(world: None) -> None:
    strict = Client(enforce_csrf_checks=True)
    sign_in_url = flow.start(strict)
    assert strict.post(sign_in_url, {"user": "sandbox.user@xero.test"}).status_code == 403
    page = strict.get(sign_in_url).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_state_is_optional_and_then_not_echoed(visitor: Client) -> None:
    result = flow.consent(visitor, state=None)
    assert "state" not in result.redirect
