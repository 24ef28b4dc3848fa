"""Google's endpoints under /sandbox/google-calendar/, at Google's own paths:
o/oauth2/v2/auth stands for accounts.google.com, token and revoke for
oauth2.googleapis.com, calendar/v3/* for www.googleapis.com/calendar/v3."""

from django.urls import path

from sandbox.google_calendar import console, views
from sandbox.google_calendar.identity import server

app_name = "google_calendar"

V3 = "calendar/v3"

urlpatterns = [
    *server.urls(),
    path(f"{V3}/users/me/calendarList", views.calendar_list, name="calendar-list"),
    path(f"{V3}/calendars", views.calendars, name="calendars"),
    path(f"{V3}/calendars/<str:calendar_id>", views.calendar, name="calendar"),
    path(f"{V3}/calendars/<str:calendar_id>/events", views.events, name="events"),
    path(f"{V3}/calendars/<str:calendar_id>/events/watch", views.watch, name="watch"),
    path(f"{V3}/calendars/<str:calendar_id>/events/<str:event_id>", views.event, name="event"),
    path(f"{V3}/channels/stop", views.stop_channel, name="stop-channel"),
    path("console/", console.console, name="console"),
]
