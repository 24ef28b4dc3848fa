"""Sage Business Cloud Accounting, API v3.1: https://developer.sage.com/accounting/
(facts in shared/reference/sage.md and docs/providers/sage.md)."""
