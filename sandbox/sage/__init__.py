"""A local emulator of Sage Business Cloud Accounting: its OAuth 2.0 server and API v3.1.

Paths, status codes and bodies follow Sage's, so a client tested here works against
https://oauth.accounting.sage.com and https://api.accounting.sage.com/v3.1.
"""
