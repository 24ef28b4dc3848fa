"""The Microsoft Graph sandbox under /sandbox/microsoft-graph/: login/... stands for
login.microsoftonline.com, v1.0/... for graph.microsoft.com/v1.0."""

from django.urls import path, re_path

from sandbox.microsoft_graph import console, views
from sandbox.microsoft_graph.identity import server

app_name = "microsoft_graph"
USER = r"(?P<user>me|users/[^/]+)"

urlpatterns = [
    *server.urls(),
    re_path(rf"^v1\.0/{USER}/calendars$", views.calendars, name="calendars"),
    re_path(rf"^v1\.0/{USER}/calendars/(?P<calendar_id>[^/]+)$", views.calendar, name="calendar"),
    re_path(
        rf"^v1\.0/{USER}/calendars/(?P<calendar_id>[^/]+)/events$",
        views.calendar_events,
        name="calendar-events",
    ),
    re_path(rf"^v1\.0/{USER}/(?:calendar/)?events$", views.default_events, name="events"),
    re_path(rf"^v1\.0/{USER}/events/(?P<event_id>[^/]+)$", views.event, name="event"),
    re_path(
        rf"^v1\.0/{USER}/(?:calendar/)?calendarView/(?:microsoft\.graph\.)?delta(?:\(\))?$",
        views.view_delta,
        name="delta",
    ),
    re_path(
        rf"^v1\.0/{USER}/calendars/(?P<calendar_id>[^/]+)/calendarView/(?:microsoft\.graph\.)?delta(?:\(\))?$",
        views.view_delta,
        name="calendar-delta",
    ),
    path("v1.0/subscriptions", views.subscriptions, name="subscriptions"),
    path("v1.0/subscriptions/<str:sub_id>", views.subscription, name="subscription"),
    path(
        "v1.0/subscriptions/<str:sub_id>/reauthorize",
        views.subscription,
        {"action": "reauthorize"},
        name="subscription-reauthorize",
    ),
    path("console/", console.console, name="console"),
]
