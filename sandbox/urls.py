"""The providers' local emulators, one URL namespace each (sandbox:xero:...)."""

from django.urls import include, path

app_name = "sandbox"

urlpatterns = [
    path("xero/", include("sandbox.xero.urls")),
    path("sage/", include("sandbox.sage.urls")),
    path("quickbooks/", include("sandbox.quickbooks.urls")),
    path("google-calendar/", include("sandbox.google_calendar.urls")),
    path("microsoft-graph/", include("sandbox.microsoft_graph.urls")),
]
