from django.urls import path

from operations import views

app_name = "operations"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/payments/new/", views.payment_create, name="payment_create"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/<int:pk>/check-out/", views.booking_check_out, name="booking_check_out"),
    path("bookings/<int:pk>/return/", views.booking_return, name="booking_return"),
    path("timesheets/", views.timesheet_mine, name="timesheet_mine"),
    path("timesheets/approvals/", views.timesheet_approvals, name="timesheet_approvals"),
    path("timesheets/<int:pk>/approve/", views.timesheet_approve, name="timesheet_approve"),
    path("timesheets/<int:pk>/reject/", views.timesheet_reject, name="timesheet_reject"),
    path("settings/legal-entities/", views.legal_entity_list, name="legal_entity_list"),
    path(
        "settings/legal-entities/<int:pk>/rename/",
        views.legal_entity_rename,
        name="legal_entity_rename",
    ),
]
