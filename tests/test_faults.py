"""Faults with real servers on loopback (no mocks): Redis stopped and restarted under the cache,
a throwaway PostgreSQL cluster stopped and started under the app (never the shared cluster), a
data build killed half-way or a table corrupted on disk, and 100 concurrent conflicting saves
against SQLite and PostgreSQL. The scale-out stack (nginx, two instances, an instance killed under
load) is in tests/test_stack.py."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

import flask
import pytest
from flask_caching import Cache
from sqlalchemy import text

from domain.actions import state_of
from domain.build import build
from i18n import t
from services import auth, data_access, db
from tests import dash_http as h
from tests.servers import PostgresCluster, RedisServer, wait_for

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("TEST_DATABASE_URL")


# --- Redis -----------------------------------------------------------------------------------------


def test_redis_outage_falls_back_to_the_file_cache_and_recovers(tmp_path, caplog):
    import redis

    server = RedisServer(tmp_path).start()
    app = flask.Flask("redis-outage")
    cache = Cache(
        app,
        config={
            "CACHE_TYPE": "services.resilient_cache.ResilientRedisCache",
            "CACHE_REDIS_URL": server.url + "/0",
            "CACHE_DIR": str(tmp_path / "files"),
            "CACHE_DEFAULT_TIMEOUT": 60,
            "CACHE_KEY_PREFIX": "t:",
            "CACHE_REDIS_RETRY_SECONDS": 0.5,
        },
    )
    calls = []

    @cache.memoize()
    def square(x):
        calls.append(x)
        return x * x

    client = redis.Redis(port=server.port)
    try:
        with app.app_context(), caplog.at_level(logging.INFO, logger="services.resilient_cache"):
            assert [square(2), square(2)] == [4, 4] and calls == [2]
            assert client.dbsize() > 0  # cached in Redis
            server.stop()
            started = time.monotonic()
            assert [square(3) for _ in range(20)] == [9] * 20
            assert calls == [2, 3]  # the file cache answered 19 of them
            assert time.monotonic() - started < 3  # no hanging on a dead Redis
            warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1 and "file cache" in warnings[0].getMessage()
            assert cache.cache.degraded
            server.start()  # same port, empty
            time.sleep(0.6)
            assert square(5) == 25 and not cache.cache.degraded
            assert client.dbsize() > 0  # caching in Redis resumed without a restart
            assert any("resumed" in r.getMessage() for r in caplog.records)
            assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    finally:
        client.close()
        server.stop()


# --- PostgreSQL ------------------------------------------------------------------------------------


@pytest.fixture()
def app_db(dash_app, monkeypatch):
    """Point the app's editing database at another URL for one test (migrated)."""

    def use(url: str):
        monkeypatch.setattr(db, "settings", replace(db.settings, database_url=url))
        db.upgrade(url)
        return db.get_engine(url)

    auth.reset_sign_in_limits()
    yield use
    monkeypatch.undo()  # back to the test database before clearing its sign-in counters
    db.dispose_all()
    auth.reset_sign_in_limits()


