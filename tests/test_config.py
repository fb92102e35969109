"""Configuration from the environment (services/config.py): the signing key of an installation."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.config import installation_secret, load_settings


def test_without_secret_key_every_worker_signs_with_one_key_kept_beside_the_database(tmp_path):
    key_file = tmp_path / "data" / "secret_key"
    env = {"SECRET_KEY_FILE": str(key_file)}
    with ThreadPoolExecutor(8) as pool:  # workers starting together
        keys = set(pool.map(lambda _: load_settings(env).secret_key, range(16)))
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings(env).secret_key == next(iter(keys))  # and after a restart
    assert not [p for p in key_file.parent.iterdir() if p.name != "secret_key"]  # no leftovers
    assert installation_secret(key_file) == next(iter(keys))


def test_a_given_secret_key_wins_and_production_refuses_to_start_without_one(tmp_path):
    key_file = tmp_path / "secret_key"
    assert load_settings({"SECRET_KEY": "x" * 20, "SECRET_KEY_FILE": str(key_file)}).secret_key == "x" * 20
    assert not key_file.exists()
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_settings({"APP_ENV": "production", "SECRET_KEY_FILE": str(key_file)})
