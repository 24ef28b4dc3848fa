"""Intuit's Disconnect URL with a realmId no company has: the same answer, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

URL = "/settings/integrations/quickbooks/disconnected/"


@pytest.mark.parametrize("realm", ["1\x00", "²", "9" * 5000, "https://[::1"])
def test_a_realm_that_is_no_company_id_gets_the_usual_page(db: None, realm: str) -> None:
    response = Client().get(URL, {"realmId": realm})
    assert response.status_code == 200
