"""Xero's webhooks, sent by the sandbox: what Xero's side does when contacts, invoices and
credit notes change in an organisation connected to an app with a webhook subscription.

Its own Django app (label `sandbox_xero_webhooks`, own migrations). `events.record` is
called by every write that stamps records (the API and the bookkeeper helpers);
`sender` batches, signs (`x-xero-signature`) and delivers after commit, retrying with
back-off and disabling the subscription after a day of failures; `intent` runs the
intent-to-receive check that must pass before anything is sent.
https://developer.xero.com/documentation/guides/webhooks/overview/
"""
