"""The emulator core every provider sandbox is built on.

An OAuth 2.0 authorisation server (authorize URL, sign-in and consent pages, codes, the
token endpoint with refresh-token rotation, revocation, PKCE, client authentication), the
API gate every emulated API call passes (faults, Bearer token, rate-limit windows counted
from recorded calls, the call record), the console's scaffolding, fault injection, and
read-only views for tests. A provider package declares only what differs: its paths,
lifetimes, scopes, error shapes and its data. See sandbox/README.md.
"""
