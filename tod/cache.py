"""Django's Redis cache, with one Redis client per connection pool instead of one per call."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ClientPerPool(RedisCacheClient):
    """Django's client makes a `redis.Redis` for every operation, and a Redis object builds its
    table of a hundred response callbacks as it starts: more CPU than the GET it is made for
    (the session's, on every signed-in page). A Redis object is safe to share between threads,
    and its pool makes new connections after a fork, as before."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool
