"""The organisation's calendar calls page: for those who manage connections, showing who
and how it went, never what is in anyone's calendar; nothing of another organisation."""

from __future__ import annotations

from integrations.models import AuditEntry, Connection
from tenancy.models import Organisation, User
from tests.conftest import Tenants, client_for

URL = "/settings/calendars/calls/"


def call_of(organisation: Organisation, owner: User, secret: str) -> AuditEntry:
    connection = Connection.objects.create(
        organisation=organisation,
        owner=owner,
        provider="google-calendar",
        remote_id=f"{secret}@gmail.test",
        remote_name=f"{secret}@gmail.test",
    )
    return AuditEntry.objects.create(
        organisation=organisation,
        connection=connection,
        direction="push",
        entity="event",
        method="POST",
        url=f"https://www.googleapis.com/calendar/v3/calendars/{secret}/events",
        request_body=f'{{"summary": "{secret} dentist"}}',
        status_code=200,
        outcome=AuditEntry.Outcome.CREATED,
    )


def test_managers_see_who_and_how_but_no_calendar_or_event(tenants: Tenants) -> None:
    call_of(tenants.alpha, tenants.crew, "CREWSECRET")
    call_of(tenants.bravo, tenants.outsider, "BRAVOSECRET")

    page = client_for(tenants.manager).get(URL).content.decode()

    assert "POST event" in page and "Created" in page
    assert tenants.crew.full_name in page
    assert "CREWSECRET" not in page and "BRAVOSECRET" not in page


def test_only_owners_and_integration_managers_open_it(tenants: Tenants) -> None:
    assert client_for(tenants.owner).get(URL).status_code == 200
    assert client_for(tenants.bookkeeper).get(URL).status_code == 403
    assert client_for(tenants.crew).get(URL).status_code == 403


def test_filters_by_person_and_pages_by_id(tenants: Tenants) -> None:
    first = call_of(tenants.alpha, tenants.crew, "A")
    call_of(tenants.alpha, tenants.manager, "B")
    manager = client_for(tenants.manager)

    mine = manager.get(URL, {"person": tenants.manager.pk}).context["calls"]
    older = manager.get(URL, {"before": first.pk + 1}).context["calls"]
    nonsense = manager.get(URL, {"person": "x", "before": "'; drop", "platform": "<b>"})

    assert [c.connection.owner for c in mine] == [tenants.manager]
    assert [c.pk for c in older] == [first.pk]
    assert nonsense.status_code == 200 and len(nonsense.context["calls"]) == 2
