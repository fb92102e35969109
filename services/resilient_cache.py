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

import hashlib
import logging
import os
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

    def __init__(
        self, primary: BaseCache, fallback: BaseCache, retry_seconds: float = 5.0, default_timeout: int = 300
    ):
        super().__init__(default_timeout=default_timeout)
        self.primary, self.fallback, self.retry_seconds = primary, fallback, retry_seconds
        self._down_since: float | None = None
        self._next_try = 0.0
        self._lock = threading.Lock()

    @classmethod
    def factory(cls, app, config: dict, args: list, kwargs: dict[str, Any]) -> ResilientRedisCache:
        import redis  # about 0.6 s to import (python -X importtime), paid only where Redis is configured

        timeout = kwargs.get("default_timeout", config.get("CACHE_DEFAULT_TIMEOUT", 300))
        client = redis.from_url(config["CACHE_REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=1.0)
        primary = RedisCache(host=client, default_timeout=timeout, key_prefix=config.get("CACHE_KEY_PREFIX"))
        fallback = GuardedFileSystemCache(
            config["CACHE_DIR"], threshold=config.get("CACHE_THRESHOLD", 2000), default_timeout=timeout
        )
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
                    log.warning(
                        "Redis cache unavailable (%s); using the file cache until it answers again",
                        str(err).splitlines()[0][:200] if str(err) else type(err).__name__,
                    )
                self._next_try = time.monotonic() + self.retry_seconds
            return getattr(self.fallback, name)(*args, **kwargs)
        if self._down_since is not None:
            with self._lock:
                if self._down_since is not None:
                    log.info(
                        "Redis cache answers again after %.0f s; caching in Redis resumed",
                        time.monotonic() - self._down_since,
                    )
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


class GuardedFileSystemCache(FileSystemCache):
    """The file-system cache, switched off while its folder is unusable.

    Without this, every call on a folder that cannot be written logs a traceback (about 12 kB per
    request) and slows every answer. Each call first checks the folder (one `os.access`); while it
    is unusable, reads miss and writes are dropped, ONE warning is logged per outage and process,
    and `/healthz` reports the cache as off. Caching resumes by itself when the folder is usable.
    """

    def __init__(self, cache_dir: str, *args: Any, **kwargs: Any):
        self._folder = cache_dir
        self._unusable_since: float | None = None
        self._guard_lock = threading.Lock()
        try:
            super().__init__(cache_dir, *args, **kwargs)
        except OSError as err:  # the folder cannot even be made: start switched off
            BaseCache.__init__(self, default_timeout=kwargs.get("default_timeout", 300))
            self._path, self._threshold, self._mode = cache_dir, kwargs.get("threshold", 500), 0o600
            self._hash_method = hashlib.md5
            self._note_unusable(err)

    @classmethod
    def factory(cls, app, config: dict, args: list, kwargs: dict[str, Any]) -> GuardedFileSystemCache:
        kwargs.update(
            {
                "threshold": config.get("CACHE_THRESHOLD", 500),
                "default_timeout": config.get("CACHE_DEFAULT_TIMEOUT", 300),
            }
        )
        return cls(config["CACHE_DIR"], **kwargs)

    @property
    def degraded(self) -> bool:
        """True while the folder is unusable (the cache is off)."""
        return self._unusable_since is not None

    def _note_unusable(self, err: object) -> None:
        with self._guard_lock:
            if self._unusable_since is None:
                self._unusable_since = time.monotonic()
                log.warning(
                    "cache folder %s unusable (%s); caching is off until it is usable again",
                    self._folder,
                    err,
                )

    def usable(self) -> bool:
        """Whether the folder can be read and written now (notes an outage and its end)."""
        ok = os.path.isdir(self._folder) and os.access(self._folder, os.R_OK | os.W_OK | os.X_OK)
        if not ok:
            self._note_unusable("not a writable folder")
        elif self._unusable_since is not None:
            with self._guard_lock:
                if self._unusable_since is not None:
                    log.info(
                        "cache folder %s usable again after %.0f s; caching resumed",
                        self._folder,
                        time.monotonic() - self._unusable_since,
                    )
                    self._unusable_since = None
        return ok

    def get(self, key: str) -> Any:
        return super().get(key) if self.usable() else None

    def set(self, key: str, value: Any, timeout: int | None = None, mgmt_element: bool = False) -> bool:
        return super().set(key, value, timeout=timeout, mgmt_element=mgmt_element) if self.usable() else False

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return super().add(key, value, timeout=timeout) if self.usable() else False

    def delete(self, key: str, mgmt_element: bool = False) -> bool:
        return super().delete(key, mgmt_element=mgmt_element) if self.usable() else False

    def has(self, key: str) -> bool:
        return super().has(key) if self.usable() else False

    def clear(self) -> bool:
        return super().clear() if self.usable() else False