def an_action(built_data) -> tuple[str, str, object]:
    """An in-progress action with an actual start (saves that change only the note are valid)."""
    actions = built_data["actions"]
    rows = actions[(actions["status"] == "in_progress") & actions["actual_start"].notna()].sort_values(
        "action_id"
    )
    row = rows.iloc[len(rows) // 3].to_dict()
    return row["action_id"], row["city_id"], state_of(row)


def shown(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_database_outage_public_pages_serve_the_baseline_and_saves_fail_cleanly(
    dash_app, built_data, app_db, capsys
):
    cluster = PostgresCluster().start()
    try:
        engine = app_db(cluster.url)
        action, city, base = an_action(built_data)
        editor = db.create_user(engine, f"pg-editor-{uuid.uuid4().hex[:6]}", h.PASSWORD, "editor", city)
        anon, client = dash_app.server.test_client(), dash_app.server.test_client()
        assert h.sign_in(client, editor.username).headers["Location"].startswith("/admin")

        def save(version, note):
            body = h.note_body(client, action, version, base, note)
            return client.post("/_dash-update-component", json=body)

        assert "updates-unavailable" not in shown(h.route(anon, "/actions", "?lang=en"))
        assert h.message_id(save(0, "before the outage")) == "admin-saved"

        cluster.stop("fast")
        public = []  # every public request made while the database is down
        for lang in ("ru", "en"):
            page = h.route(anon, "/actions", f"?lang={lang}")
            public.append(page.status_code)
            assert page.status_code == 200 and t("ops.updates_unavailable", lang) in shown(page)
        profile = h.route(anon, f"/city/{city}", "?lang=en")
        public.append(profile.status_code)
        assert profile.status_code == 200 and "city-updates-unavailable" in shown(profile)
        for path in ("/", "/compare", "/map", "/trends", "/outlook", "/data", "/glossary", "/login"):
            public += [h.route(anon, path, "?lang=en").status_code, anon.get(path + "?lang=ru").status_code]
        public.append(anon.get("/actions?lang=en").status_code)
        assert public == [200] * len(public)
        refused = save(1, "during the outage")
        assert refused.status_code == 200 and h.message_id(refused) == "admin-refused"
        assert t("auth.refused.unavailable", "en") in shown(refused)
        assert "Traceback" not in refused.get_data(as_text=True)
        other = dash_app.server.test_client()
        login = h.sign_in(other, editor.username, environ_base={"REMOTE_ADDR": "10.77.0.1"})
        assert login.headers["Location"].endswith("error=unavailable")
        assert t("auth.error.unavailable", "ru") in shown(h.route(other, "/login", "?error=unavailable"))
        assert t("auth.refused.unavailable", "en") in shown(h.route(client, "/admin", "?lang=en"))

        cluster.start()
        wait_for(
            lambda: "updates-unavailable" not in shown(h.route(anon, "/actions", "?lang=en")), 20, "recovery"
        )
        again = save(1, "after the outage")
        assert h.message_id(again) == "admin-saved"
        assert "after the outage" in shown(h.route(anon, "/actions", f"?lang=en&action={action}"))
        with engine.connect() as conn:  # two saves, whole: state, history and audit agree
            assert conn.execute(
                text("SELECT version, note FROM action_state WHERE action_id=:a"), {"a": action}
            ).one() == (2, "after the outage")
            assert (
                conn.execute(
                    text("SELECT count(*) FROM action_updates WHERE action_id=:a"), {"a": action}
                ).scalar()
                == 2
            )
            assert (
                conn.execute(
                    text("SELECT count(*) FROM audit_log WHERE action_id=:a"), {"a": action}
                ).scalar()
                == 2
            )
        with capsys.disabled():
            print(
                f"\nPostgreSQL stopped: {len(public)} public requests served, 0 failed (notice shown); "
                "1 save refused in the user's language, nothing written; after restart the next save committed"
            )
    finally:
        db.dispose_all()
        cluster.destroy()


def test_database_killed_during_saves_leaves_no_half_written_save(app_db):
    """Saves in flight when PostgreSQL dies (immediate shutdown) are all-or-nothing."""
    from datetime import date

    from domain.actions import ActionState

    cluster = PostgresCluster().start()
    try:
        engine = app_db(cluster.url)
        base = ActionState("in_progress", 10, date(2026, 1, 5), None, "")
        actions = [f"kill-{i}" for i in range(4)]
        errors, saved = [], [0]
        stop = threading.Event()

        def writer(action_id):
            version = 0
            while not stop.is_set():
                try:
                    result = db.save_update(
                        engine,
                        action_id,
                        version,
                        base,
                        replace(base, note=f"n{version + 1}", progress_pct=10 + (version % 80)),
                        "writer",
                        date(2026, 11, 20),
                    )
                    if result.ok:
                        version, saved[0] = result.version, saved[0] + 1
                except data_access.DATABASE_ERRORS as err:
                    errors.append(type(err).__name__)
                    return

        threads = [threading.Thread(target=writer, args=(a,)) for a in actions]
        for th in threads:
            th.start()
        wait_for(lambda: saved[0] >= 40, 30, "saves")
        cluster.stop("immediate")
        stop.set()
        for th in threads:
            th.join(30)
        db.dispose_all()
        cluster.start()
        engine = db.get_engine(cluster.url)
        with engine.connect() as conn:
            for action_id in actions:
                version = conn.execute(
                    text("SELECT coalesce(max(version), 0) FROM action_state WHERE action_id=:a"),
                    {"a": action_id},
                ).scalar()
                updates = (
                    conn.execute(
                        text("SELECT version FROM action_updates WHERE action_id=:a ORDER BY version"),
                        {"a": action_id},
                    )
                    .scalars()
                    .all()
                )
                audited = set(
                    conn.execute(
                        text("SELECT DISTINCT version FROM audit_log WHERE action_id=:a"), {"a": action_id}
                    ).scalars()
                )
                assert updates == list(range(1, version + 1)), action_id
                assert audited == set(updates), action_id
        assert errors, "the shutdown interrupted the writers"
    finally:
        db.dispose_all()
        cluster.destroy()


# --- 100 concurrent conflicting saves -------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def save_db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'saves.db'}"
        return
    if PG_URL:  # the shared cluster, in a schema of its own
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = db.get_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_URL else "?"
        yield f"{db.normalize_url(PG_URL)}{sep}options=-csearch_path%3D{schema}"
        with db.get_engine(PG_URL).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        db.dispose_all()
        return
    cluster = PostgresCluster().start()
    yield cluster.url
    db.dispose_all()
    cluster.destroy()


def test_100_concurrent_conflicting_saves_from_10_editors(dash_app, built_data, app_db, save_db_url, capsys):
    engine = app_db(save_db_url)
    action, city, base = an_action(built_data)
    tag = uuid.uuid4().hex[:6]
    clients = []
    for i in range(10):
        editor = db.create_user(engine, f"conc-{i}-{tag}", h.PASSWORD, "editor", city)
        client = dash_app.server.test_client()
        assert (
            h.sign_in(client, editor.username, environ_base={"REMOTE_ADDR": f"10.66.0.{i}"}).status_code
            == 303
        )
        clients.append((editor.username, client))
    load_key = h.callback_key(clients[0][1], "admin-status.options")
    barrier = threading.Barrier(10)
    results, lock = [], threading.Lock()

    def editor_run(i, client):
        barrier.wait()
        for j in range(10):
            loaded = h.dash_post(
                client,
                load_key,
                [("admin-action", "value", action), ("admin-reload", "n_clicks", j)],
                [("admin-lang", "data", "en")],
            ).get_json()["response"]
            version = loaded["admin-loaded"]["data"]["version"]
            note = f"save {i}-{j}"
            response = client.post(
                "/_dash-update-component",
                json=h.note_body(client, action, version, base, note),
            )
            outcome = h.message_id(response)
            after = (
                response.get_json()["response"].get("admin-loaded", {}).get("data")
                if outcome == "admin-saved"
                else None
            )
            with lock:
                results.append(
                    {
                        "note": note,
                        "sent": version,
                        "outcome": outcome,
                        "version": after["version"] if after else None,
                    }
                )

    threads = [threading.Thread(target=editor_run, args=(i, c)) for i, (_, c) in enumerate(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    committed = [r for r in results if r["outcome"] == "admin-saved"]
    stale = [r for r in results if r["outcome"] == "admin-conflict"]
    with capsys.disabled():
        print(
            f"\n[{engine.dialect.name}] 100 saves from 10 editors: {len(committed)} committed, "
            f"{len(stale)} refused as stale, {100 - len(committed) - len(stale)} other"
        )
    assert len(results) == 100 and len(committed) + len(stale) == 100
    assert committed and sorted(r["version"] for r in committed) == list(range(1, len(committed) + 1))
    version, state, _ = db.current_state(engine, action, base)
    last = max(committed, key=lambda r: r["version"])
    assert version == len(committed) and state.note == last["note"]
    assert (state.status, state.progress_pct, state.actual_start) == (
        base.status,
        base.progress_pct,
        base.actual_start,
    )
    with engine.connect() as conn:
        audit = conn.execute(
            text("SELECT version, field, new FROM audit_log WHERE action_id=:a ORDER BY version"),
            {"a": action},
        ).all()
        updates = conn.execute(
            text("SELECT count(*) FROM action_updates WHERE action_id=:a"), {"a": action}
        ).scalar()
    assert len(audit) == len(committed) == updates  # exactly one audit entry per committed save
    by_version = {r["version"]: r["note"] for r in committed}
    assert all(field == "note" and new == by_version[v] for v, field, new in audit)


# --- data builds -----------------------------------------------------------------------------------


@pytest.fixture()
def fresh_loader(monkeypatch):
    """data_access with its own build folder and nothing loaded yet (as in a new process)."""

    def use(build_dir: Path):
        monkeypatch.setattr(data_access, "settings", replace(data_access.settings, data_build_dir=build_dir))
        monkeypatch.setattr(data_access, "_loaded", {})
        monkeypatch.setattr(data_access, "_serving", [])
        monkeypatch.setattr(data_access, "_unreadable", {})
        monkeypatch.setattr(data_access, "_unreadable_reason", {})

    return use


def change_a_source(src: Path) -> None:
    path = src / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # new build id, same data


def test_build_killed_half_way_leaves_the_previous_build_serving(src_copy, tmp_path, fresh_loader):
    out = tmp_path / "data" / "build"
    good = build(src_copy, out)
    pointed = os.readlink(out)
    change_a_source(src_copy)
    marker = tmp_path / "half-way"
    script = (
        "import sys, time\nfrom pathlib import Path\nimport pandas as pd\nfrom domain import build as b\n"
        "orig, n = pd.DataFrame.to_parquet, [0]\n"
        "def slow(self, *a, **k):\n"
        "    orig(self, *a, **k); n[0] += 1\n"
        "    if n[0] == 4:\n"
        "        Path(sys.argv[3]).write_text('4 tables written'); time.sleep(120)\n"
        "pd.DataFrame.to_parquet = slow\n"
        "b.build(Path(sys.argv[1]), Path(sys.argv[2]))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(src_copy), str(out), str(marker)], cwd=ROOT)
    try:
        wait_for(marker.exists, 90, "the build to be half-way")
    finally:
        proc.kill()
        proc.wait(30)
    assert os.readlink(out) == pointed
    partial = [p for p in (tmp_path / "data" / "builds").iterdir() if p.name.startswith(".")]
    assert partial and not (partial[0] / "manifest.json").exists()  # left behind, never pointed at
    fresh_loader(out)
    assert data_access.get_data().build_id == good["build_id"]
    newer = build(src_copy, out)  # the next good build replaces it
    assert newer["build_id"] != good["build_id"] and data_access.get_data().build_id == newer["build_id"]


def test_a_table_corrupted_on_disk_keeps_the_previous_build_serving(
    src_copy, tmp_path, fresh_loader, dash_app, caplog
):
    out = tmp_path / "data" / "build"
    first = build(src_copy, out)
    fresh_loader(out)
    assert data_access.get_data().build_id == first["build_id"]
    change_a_source(src_copy)
    second = build(src_copy, out)
    assert second["build_id"] != first["build_id"]
    table = out.resolve() / "indicator_values.parquet"
    table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])  # truncated on disk
    with caplog.at_level(logging.ERROR, logger="services.data_access"):
        assert data_access.get_data().build_id == first["build_id"]
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    client = dash_app.server.test_client()
    for path in ("/", "/data", "/compare"):
        response = h.route(client, path, "?lang=en")
        assert response.status_code == 200 and "Traceback" not in response.get_data(as_text=True)
    fresh_loader(out)  # a new worker process, which never loaded the first build, falls back to it too
    assert data_access.get_data().build_id == first["build_id"]


def test_a_damaged_build_is_recognised_by_its_checksums_and_healthz_says_so(
    src_copy, tmp_path, fresh_loader, dash_app
):
    out = tmp_path / "data" / "build"
    first = build(src_copy, out)
    change_a_source(src_copy)
    second = build(src_copy, out)
    geometry = out.resolve() / "geo" / "countries.geojson"
    geometry.write_bytes(geometry.read_bytes()[:-200])  # truncated: still a file, no longer the build's
    fresh_loader(out)  # a worker restarted after the damage
    assert data_access.get_data().build_id == first["build_id"]
    client = dash_app.server.test_client()
    health = client.get("/healthz").get_json()
    assert health["build"] == first["build_id"] and health["fallback"] is True
    assert "countries.geojson" in health["reason"] and health["unreadable"] == out.resolve().name
    served = client.get("/geo/countries.geojson")
    assert served.status_code == 200 and json.loads(served.data)["features"]  # whole, from the good build
    assert (
        served.data
        == (tmp_path / "data" / "builds")
        .joinpath(
            next(
                p.name
                for p in (tmp_path / "data" / "builds").iterdir()
                if p.name.startswith(first["build_id"])
            )
        )
        .joinpath("geo", "countries.geojson")
        .read_bytes()
    )
    assert second["build_id"] != first["build_id"]


def test_an_unusable_cache_folder_switches_caching_off_with_one_warning(dash_app, caplog):
    backend = data_access.cache.cache
    folder = Path(backend._folder)
    moved = folder.with_name(folder.name + ".moved")
    client = dash_app.server.test_client()
    folder.rename(moved)
    folder.write_text("not a folder")  # e.g. a mistake in deployment: the path is a file
    try:
        with caplog.at_level(logging.INFO):
            for n in range(12):
                answer = h.route(client, "/compare", f"?lang=en&level=dimension&n={n}")
                assert answer.status_code == 200
            health = client.get("/healthz").get_json()
        assert health["cache"] == "off (folder unusable)"
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len([r for r in warnings if "unusable" in r.getMessage()]) == 1
        assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"
    finally:
        folder.unlink()
        moved.rename(folder)
    assert client.get("/healthz").get_json()["cache"] == "file"  # back by itself
    body = h.route_body("/compare", "?lang=en&level=dimension&again=1")
    client.post("/_dash-update-component", json=body)
    assert client.post("/_dash-update-component", json=body).headers.get("X-Callback-Cache") == "hit"
