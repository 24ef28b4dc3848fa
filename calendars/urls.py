from django.urls import path

from calendars import views

app_name = "calendars"

urlpatterns = [
    path("icloud/connect/", views.icloud_connect, name="icloud-connect"),
    path("icloud/checks/<int:pk>/", views.icloud_check, name="icloud-check"),
    path("schedule/", views.schedule, name="schedule"),
    path("defaults/", views.defaults, name="defaults"),
]
