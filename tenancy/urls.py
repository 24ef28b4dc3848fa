from django.urls import path

from tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("settings/profile/", views.profile, name="profile"),
    path("settings/organisation/switch/", views.switch_organisation, name="switch_organisation"),
]
