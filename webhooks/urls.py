"""Webhook pages, mounted inside the API access pages (settings/api/)."""

from django.urls import path

from webhooks import health_views, log_views, views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/new/", views.endpoint_create, name="endpoint_create"),
    path("webhooks/<int:pk>/", views.endpoint_edit, name="endpoint_edit"),
    path("webhooks/<int:pk>/rotate/", views.endpoint_rotate, name="endpoint_rotate"),
    path("webhooks/<int:pk>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path("webhooks/<int:pk>/test/", views.endpoint_test, name="endpoint_test"),
    path(
        "webhooks/<int:pk>/re-enable/",
        health_views.endpoint_re_enable,
        name="endpoint_re_enable",
    ),
    path("deliveries/", log_views.deliveries, name="deliveries"),
    path("deliveries/<int:pk>/", log_views.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:pk>/resend/", log_views.delivery_resend, name="delivery_resend"),
]
