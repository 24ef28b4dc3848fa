"""Discovery against Radicale behind the iCloud fault layer (front and partition host)."""

import pytest

from calendars.providers.icloud import discovery
from calendars.providers.icloud.errors import CredentialsRefused, ICloudRateLimited
from calendars.providers.icloud.transport import Credentials, Transport
from sandbox.icloud.faults import CHALLENGES
from tests.calendars.conftest import APPLE_ID, OTHER_APPLE_ID

VTODO_ONLY = (
    b'<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
    b"<d:set><d:prop><d:displayname>Reminders</d:displayname>"
    b'<c:supported-calendar-component-set><c:comp name="VTODO"/>'
    b"</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>"
)


def test_discovery_follows_the_well_known_redirect_to_the_partition_host(icloud, transport):
    home = discovery.discover(transport)

    assert home.principal_url == f"{icloud.url}{icloud.faults.principal_path(APPLE_ID).lstrip('/')}"
    assert home.home_url == icloud.faults.home_url(APPLE_ID)
    assert home.home_url.startswith(f"http://localhost:{icloud.port}/p42-caldav/")
    steps = [(seen.method, seen.host.split(":")[0], seen.path) for seen in icloud.faults.seen]
    assert steps == [
        ("PROPFIND", "127.0.0.1", "/.well-known/caldav"),
        ("PROPFIND", "127.0.0.1", "/"),
        ("PROPFIND", "127.0.0.1", icloud.faults.principal_path(APPLE_ID)),
    ]


def test_a_wrong_app_specific_password_is_a_clear_error(icloud):
    wrong = Transport(Credentials(APPLE_ID, "aaaa-bbbb-cccc-dddd"))

    with pytest.raises(CredentialsRefused, match="app-specific password"):
        discovery.discover(wrong)


def test_the_sandbox_challenges_like_icloud(icloud, in_icloud):
    response = in_icloud.request("PROPFIND", icloud.url, auth=(APPLE_ID, "wrong"))

    assert response.status_code == 401
    challenges = [value for name, value in CHALLENGES]
    assert response.raw.headers.getlist("WWW-Authenticate") == challenges


def test_a_password_revoked_mid_run_turns_every_call_into_credentials_refused(icloud, transport):
    home = discovery.discover(transport)
    icloud.faults.revoke(APPLE_ID)

    with pytest.raises(CredentialsRefused):
        discovery.list_calendars(transport, home)


def test_the_patchbay_calendar_is_made_once_and_listed_with_event_calendars_only(
    icloud, transport, in_icloud
):
    home = discovery.discover(transport)
    in_icloud.request("MKCALENDAR", home.home_url + "reminders/", data=VTODO_ONLY)

    made = discovery.make_calendar(transport, home)
    again = discovery.make_calendar(transport, home)  # a retried connect

    assert made == again
    assert made.url == home.home_url + "patchbay/"
    assert discovery.list_calendars(transport, home) == [made]
    assert icloud.calendars(APPLE_ID) == ["patchbay", "reminders"]


def test_one_account_never_sees_another_accounts_calendars(icloud, transport):
    home = discovery.discover(transport)
    discovery.make_calendar(transport, home)
    other = Transport(Credentials(OTHER_APPLE_ID, icloud.users[OTHER_APPLE_ID]))

    other_home = discovery.discover(other)

    assert other_home.home_url != home.home_url
    assert discovery.list_calendars(other, other_home) == []


def test_discovery_while_throttled_says_how_long_to_wait(icloud, transport):
    icloud.faults.throttle(503, retry_after="12")

    with pytest.raises(ICloudRateLimited) as raised:
        discovery.discover(transport)

    assert (raised.value.retry_after, raised.value.stated) == (12.0, True)
