"""Intuit's OAuth scopes. https://intuit.github.io/QuickBooks-V3-PHP-SDK/authorization.html"""

from __future__ import annotations

ACCOUNTING = "com.intuit.quickbooks.accounting"
PAYMENT = "com.intuit.quickbooks.payment"
OPENID = "openid"

KNOWN = {
    ACCOUNTING: "Read and write your QuickBooks company data",
    PAYMENT: "Process payments (QuickBooks Payments)",
    OPENID: "Know who you are",
    "profile": "See your name",
    "email": "See your email address",
    "phone": "See your phone number",
    "address": "See your address",
}
