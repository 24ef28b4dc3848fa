from django.urls import path

from accounting import record_views, views

app_name = "accounting"

urlpatterns = [
    path("mappings/", views.mappings, name="mappings"),
    path(
        "connections/<int:pk>/choices/refresh/",
        views.refresh_mapping_choices,
        name="mappings_refresh",
    ),
    path("connections/<int:pk>/sync/", views.sync_now, name="sync_now"),
    path(
        "connections/<int:pk>/records/<str:entity>/<int:local_id>/retry/",
        record_views.retry,
        name="record_retry",
    ),
    path(
        "connections/<int:pk>/records/<str:entity>/<int:local_id>/exclude/",
        record_views.exclude,
        name="record_exclude",
    ),
    path(
        "connections/<int:pk>/records/<str:entity>/<int:local_id>/include/",
        record_views.include,
        name="record_include",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("runs/", views.sync_runs, name="runs"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/resolve/", views.resolve_review, name="resolve_review"),
]
