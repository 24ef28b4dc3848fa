"""Sign-in names of any length are a failed sign-in, never a 500 (axes stores 255 chars)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import Tenants


@pytest.mark.parametrize("length", [255, 300, 5000])
def test_an_overlong_email_is_a_form_error_on_the_sign_in_page(
    tenants: Tenants, length: int
) -> None:
    email = "a" * (length - len("@alpha.test")) + "@alpha.test"
    response = Client().post("/accounts/login/", {"username": email, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("length", [255, 5000])
def test_an_overlong_name_is_a_form_error_on_the_admin_sign_in(
    tenants: Tenants, length: int
) -> None:
    response = Client().post("/admin/login/", {"username": "a" * length, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors
