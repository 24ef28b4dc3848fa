"""REST API v1: the resources, the OpenAPI schema and the docs page."""

from django.urls import URLPattern, URLResolver, path, re_path
from rest_framework.routers import SimpleRouter

from api.problems import not_found
from api.views import docs, sdk_downloads
from api.views.customers import CustomerViewSet
from api.views.documents import CreditNoteViewSet, InvoiceViewSet, PaymentViewSet
from api.views.equipment import EquipmentViewSet
from api.views.projects import ProjectViewSet
from api.views.quotes import QuoteViewSet
from api.views.reference import IncomeCategoryViewSet, TaxCategoryViewSet
from api.views.webhooks import EventTypeViewSet, WebhookEndpointViewSet

app_name = "api"

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("projects", ProjectViewSet, basename="project")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("credit-notes", CreditNoteViewSet, basename="credit-note")
router.register("payments", PaymentViewSet, basename="payment")
router.register("tax-categories", TaxCategoryViewSet, basename="tax-category")
router.register("income-categories", IncomeCategoryViewSet, basename="income-category")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("event-types", EventTypeViewSet, basename="event-type")

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", docs.schema, name="schema"),
    path("docs/", docs.docs_page, name="docs"),
    path("docs/sdks/<str:filename>", sdk_downloads.download, name="sdk-download"),
    *router.urls,
    # Anything else under /api/v1/ is a problem+json 404, not the site's HTML page.
    re_path(r"^[\s\S]*$", not_found),  # [\s\S]: paths may hold newlines too
]
