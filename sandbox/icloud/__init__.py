"""iCloud's stand-in: a real Radicale CalDAV server behind a thin iCloud fault layer.

Radicale gives real CalDAV semantics (ETags, 412s, MKCALENDAR, UIDs); ``faults``
adds what iCloud does differently (see shared/reference/caldav-icloud.md §10).
``server.ICloudSandbox`` runs both in a thread for tests; ``python -m sandbox.icloud
--port N --storage DIR`` runs them for ``make run``.
"""
