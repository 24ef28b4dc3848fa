"""A local emulator of Intuit's OAuth 2.0 service and the QuickBooks Online Accounting API v3.

Paths, status codes and Fault bodies follow Intuit's, so code tested here works against
https://oauth.platform.intuit.com and https://quickbooks.api.intuit.com. Facts and their
sources: ../shared/reference/quickbooks.md and docs/providers/quickbooks.md.
"""
