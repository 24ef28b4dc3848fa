from django.urls import path

from accounting import crew_views, record_views, views

app_name = "accounting"

urlpatterns = [
    path("mappings/", views.mappings, name="mappings"),
    path(
        "connections/<int:pk>/choices/refresh/",
        views.refresh_mapping_choices,
        name="mappings_refresh",
    ),
    path("connections/<int:pk>/crew/", crew_views.crew_mappings, name="crew_mappings"),
    path("connections/<int:pk>/crew/refresh/", crew_views.refresh_crew, name="crew_refresh"),
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
    path("connections/<int:pk>/push-choices/", views.push_choices_page, name="push_choices"),
    path("invoices/<int:pk>/include/", views.include_invoice, name="include_invoice"),
    path("credit-notes/<int:pk>/include/", views.include_credit_note, name="include_credit_note"),
    path("audit/", views.audit_log, name="audit_log"),
    path("runs/", views.sync_runs, name="runs"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/ledger/", views.refresh_ledger, name="ledger_refresh"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/resolve/", views.resolve_review, name="resolve_review"),
]
