from django.urls import path

from attention import views

app_name = "attention"

urlpatterns = [
    path("", views.notice_list, name="notices"),
    path("preferences/", views.preferences, name="preferences"),
]
