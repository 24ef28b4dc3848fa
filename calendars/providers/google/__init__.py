"""Google Calendar, two way: Patchbay's events pushed with deterministic ids, the crew
member's busy time read back with sync tokens, push channels saying when to read.

Facts: shared/reference/google-calendar.md; the vendor's docs are linked where used.
Modules: ``provider`` (OAuth), ``api`` (calls through the audited layer, Google's
errors as the platform's), ``shapes`` (EventDraft <-> Google's JSON, what is busy),
``adapter`` (the CalendarAdapter), ``receiver`` and ``urls`` (push notifications).
"""
