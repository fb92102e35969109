"""The worker warm-up: loads the build and plotly's code, and never stops a worker from starting."""

from __future__ import annotations

import logging

from components.charts import preload_figure_code
from services import data_access, warmup


def test_warm_up_loads_the_build_and_the_figure_code(built_data):
    seconds = warmup.warm_worker(preload_figure_code)
    assert set(seconds) == {"data build", "figure code"} and all(v >= 0 for v in seconds.values())
    assert data_access.get_data().build_id == built_data.build_id


def test_a_missing_build_is_a_warning_not_a_crash(monkeypatch, caplog):
    def missing():
        raise FileNotFoundError("no data build at /nowhere: run `make data`")

    monkeypatch.setattr(data_access, "get_data", missing)
    with caplog.at_level(logging.WARNING, logger="services.warmup"):
        seconds = warmup.warm_worker(preload_figure_code)
    assert "data build" not in seconds and "figure code" in seconds
    assert any("no data build" in r.getMessage() for r in caplog.records)
