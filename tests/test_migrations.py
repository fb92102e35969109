"""The migrations build exactly the tables the models declare: a model changed without its
migration (or the reverse) fails here, on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL."""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services import db


def databases(tmp_path) -> list[str]:
    urls = [f"sqlite:///{tmp_path / 'fresh.db'}"]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append(os.environ["TEST_DATABASE_URL"])
    return urls


def differences(url: str) -> list:
    """What alembic's autogenerate would change to make the migrated database match the models."""
    db.upgrade(url)
    engine = db.get_engine(url)
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.Base.metadata)


def test_the_migrated_database_matches_the_models(tmp_path):
    for url in databases(tmp_path):
        assert differences(url) == [], url
    db.dispose_all()


def test_the_comparison_sees_a_column_the_migrations_lack(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    db.upgrade(url)
    with db.get_engine(url).begin() as connection:
        connection.execute(sa.text("ALTER TABLE audit_log ADD COLUMN stray TEXT"))
    found = differences(url)
    db.dispose_all()
    assert any(change[0] == "remove_column" and change[3].name == "stray" for change in found)
