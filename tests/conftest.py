"""Shared test set-up: one data build per test process, made before the app is imported.

Each pytest-xdist worker builds the repo's source tables once into its own temporary folder
(about a second) and points DATA_BUILD_DIR and CACHE_DIR there, so tests never depend on a
developer's data/build and never share a cache.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "data" / "src"
_TMP = Path(tempfile.mkdtemp(prefix="ccca-test-"))
os.environ["DATA_BUILD_DIR"] = str(_TMP / "data" / "build")
os.environ["CACHE_DIR"] = str(_TMP / "cache")
os.environ.pop("CACHE_REDIS_URL", None)
os.environ["ENABLE_TILES"] = "0"  # tests never touch the network
os.environ["EXPORT_DIR"] = str(_TMP / "exports")  # export queue and finished files, per worker
os.environ["BACKGROUND_CACHE_DIR"] = str(_TMP / "background")  # the publishing job, per worker
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'app.db'}"  # editing database, per worker
os.environ["SECRET_KEY_FILE"] = str(_TMP / "secret_key")  # the installation key, per worker
# The browser tests drive Dash's pages from the moment they load; on a page with a complete first
# view Dash would otherwise wait for the visitor's first need (services/deferred_dash.py).
# tests/test_deferred_dash.py switches the deferral back on where it tests it.
os.environ["DASH_AT_LOAD"] = "1"

from domain.build import build  # noqa: E402 - after the per-worker environment above
from domain.queries import load_build  # noqa: E402 - after the per-worker environment above

build(SRC, _TMP / "data" / "build")


def pytest_setup_options():
    """Extra Chromium flags for dash_duo: no background traffic to outside hosts."""
    options = Options()
    for arg in (
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--window-size=1366,900",
        "--lang=ru-RU",
    ):
        options.add_argument(arg)
    return options


def pytest_sessionfinish(session, exitstatus):
    from services import export_queue

    export_queue.shutdown()  # export workers started by a browser test, before their folder goes
    shutil.rmtree(_TMP, ignore_errors=True)


@pytest.fixture(scope="session")
def built_data():
    """The BuildData every test reads (built once per worker)."""
    return load_build(Path(os.environ["DATA_BUILD_DIR"]))


@pytest.fixture()
def src_copy(tmp_path: Path) -> Path:
    """A private copy of the source tables that a test may break or extend."""
    dst = tmp_path / "src"
    shutil.copytree(SRC, dst)
    return dst


@pytest.fixture(scope="session")
def dash_app():
    """The Dash app, imported after the environment above is set."""
    from app import app

    return app


@pytest.fixture(scope="module")
def client(dash_app):
    """A test client of the app (a test file may define its own), Dash's router filled."""
    client = dash_app.server.test_client()
    client.get("/")  # Dash fills its router at the first request
    return client
