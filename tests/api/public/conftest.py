from tests.public_api import fresh_public_cache
from tests.ratelimits import fresh_rate_limits

__all__ = ["fresh_public_cache", "fresh_rate_limits"]
