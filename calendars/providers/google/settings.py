"""Google Calendar's settings with their defaults, by setting name (see
accounting/providers/sage/settings.py for how config/settings/ reads them).

SERVICE in every profile: Google's endpoints
(https://developers.google.com/identity/protocols/oauth2/web-server,
https://developers.google.com/workspace/calendar/api/v3/reference); production's
client id and secret come from the OAuth client registered in Google Cloud.
SANDBOX in development and tests: the emulator in sandbox/google_calendar/.
GOOGLE_CALENDAR_PUSH_URL is the public base URL Google's push channels call back
(Google needs HTTPS with a trusted certificate); empty: PUBLIC_BASE_URL.
"""

SERVICE = {
    "GOOGLE_CALENDAR_AUTHORIZE_URL": "https://accounts.google.com/o/oauth2/v2/auth",
    "GOOGLE_CALENDAR_TOKEN_URL": "https://oauth2.googleapis.com/token",
    "GOOGLE_CALENDAR_REVOKE_URL": "https://oauth2.googleapis.com/revoke",
    "GOOGLE_CALENDAR_API_BASE": "https://www.googleapis.com/calendar/v3",
    "GOOGLE_CALENDAR_CLIENT_ID": "",
    "GOOGLE_CALENDAR_CLIENT_SECRET": "",
    "GOOGLE_CALENDAR_PUSH_URL": "",
}

SANDBOX = {
    "GOOGLE_CALENDAR_AUTHORIZE_URL": "{PUBLIC_BASE_URL}/sandbox/google-calendar/o/oauth2/v2/auth",
    "GOOGLE_CALENDAR_TOKEN_URL": "{PUBLIC_BASE_URL}/sandbox/google-calendar/token",
    "GOOGLE_CALENDAR_REVOKE_URL": "{PUBLIC_BASE_URL}/sandbox/google-calendar/revoke",
    "GOOGLE_CALENDAR_API_BASE": "{PUBLIC_BASE_URL}/sandbox/google-calendar/calendar/v3",
    "GOOGLE_CALENDAR_CLIENT_ID": "patchbay-sandbox.apps.googleusercontent.test",
    "GOOGLE_CALENDAR_CLIENT_SECRET": "google-sandbox-secret-not-for-production",
    "GOOGLE_CALENDAR_PUSH_URL": "",
}
