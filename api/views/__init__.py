"""REST API v1 views: one module per group of resources, all built on ``base.ApiViewSet``."""
