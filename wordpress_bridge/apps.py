from django.apps import AppConfig


class WordpressBridgeConfig(AppConfig):
    name = "wordpress_bridge"
    verbose_name = "WordPress website"

    def ready(self) -> None:
        # The public API's cache goes stale on any change that affects its answers.
        from wordpress_bridge import cache_invalidation

        cache_invalidation.connect()
