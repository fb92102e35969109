"""Configuration from environment variables with safe defaults (documented in the README)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    """Settings read once at start-up."""

    app_env: str
    secret_key: str
    data_build_dir: Path
    cache_redis_url: str | None
    cache_dir: Path
    cache_timeout: int
    enable_tiles: bool
    # Editing (services/db.py, services/auth.py): database, and sign-in rate limits (Flask-Limiter).
    database_url: str = f"sqlite:///{ROOT / '.data' / 'app.db'}"
    ratelimit_storage_uri: str = "memory://"
    login_rate_limit: str = "5 per minute;20 per hour"
    session_hours: int = 8
    # Security (services/security.py, services/auth.py): idle sign-out, proxies trusted for X-Forwarded-*.
    session_idle_minutes: int = 30
    trusted_proxies: int = 0
    # Whole answers of public callbacks cached by request, build and database stamp (services/callback_cache.py).
    callback_cache: bool = True
    # Public pages' first view as HTML in the index page (services/first_view.py); FIRST_VIEW=0 sends Dash's plain entry.
    first_view: bool = True
    # Complete first views start Dash's scripts at the visitor's first need (services/deferred_dash.py); DASH_AT_LOAD=1 at load.
    dash_at_load: bool = False
    # Exports (services/export_queue.py): pool processes per web process, jobs at once, per client.
    export_dir: Path = ROOT / ".cache" / "exports"
    export_workers: int = 1
    export_workers_at_boot: bool = True
    export_slots: int = 1
    export_queue_limit: int = 4
    export_client_limit: int = 1
    # Request bodies larger than this are refused with 413 (services/request_guard.py).
    max_body_bytes: int = 8 * 1024 * 1024
    # Open-data API (services/api.py): requests per client address (Flask-Limiter syntax).
    api_rate_limit: str = "600 per minute"

    @property
    def production(self) -> bool:
        return self.app_env == "production"


def installation_secret(path: Path) -> str:
    """The key kept in `path` (mode 0600), made once per installation: every worker and restart
    signs with the same key. Created atomically, so workers starting together agree on one."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    try:
        os.link(candidate, path)  # fails if another worker made the key first: theirs is kept
    except FileExistsError:
        pass
    finally:
        candidate.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read the environment; refuse to run in production without a SECRET_KEY."""
    env = dict(os.environ if env is None else env)
    app_env = env.get("APP_ENV", "development").strip().lower()
    secret = env.get("SECRET_KEY", "")
    if app_env == "production" and len(secret) < 16:
        raise RuntimeError("APP_ENV=production needs SECRET_KEY (at least 16 characters)")
    if not secret:
        secret = installation_secret(Path(env.get("SECRET_KEY_FILE") or ROOT / ".data" / "secret_key"))
    return Settings(
        app_env=app_env,
        secret_key=secret,
        data_build_dir=Path(env.get("DATA_BUILD_DIR", ROOT / "data" / "build")),
        cache_redis_url=env.get("CACHE_REDIS_URL") or None,
        cache_dir=Path(env.get("CACHE_DIR", ROOT / ".cache" / "flask")),
        cache_timeout=int(env.get("CACHE_TIMEOUT", "3600")),
        enable_tiles=env.get("ENABLE_TILES", "1") not in ("0", "false", "no"),
        database_url=env.get("DATABASE_URL") or f"sqlite:///{ROOT / '.data' / 'app.db'}",
        ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI") or "memory://",
        login_rate_limit=env.get("LOGIN_RATE_LIMIT") or "5 per minute;20 per hour",
        session_hours=int(env.get("SESSION_HOURS", "8")),
        session_idle_minutes=int(env.get("SESSION_IDLE_MINUTES", "30")),
        trusted_proxies=int(env.get("TRUSTED_PROXIES", "0") or 0),
        callback_cache=env.get("CALLBACK_CACHE", "1") not in ("0", "false", "no"),
        first_view=env.get("FIRST_VIEW", "1") not in ("0", "false", "no"),
        dash_at_load=env.get("DASH_AT_LOAD", "0") not in ("0", "false", "no", ""),
        export_dir=Path(env.get("EXPORT_DIR") or ROOT / ".cache" / "exports"),
        export_workers=max(1, int(env.get("EXPORT_WORKERS", "1") or 1)),
        export_workers_at_boot=env.get("EXPORT_WORKERS_AT_BOOT", "1") not in ("0", "false", "no"),
        export_slots=max(1, int(env.get("EXPORT_SLOTS") or max(1, (os.cpu_count() or 2) // 2))),
        export_queue_limit=max(1, int(env.get("EXPORT_QUEUE_LIMIT", "4") or 4)),
        export_client_limit=max(1, int(env.get("EXPORT_CLIENT_LIMIT", "1") or 1)),
        max_body_bytes=max(65536, int(env.get("MAX_BODY_BYTES", str(8 * 1024 * 1024)) or 0)),
        api_rate_limit=env.get("API_RATE_LIMIT") or "600 per minute",
    )


settings = load_settings()
