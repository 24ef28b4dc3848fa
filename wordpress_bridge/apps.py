from django.apps import AppConfig


class WordpressBridgeConfig(AppConfig):
    name = "wordpress_bridge"
    verbose_name = "WordPress website"

    def ready(self) -> None:
        from integrations import registry
        from operations import extensions
        from wordpress_bridge import cache_invalidation
        from wordpress_bridge.demo import seed_demo_website
        from wordpress_bridge.registry import ENTRIES

        registry.register(ENTRIES)
        extensions.add_demo_seed(seed_demo_website)
        # The public API's cache goes stale on any change that affects its answers.
        cache_invalidation.connect()
