"""Google Calendar API v3 in the sandbox (facts: shared/reference/google-calendar.md)."""
