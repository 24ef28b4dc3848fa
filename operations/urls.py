from django.urls import path

from operations import views

app_name = "operations"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
]
