from django.urls import path

from calendars import account_views, views

app_name = "calendars"

urlpatterns = [
    path("icloud/connect/", views.icloud_connect, name="icloud-connect"),
    path("icloud/checks/<int:pk>/", views.icloud_check, name="icloud-check"),
    path("mine/<int:pk>/", account_views.account, name="account"),
    path("mine/<int:pk>/calendar/", account_views.choose_calendar, name="choose-calendar"),
    path("mine/<int:pk>/preferences/", account_views.preferences, name="preferences"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/assign/", views.assign, name="assign"),
    path("defaults/", views.defaults, name="defaults"),
    path("calls/", views.calls, name="calls"),
]
