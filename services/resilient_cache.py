"""A flask-caching backend: Redis while it answers, the machine's file cache while it does not.

`CACHE_TYPE = "services.resilient_cache.ResilientRedisCache"` (set by `data_access.cache_config`
when `CACHE_REDIS_URL` is given). Every cache call goes to Redis with short socket timeouts; when
Redis fails, the call is answered by the file-system cache instead (shared by the gunicorn
workers of one machine), ONE warning is logged per outage and process, and Redis is left alone
for `retry_seconds` before the next try. As soon as a try succeeds, caching in Redis resumes (an
info line says so): no restart. Results are keyed by build id (and the database stamp), so
whichever store answers, nobody sees a stale result.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask_caching.backends.base import BaseCache
from flask_caching.backends.filesystemcache import FileSystemCache
from flask_caching.backends.rediscache import RedisCache
from redis import exceptions as redis_errors

log = logging.getLogger(__name__)
FAILURES = (redis_errors.RedisError, OSError)


class ResilientRedisCache(BaseCache):
    """Redis first; the file cache while Redis is unreachable (see the module docstring)."""

    def __init__(self, primary: BaseCache, fallback: BaseCache, retry_seconds: float = 5.0,
                 default_timeout: int = 300):
        super().__init__(default_timeout=default_timeout)
        self.primary, self.fallback, self.retry_seconds = primary, fallback, retry_seconds
        self._down_since: float | None = None
        self._next_try = 0.0
        self._lock = threading.Lock()

    @classmethod
    def factory(cls, app, config: dict, args: list, kwargs: dict[str, Any]) -> "ResilientRedisCache":
        import redis

        timeout = kwargs.get("default_timeout", config.get("CACHE_DEFAULT_TIMEOUT", 300))
        client = redis.from_url(config["CACHE_REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=1.0)
        primary = RedisCache(host=client, default_timeout=timeout, key_prefix=config.get("CACHE_KEY_PREFIX"))
        fallback = FileSystemCache(config["CACHE_DIR"], threshold=config.get("CACHE_THRESHOLD", 2000),
                                   default_timeout=timeout)
        return cls(primary, fallback, float(config.get("CACHE_REDIS_RETRY_SECONDS", 5.0)), timeout)

    @property
    def degraded(self) -> bool:
        """True while calls go to the file cache."""
        return self._down_since is not None

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self._down_since is not None and time.monotonic() < self._next_try:
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            result = getattr(self.primary, name)(*args, **kwargs)
        except FAILURES as err:
            with self._lock:
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    log.warning("Redis cache unavailable (%s); using the file cache until it answers again",
                                str(err).splitlines()[0][:200] if str(err) else type(err).__name__)
                self._next_try = time.monotonic() + self.retry_seconds
            return getattr(self.fallback, name)(*args, **kwargs)
        if self._down_since is not None:
            with self._lock:
                if self._down_since is not None:
                    log.info("Redis cache answers again after %.0f s; caching in Redis resumed",
                             time.monotonic() - self._down_since)
                    self._down_since = None
        return result

    def get(self, key: str) -> Any:
        return self._call("get", key)

    def get_many(self, *keys: str) -> list[Any]:
        return self._call("get_many", *keys)

    def get_dict(self, *keys: str) -> dict[str, Any]:
        return self._call("get_dict", *keys)

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return self._call("set", key, value, timeout=timeout)

    def set_many(self, mapping: dict[str, Any], timeout: int | None = None) -> list[Any]:
        return self._call("set_many", mapping, timeout=timeout)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return self._call("add", key, value, timeout=timeout)

    def delete(self, key: str) -> bool:
        return self._call("delete", key)

    def delete_many(self, *keys: str) -> list[Any]:
        return self._call("delete_many", *keys)

    def has(self, key: str) -> bool:
        return self._call("has", key)

    def clear(self) -> bool:
        return self._call("clear")

    def inc(self, key: str, delta: int = 1) -> Any:
        return self._call("inc", key, delta=delta)

    def dec(self, key: str, delta: int = 1) -> Any:
        return self._call("dec", key, delta=delta)
