"""Finding a user's calendars: well-known URL -> principal -> calendar home -> calendars.

No URL is guessed (iCloud has no template): each step asks the server, follows its
redirects, and resolves the href it returns against the URL that answered, which on
iCloud moves from caldav.icloud.com to the account's partition host.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import requests

from calendars.providers.icloud import davxml
from calendars.providers.icloud.errors import UnexpectedResponse
from calendars.providers.icloud.transport import XML, Transport

WELL_KNOWN = "/.well-known/caldav"
EVENT_COMPONENT = "VEVENT"


@dataclass(frozen=True)
class Home:
    principal_url: str
    home_url: str


@dataclass(frozen=True)
class CalendarInfo:
    url: str
    display_name: str


def discover(transport: Transport) -> Home:
    """The account's principal and calendar home. A wrong password raises
    CredentialsRefused at the first step, so this doubles as the connect check."""
    wanted = davxml.CURRENT_USER_PRINCIPAL
    served, response = _propfind(transport, urljoin(transport.server, WELL_KNOWN), 0, wanted)
    if response.status_code in (404, 405):  # no well-known: ask the root itself
        served, response = _propfind(transport, transport.server, 0, wanted)
    principal = _property_href(transport, served, response, davxml.CURRENT_USER_PRINCIPAL)
    served, response = _propfind(transport, principal, 0, davxml.CALENDAR_HOME_SET)
    home = _property_href(transport, served, response, davxml.CALENDAR_HOME_SET)
    return Home(principal, _as_collection(home))


def list_calendars(transport: Transport, home: Home) -> list[CalendarInfo]:
    """The calendars in the home that take events (VEVENT), by display name."""
    served, response = _propfind(
        transport,
        home.home_url,
        1,
        davxml.RESOURCETYPE,
        davxml.DISPLAYNAME,
        davxml.SUPPORTED_COMPONENTS,
    )
    _expect_multistatus(response)
    found = []
    for member in davxml.multistatus(response.content):
        components = member.components()
        takes_events = components is None or EVENT_COMPONENT in components
        if member.is_calendar() and takes_events and member.status in (None, 200):
            url = transport.policy.check(_as_collection(urljoin(served, member.href)))
            found.append(CalendarInfo(url, member.text(davxml.DISPLAYNAME)))
    return sorted(found, key=lambda calendar: (calendar.display_name.lower(), calendar.url))


def make_calendar(
    transport: Transport, home: Home, display_name: str = "Patchbay", slug: str = "patchbay"
) -> CalendarInfo:
    """MKCALENDAR ``<home>/<slug>/``; when it exists already (a retried create), the
    existing one is returned rather than a second calendar made."""
    url = urljoin(home.home_url, f"{slug}/")
    response = transport.request(
        "MKCALENDAR",
        url,
        headers={"Content-Type": XML},
        body=davxml.mkcalendar(display_name),
    )
    if response.status_code == 201:
        return CalendarInfo(url, display_name)
    if response.status_code in (405, 409):  # the URL is taken: adopt it if it is ours
        for calendar in list_calendars(transport, home):
            if same_path(calendar.url, url):
                return calendar
    raise UnexpectedResponse(
        f"iCloud did not create the calendar ({response.status_code}); pick an existing one"
    )


def same_path(first: str, second: str) -> bool:
    """Whether two URLs name one resource (hosts may differ: front or partition)."""
    return unquote(urlsplit(first).path) == unquote(urlsplit(second).path)


def _propfind(
    transport: Transport, url: str, depth: int, *names: str
) -> tuple[str, requests.Response]:
    return transport.follow(
        "PROPFIND",
        url,
        headers={"Depth": str(depth), "Content-Type": XML},
        body=davxml.propfind(*names),
    )


def _property_href(
    transport: Transport, served: str, response: requests.Response, name: str
) -> str:
    _expect_multistatus(response)
    for member in davxml.multistatus(response.content):
        href = member.href_in(name)
        if href:
            return transport.policy.check(urljoin(served, href))
    raise UnexpectedResponse(f"iCloud gave no {name.split('}')[1]} for this account")


def _expect_multistatus(response: requests.Response) -> None:
    if response.status_code != 207:
        raise UnexpectedResponse(f"PROPFIND answered {response.status_code}, not 207")


def _as_collection(url: str) -> str:
    return url if url.endswith("/") else url + "/"
