"""The scopes the sandbox's Xero knows, and how the consent screen words them.

https://developer.xero.com/documentation/guides/oauth2/auth-flow/
"""

from __future__ import annotations

from dataclasses import dataclass

PLAIN_WORDS: dict[str, str] = {
    "openid": "Confirm who you are",
    "profile": "See your name",
    "email": "See your email address",
    "offline_access": "Stay connected when you are not using the app",
    "accounting.transactions": "View and change your business transactions",
    "accounting.transactions.read": "View your business transactions",
    "accounting.contacts": "View and change your contacts",
    "accounting.contacts.read": "View your contacts",
    "accounting.settings": "View and change your organisation settings",
    "accounting.settings.read": "View your organisation settings",
    "accounting.invoices": "View and change your invoices, credit notes, quotes and items",
    "accounting.invoices.read": "View your invoices, credit notes, quotes and items",
    "accounting.payments": "View and change your payments",
    "accounting.payments.read": "View your payments",
}

# Restricted scopes need Xero to switch them on for the app; otherwise consent
# fails with unauthorized_client (https://github.com/XeroAPI/xero-python-oauth2-app/issues/14).
RESTRICTED = frozenset({"paymentservices"})

# What GET /Organisation needs (the accounting spec's security block for the path).
ORGANISATION_READ = frozenset({"accounting.settings", "accounting.settings.read"})


@dataclass(frozen=True)
class Needs:
    """The scopes that open an endpoint: any one of `read` for GET, of `write` otherwise."""

    read: frozenset[str]
    write: frozenset[str]

    def for_method(self, method: str) -> frozenset[str]:
        return self.read if method == "GET" else self.write


def _needs(*broad: str) -> Needs:
    """Each scope with its .read variant opens GET; the scope itself opens writes."""
    return Needs(
        read=frozenset(broad) | frozenset(f"{scope}.read" for scope in broad),
        write=frozenset(broad),
    )


# The spec's security blocks: accounting.settings for Accounts, TaxRates and Items,
# accounting.contacts for Contacts, accounting.transactions for the rest. Apps made
# from March 2026 get granular scopes instead (accounting.invoices covers invoices,
# credit notes and items; accounting.payments covers payments), so those open the
# same endpoints. https://www.apideck.com/blog/xero-scopes
SETTINGS = _needs("accounting.settings")
ITEMS = _needs("accounting.settings", "accounting.invoices")
CONTACTS = _needs("accounting.contacts")
INVOICES = _needs("accounting.transactions", "accounting.invoices")
PAYMENTS = _needs("accounting.transactions", "accounting.payments")

OFFLINE_ACCESS = "offline_access"
OPENID = "openid"
