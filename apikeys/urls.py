from django.urls import include, path

from apikeys import views

app_name = "apikeys"

urlpatterns = [
    path("", views.index, name="index"),
    path("keys/new/", views.key_create, name="key_create"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
    path("keys/<int:pk>/limits/", views.key_limits, name="key_limits"),
    path("", include("webhooks.urls")),
]
