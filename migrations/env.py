"""Alembic environment: the database URL comes from the app's settings (DATABASE_URL).

Called from the command line (`alembic upgrade head`) or from `services.db.upgrade()`, which
passes its own connection (so it can hold a lock while migrating).
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from services.config import settings
from services.db import Base, normalize_url

config = context.config
target_metadata = Base.metadata


def url() -> str:
    return normalize_url(config.attributes.get("url") or settings.database_url)


def run_offline() -> None:
    context.configure(url=url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    target = url()
    if target.startswith("sqlite:///"):
        from services.db import sqlite_path

        sqlite_path(target).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(target, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
