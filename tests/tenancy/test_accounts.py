from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import Tenants, client_for
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
WRONG = "Please enter a correct email and password."


def sign_in(client: Client, email: str, password: str):
    return client.post(LOGIN, {"username": email, "password": password})


def test_owner_signs_in_by_email_and_lands_on_integrations(tenants: Tenants) -> None:
    client = Client()
    response = sign_in(client, "OWNER@alpha.test", PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("integrations:index")


def test_crew_signs_in_and_lands_on_their_profile(tenants: Tenants) -> None:
    client = Client()
    response = sign_in(client, tenants.crew.email, PASSWORD)
    assert client.get(response["Location"])["Location"] == reverse("tenancy:profile")


def test_wrong_password_and_unknown_account_get_the_same_message(tenants: Tenants) -> None:
    wrong_password = sign_in(Client(), tenants.owner.email, "not-the-password")
    no_account = sign_in(Client(), "nobody@alpha.test", "not-the-password")
    assert wrong_password.status_code == no_account.status_code == 200
    assert WRONG in wrong_password.content.decode()
    assert WRONG in no_account.content.decode()
    assert "does not exist" not in no_account.content.decode()


def test_repeated_failures_pause_sign_in_even_with_the_right_password(tenants: Tenants) -> None:
    client = Client()
    for _ in range(5):
        sign_in(client, tenants.owner.email, "guess")
    locked = sign_in(client, tenants.owner.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_for_an_unknown_account_are_paused_alike(db: None) -> None:
    client = Client()
    for _ in range(5):
        sign_in(client, "ghost@alpha.test", "guess")
    assert sign_in(client, "ghost@alpha.test", "guess").status_code == 429


def test_empty_sign_in_form_shows_errors_beside_fields(db: None) -> None:
    body = Client().post(LOGIN, {}).content.decode()
    assert body.count('class="field-error"') == 2


def test_sign_out_is_a_post_and_ends_the_session(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/settings/integrations/").status_code == 302


def test_post_without_csrf_token_is_refused(tenants: Tenants) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": tenants.owner.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_password_reset_mails_a_link_that_sets_a_new_password(tenants: Tenants) -> None:
    client = Client()
    response = client.post("/accounts/password_reset/", {"email": tenants.owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-long-passphrase", "new_password2": "a-fresh-long-passphrase"},
    )
    assert done.status_code == 302
    assert sign_in(Client(), tenants.owner.email, "a-fresh-long-passphrase").status_code == 302


def test_password_reset_for_an_unknown_address_looks_the_same(db: None) -> None:
    response = Client().post("/accounts/password_reset/", {"email": "nobody@alpha.test"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/no/such/page/", "/settings/integrations/nope/card/"])
def test_unknown_urls_get_the_404_page(tenants: Tenants, path: str) -> None:
    response = client_for(tenants.owner).get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
