"""The public availability API's own OpenAPI schema, served at /api/public/v1/schema/.

Separate from /api/v1/schema/: another audience (website builders, the WordPress
plugin), another key type and other limits. Each schema keeps to its own paths
(``api.schema.rest_api_only`` / ``public_api_only``).
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

public_schema = SpectacularJSONAPIView.as_view(
    authentication_classes=[],
    permission_classes=[AllowAny],
    custom_settings={
        "TITLE": "Patchbay public availability API",
        "DESCRIPTION": (
            "What an organisation's website (the Patchbay Availability WordPress plugin) "
            "reads: the categories and items it shows, and their availability in the "
            "organisation's display mode. Authenticate with the website key (pbpk_…)."
        ),
        "VERSION": "1.0.0",
        "SCHEMA_PATH_PREFIX": "/api/public/v1",
        "PREPROCESSING_HOOKS": ["api.schema.public_api_only"],
    },
)
