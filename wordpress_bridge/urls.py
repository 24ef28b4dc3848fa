from django.urls import path

from wordpress_bridge import item_views, views

app_name = "wordpress_bridge"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("key/", views.website_key, name="key"),
    path("domains/", views.add_origin, name="add_origin"),
    path("domains/<int:pk>/remove/", views.remove_origin, name="remove_origin"),
    path("categories/", views.shown_categories, name="shown_categories"),
    path("categories/<int:pk>/", item_views.category_items, name="category_items"),
    path("mode/", views.display_mode, name="display_mode"),
    path("plugin/download/", views.download_plugin, name="download_plugin"),
]
