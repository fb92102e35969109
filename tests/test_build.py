"""The build: manifest and content hash, reproducibility, and fixed-bound scaling across cities."""

from __future__ import annotations

import csv
import json

import pandas as pd

from domain.build import build, source_hash
from domain.queries import load_build


def test_manifest_and_hash(src_copy, tmp_path):
    manifest = build(src_copy, tmp_path / "build")
    saved = json.loads((tmp_path / "build" / "manifest.json").read_text())
    assert saved["build_id"] == manifest["build_id"] == source_hash(src_copy)
    assert saved["cities"] >= 5 and saved["indicators"] >= 20
    assert {"risk", "indicator_values", "geo/countries"} <= set(saved["files"])


def test_same_sources_same_hash_and_changed_sources_new_hash(src_copy):
    first = source_hash(src_copy)
    assert source_hash(src_copy) == first
    with (src_copy / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write("extra-source,Extra,,2020,,,\n")
    assert source_hash(src_copy) != first


def test_at_least_twenty_indicators_in_all_three_dimensions(built_data):
    counts = built_data["indicators"]["dimension"].value_counts()
    assert set(counts.index) == {"hazard_exposure", "vulnerability", "lack_of_coping_capacity"}
    assert counts.sum() >= 20 and (counts >= 5).all()


def test_every_value_has_status_and_known_source(built_data):
    values = built_data["indicator_values"]
    assert values["status"].isin(["sourced", "estimated", "illustrative"]).all()
    assert values["source_id"].isin(built_data["sources"]["source_id"]).all()


def test_adding_a_city_does_not_change_other_scores(src_copy, tmp_path):
    before = load_build_of(src_copy, tmp_path / "a")
    with (src_copy / "cities.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0].keys())
    new = dict(rows[0], city_id="newtown", name_ru="Новгород-тест", name_en="Newtown", population="500000")
    with (src_copy / "cities.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=fields).writerow(new)
    with (src_copy / "sources.csv").open(encoding="utf-8") as fh:
        src_row = next(csv.DictReader(fh))["source_id"]
    with (src_copy / "indicator_values.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"newtown,seismic_intensity_msk64,2025,10,illustrative,{src_row},city,test\n")
        fh.write(f"newtown,gdp_per_capita_usd,2024,400,illustrative,{src_row},city,test\n")
    after = load_build_of(src_copy, tmp_path / "b")
    old = before["indicator_scores"].set_index(["city_id", "indicator_id"])["score"]
    new_scores = after["indicator_scores"].set_index(["city_id", "indicator_id"])["score"]
    pd.testing.assert_series_equal(old, new_scores.loc[old.index])
    assert "newtown" in set(after["risk"]["city_id"])


def load_build_of(src, folder):
    build(src, folder / "build")
    return load_build(folder / "build")
