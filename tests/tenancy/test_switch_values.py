"""The organisation switch refuses any value that is not one of the user's organisations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import Tenants, client_for


@pytest.mark.parametrize("wanted", ["999999999999999999999999999999", "²", "-1", "x" * 5000])
def test_switching_to_an_organisation_that_is_no_id_is_refused_with_a_message(
    tenants: Tenants, wanted: str
) -> None:
    client = client_for(tenants.owner)
    response = client.post(
        reverse("tenancy:switch_organisation"), {"organisation": wanted}, follow=True
    )
    assert response.status_code == 200
    assert "You are not a member of that organisation." in response.content.decode()


def test_switching_to_a_member_organisation_still_works(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    response = client.post(
        reverse("tenancy:switch_organisation"), {"organisation": tenants.alpha.pk}, follow=True
    )
    assert "You are now working in Alpha Hire." in response.content.decode()


def test_an_organisation_id_beyond_bigint_never_reaches_the_database(tenants: Tenants) -> None:
    # PostgreSQL compares it as numeric and finds nothing, but SQLite (`make run`) cannot
    # bind an integer that large and the switch was a 500 there: refuse it before any query.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenancy.forms import SwitchOrganisationForm

    huge = "9" * 30
    form = SwitchOrganisationForm(tenants.owner, {"organisation": huge})
    with CaptureQueriesContext(connection) as queries:
        assert not form.is_valid()
    assert not [query for query in queries.captured_queries if huge in query["sql"]]
