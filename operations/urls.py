from django.urls import path

from operations import views
from operations.views import contracts, customers

app_name = "operations"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/payments/new/", views.payment_create, name="payment_create"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("purchase-orders/", views.purchase_order_list, name="purchase_order_list"),
    path("purchase-orders/new/", views.purchase_order_create, name="purchase_order_create"),
    path("purchase-orders/<int:pk>/", views.purchase_order_detail, name="purchase_order_detail"),
    path(
        "purchase-orders/<int:pk>/approve/",
        views.purchase_order_approve,
        name="purchase_order_approve",
    ),
    path(
        "purchase-orders/<int:pk>/receive/",
        views.purchase_order_receive,
        name="purchase_order_receive",
    ),
    path("purchase-orders/<int:pk>/bill/", views.purchase_order_bill, name="purchase_order_bill"),
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
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/pause/", contracts.contract_pause, name="contract_pause"),
    path("contracts/<int:pk>/resume/", contracts.contract_resume, name="contract_resume"),
    path("contracts/<int:pk>/end/", contracts.contract_end, name="contract_end"),
]
