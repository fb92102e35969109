"""Storage of the editing feature: migrations, users and password hashes, optimistic locking, the
audit log. Runs against SQLite always, and against PostgreSQL when TEST_DATABASE_URL is set
(`scripts/start_services.sh` prints one); each PostgreSQL test gets its own schema."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, text

from domain.actions import ActionState
from services import db

TODAY = date(2026, 11, 20)
BASE = ActionState("in_progress", 40, date(2026, 1, 10), None, "")
PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        cleanup = None
    else:
        if not PG_URL:
            pytest.skip("TEST_DATABASE_URL is not set (see scripts/start_services.sh)")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = db.get_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{db.normalize_url(PG_URL)}{sep}options=-csearch_path%3D{schema}"

        def cleanup():
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    db.upgrade(url)
    yield db.get_engine(url)
    if cleanup:
        cleanup()
    db.dispose_all()


def test_migrations_make_the_tables_and_run_twice(engine):
    db.upgrade(str(engine.url.render_as_string(hide_password=False)))
    tables = set(inspect(engine).get_table_names())
    assert {"users", "action_state", "action_updates", "audit_log", "alembic_version"} <= tables
    assert db.stamp(engine).startswith("0:0")


def test_users_passwords_are_argon2_hashes(engine):
    account = db.create_user(engine, "focal-a", "correct horse battery", "editor", "city-a")
    assert (
        account.city_id == "city-a"
        and not account.is_admin
        and account.may_edit("city-a")
        and not account.may_edit("city-b")
    )
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert db.authenticate(engine, "focal-a", "correct horse battery") == account
    assert db.authenticate(engine, "FOCAL-A ", "correct horse battery") == account
    assert db.authenticate(engine, "focal-a", "wrong password!") is None
    assert db.authenticate(engine, "nobody", "correct horse battery") is None
    with pytest.raises(ValueError, match="exists"):
        db.create_user(engine, "focal-a", "another long password", "editor", "city-a")
    for args in (
        ("x", "long enough pass", "editor", "city-a"),
        ("ok-name", "short", "editor", "city-a"),
        ("ok-name", "long enough pass", "editor", None),
        ("ok-name", "long enough pass", "admin", "city-a"),
        ("ok-name", "long enough pass", "owner", None),
    ):
        with pytest.raises(ValueError):
            db.create_user(engine, *args)
    admin = db.create_user(engine, "admin", "another long password", "admin")
    assert admin.may_edit("city-a") and admin.may_edit("city-b")
    # A disabled user cannot sign in; a new password changes the session token.
    db.set_active(engine, "focal-a", False)
    assert db.authenticate(engine, "focal-a", "correct horse battery") is None
    assert db.get_account(engine, account.id) is None
    db.set_active(engine, "focal-a", True)
    db.set_password(engine, "focal-a", "a brand new password")
    assert db.get_account(engine, account.id).token != account.token
    assert db.authenticate(engine, "focal-a", "correct horse battery") is None
    assert set(db.list_users(engine)["username"]) == {"focal-a", "admin"}


def test_save_writes_state_history_and_audit(engine):
    proposed = ActionState("delayed", 45, date(2026, 1, 10), None, "rain")
    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    result = db.save_update(engine, "c1-a01", 0, BASE, proposed, "focal-a", TODAY, now=now)
    assert result.ok and result.version == 1
    version, state, meta = db.current_state(engine, "c1-a01", BASE)
    assert (version, state) == (1, proposed) and meta["by"] == "focal-a" and meta["at"] == now
    audit = db.audit_frame(engine).sort_values("field")
    assert [[r.field, r.old if isinstance(r.old, str) else None, r.new] for r in audit.itertuples()] == [
        ["note", None, "rain"],
        ["progress_pct", "40", "45"],
        ["status", "in_progress", "delayed"],
    ]
    assert set(audit["username"]) == {"focal-a"} and set(audit["version"]) == {1}
    updates = db.updates_frame(engine, "c1-a01")
    assert updates[["version", "status", "progress_pct", "note"]].values.tolist() == [
        [1, "delayed", 45, "rain"]
    ]
    assert "updated_by" not in updates  # the public history does not name the user
    states = db.states_frame(engine)
    assert states.loc[0, "actual_start"] == date(2026, 1, 10) and states.loc[0, "version"] == 1
    assert db.stamp(engine).startswith("1:")


def test_stale_version_is_refused_with_the_other_change(engine):
    first = ActionState("in_progress", 60, date(2026, 1, 10), None, "")
    assert db.save_update(engine, "c1-a01", 0, BASE, first, "alice", TODAY).ok
    mine = ActionState("in_progress", 55, date(2026, 1, 10), None, "my note")
    result = db.save_update(engine, "c1-a01", 0, BASE, mine, "bob", TODAY)
    assert not result.ok and result.conflict is not None
    assert result.conflict["by"] == "alice" and result.conflict["version"] == 1
    assert result.conflict["changes"] == {"progress_pct": ("40", "60")}
    # Nothing of the refused save was written.
    assert db.current_state(engine, "c1-a01", BASE)[1] == first
    assert len(db.audit_frame(engine)) == 1 and len(db.updates_frame(engine)) == 1
    # Based on the current version, the same change goes through.
    assert db.save_update(engine, "c1-a01", 1, BASE, mine, "bob", TODAY).version == 2
    # Two saves after the version the editor loaded: both are described, old to newest value.
    db.save_update(
        engine,
        "c1-a01",
        2,
        BASE,
        ActionState("in_progress", 70, date(2026, 1, 10), None, "my note"),
        "alice",
        TODAY,
    )
    stale = db.save_update(engine, "c1-a01", 0, BASE, mine, "carol", TODAY).conflict
    assert stale["version"] == 3 and stale["changes"]["progress_pct"] == ("40", "70")


def test_invalid_update_is_refused_and_nothing_written(engine):
    bad = ActionState("completed", 80, date(2026, 1, 10), None, "")
    result = db.save_update(engine, "c1-a01", 0, BASE, bad, "focal-a", TODAY)
    assert not result.ok and {i.code for i in result.issues} == {"completed_progress", "end_required"}
    assert db.states_frame(engine).empty and db.audit_frame(engine).empty
    done = ActionState("completed", 100, date(2026, 1, 10), date(2026, 11, 1), "")
    assert db.save_update(engine, "c1-a01", 0, BASE, done, "focal-a", TODAY).ok
    reopen = db.save_update(engine, "c1-a01", 1, BASE, BASE, "focal-a", TODAY)
    assert {i.code for i in reopen.issues} == {"final"}


def test_concurrent_saves_of_one_action_let_exactly_one_through(engine):
    """Several editors save from the same version at once: one wins, the others get a conflict."""
    results, barrier = [], threading.Barrier(4)

    def save(n: int) -> None:
        barrier.wait()
        proposed = ActionState("in_progress", 41 + n, date(2026, 1, 10), None, f"editor {n}")
        results.append(db.save_update(engine, "c1-a02", 0, BASE, proposed, f"user{n}", TODAY))

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(r.ok for r in results) == 1
    assert all(r.conflict is not None for r in results if not r.ok)
    assert db.current_state(engine, "c1-a02", BASE)[0] == 1
    assert len(db.updates_frame(engine, "c1-a02")) == 1
