"""Xero: https://developer.xero.com/documentation/ (facts in shared/reference/xero.md)."""
