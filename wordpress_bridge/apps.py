from django.apps import AppConfig


class WordpressBridgeConfig(AppConfig):
    name = "wordpress_bridge"
    verbose_name = "WordPress website"
