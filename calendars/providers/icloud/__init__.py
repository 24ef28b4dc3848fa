"""Apple iCloud calendars over CalDAV (RFC 4791): a one-way push of Patchbay's events.

Facts: shared/reference/caldav-icloud.md; what building it taught: docs/providers/icloud.md.

Modules: ``hosts`` (the URL allow-list, from ``ICLOUD_CALDAV_URL``), ``transport``
(HTTP for one account, typed failures), ``discovery`` (principal, calendar home,
calendars, MKCALENDAR), ``ical`` (EventDraft -> iCalendar), ``events`` (conditional
PUT and DELETE), ``reconcile`` (creates, updates and deletes for one calendar).

The HTTP is plain ``requests``, not the ``caldav`` library: the push depends on the
exact conditional headers (``If-None-Match: *`` on create, ``If-Match`` with the
stored ETag, never ``If-Match: *``) and on each status (412, a PUT without an ETag,
404 on the collection), which caldav's ``save()`` hides (it never sends
``If-None-Match``, and ``no_overwrite`` is a racy client-side check); every
redirect and href must pass the host allow-list, while caldav follows redirects
itself; and caldav 3.x requires niquests, whose urllib3-future replaces the
``urllib3`` package in the virtual environment at start-up, under every other
``requests`` user in Patchbay. The XML is a handful of fixed bodies and a
multistatus reader on defusedxml.
"""
