"""The few WebDAV/CalDAV XML bodies the client sends, and a multistatus reader.

Server XML is parsed with defusedxml: a response is untrusted input (entity
expansion and external entities are refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from calendars.providers.icloud.errors import UnexpectedResponse

DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"

CURRENT_USER_PRINCIPAL = f"{DAV}current-user-principal"
CALENDAR_HOME_SET = f"{CALDAV}calendar-home-set"
DISPLAYNAME = f"{DAV}displayname"
RESOURCETYPE = f"{DAV}resourcetype"
GETETAG = f"{DAV}getetag"
SUPPORTED_COMPONENTS = f"{CALDAV}supported-calendar-component-set"

_PREFIXES = {DAV: "d", CALDAV: "c"}


def propfind(*names: str) -> bytes:
    """A PROPFIND body asking for the properties given in Clark notation."""
    props = "".join(f"<{_prefixed(name)}/>" for name in names)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        f"<d:prop>{props}</d:prop></d:propfind>"
    ).encode()


def mkcalendar(display_name: str) -> bytes:
    """An MKCALENDAR body: a named calendar that holds events only."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        f"<d:set><d:prop><d:displayname>{escape(display_name)}</d:displayname>"
        '<c:supported-calendar-component-set><c:comp name="VEVENT"/>'
        "</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>"
    ).encode()


def _prefixed(name: str) -> str:
    namespace, local = name[: name.index("}") + 1], name[name.index("}") + 1 :]
    return f"{_PREFIXES[namespace]}:{local}"


@dataclass(frozen=True)
class DavResponse:
    """One <response> of a multistatus: its href and the properties found (200)."""

    href: str
    props: dict[str, Element] = field(default_factory=dict)
    status: int | None = None  # a response-level status (a 404 member), if any

    def text(self, name: str) -> str:
        element = self.props.get(name)
        return (element.text or "").strip() if element is not None else ""

    def href_in(self, name: str) -> str:
        """The DAV:href inside a property such as current-user-principal."""
        element = self.props.get(name)
        found = element.find(f"{DAV}href") if element is not None else None
        return (found.text or "").strip() if found is not None else ""

    def is_calendar(self) -> bool:
        kinds = self.props.get(RESOURCETYPE)
        return kinds is not None and kinds.find(f"{CALDAV}calendar") is not None

    def is_collection(self) -> bool:
        kinds = self.props.get(RESOURCETYPE)
        return kinds is not None and kinds.find(f"{DAV}collection") is not None

    def components(self) -> frozenset[str] | None:
        """The component names a calendar takes; None when it does not say (all)."""
        supported = self.props.get(SUPPORTED_COMPONENTS)
        if supported is None:
            return None
        return frozenset(comp.get("name", "").upper() for comp in supported.iter(f"{CALDAV}comp"))


def multistatus(body: bytes) -> list[DavResponse]:
    try:
        root = SafeTree.fromstring(body)
    except (ParseError, DefusedXmlException) as error:
        raise UnexpectedResponse(f"unreadable multistatus: {error}") from None
    if root.tag != f"{DAV}multistatus":
        raise UnexpectedResponse(f"expected a multistatus, got {root.tag}")
    return [_response(element) for element in root.iter(f"{DAV}response")]


def _response(element: Element) -> DavResponse:
    href = (element.findtext(f"{DAV}href") or "").strip()
    props: dict[str, Element] = {}
    for propstat in element.iter(f"{DAV}propstat"):
        if _status(propstat.findtext(f"{DAV}status")) == 200:
            for prop in propstat.iterfind(f"{DAV}prop/*"):
                props[prop.tag] = prop
    return DavResponse(href, props, _status(element.findtext(f"{DAV}status")))


def _status(line: str | None) -> int | None:
    """'HTTP/1.1 404 Not Found' -> 404."""
    parts = (line or "").split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
