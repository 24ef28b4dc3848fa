"""QuickBooks Online: https://developer.intuit.com/app/developer/qbo/docs/ (facts in
shared/reference/quickbooks.md and docs/providers/quickbooks.md)."""
