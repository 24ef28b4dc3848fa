from django.urls import path

from status.views import status_page

app_name = "status"
urlpatterns = [path("", status_page, name="page")]
