"""Malformed source tables are rejected with the file, row, column and reason, and the
previous good build keeps serving."""

from __future__ import annotations

import json

import pytest

from domain.build import build
from domain.schemas import DataValidationError
from tests.source_tables import problems_of, read_rows, set_cell, write_rows


def assert_problem(problems, file, row, column, *words):
    matching = [p for p in problems if p.file == file and p.row == row and p.column == column]
    assert matching, f"no problem at {file} row {row} column {column}: {[str(p) for p in problems]}"
    text = str(matching[0]).lower()
    for word in words:
        assert word.lower() in text, text


def test_missing_required_column(src_copy, tmp_path):
    fields, rows = read_rows(src_copy / "cities.csv")
    fields.remove("population")
    for r in rows:
        r.pop("population")
    write_rows(src_copy / "cities.csv", fields, rows)
    assert_problem(problems_of(src_copy, tmp_path), "cities.csv", None, "population", "missing")


def test_duplicate_key(src_copy, tmp_path):
    fields, rows = read_rows(src_copy / "cities.csv")
    rows.append(dict(rows[0]))
    write_rows(src_copy / "cities.csv", fields, rows)
    problems = problems_of(src_copy, tmp_path)
    assert any(p.file == "cities.csv" and p.column == "city_id" and "duplicate" in p.reason for p in problems)


def test_scaling_bounds_reversed(src_copy, tmp_path):
    set_cell(src_copy, "indicators", 0, "lower_bound", "50")
    problems = problems_of(src_copy, tmp_path)
    assert any(
        p.file == "indicators.csv" and "lower_bound must be below upper_bound" in p.reason for p in problems
    )


def test_log_indicator_with_zero_bound(src_copy, tmp_path):
    fields, rows = read_rows(src_copy / "indicators.csv")
    i = next(i for i, r in enumerate(rows) if r["transform"] == "log")
    rows[i]["lower_bound"] = "0"
    write_rows(src_copy / "indicators.csv", fields, rows)
    problems = problems_of(src_copy, tmp_path)
    assert any(p.file == "indicators.csv" and "log-scaled" in p.reason for p in problems)


def test_risk_classes_with_a_gap(src_copy, tmp_path):
    set_cell(src_copy, "risk_classes", 1, "lower", "2.5")
    problems = problems_of(src_copy, tmp_path)
    assert any(p.file == "risk_classes.csv" and "gaps" in p.reason for p in problems)


def test_category_in_the_wrong_dimension(src_copy, tmp_path):
    fields, rows = read_rows(src_copy / "indicators.csv")
    i = next(i for i, r in enumerate(rows) if r["dimension"] == "vulnerability")
    rows[i]["dimension"] = "hazard_exposure"
    write_rows(src_copy / "indicators.csv", fields, rows)
    assert_problem(problems_of(src_copy, tmp_path), "indicators.csv", i + 2, "dimension", "differs")


def test_unreadable_csv_and_missing_file(src_copy, tmp_path):
    (src_copy / "events.csv").write_bytes(b"\xff\xfe\x00broken")
    (src_copy / "sources.csv").unlink()
    problems = problems_of(src_copy, tmp_path)
    files = {p.file: p.reason for p in problems}
    assert "missing" in files["sources.csv"]
    assert "cannot be read" in files["events.csv"]


def test_broken_geometry(src_copy, tmp_path):
    (src_copy / "geo" / "rivers.geojson").write_text("{not json", encoding="utf-8")
    problems = problems_of(src_copy, tmp_path)
    assert problems[0].file == "geo/rivers.geojson" and "json" in problems[0].reason.lower()


def test_failed_build_leaves_the_previous_build(src_copy, tmp_path):
    out = tmp_path / "data" / "build"
    good = build(src_copy, out)
    set_cell(src_copy, "cities", 0, "population", "-5")
    with pytest.raises(DataValidationError):
        build(src_copy, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["build_id"] == good["build_id"]
    assert not [p for p in (tmp_path / "data" / "builds").iterdir() if p.name.startswith(".")]


def test_error_message_names_file_row_and_column(src_copy, tmp_path):
    set_cell(src_copy, "indicator_values", 0, "value", "n/a")
    with pytest.raises(DataValidationError) as info:
        build(src_copy, tmp_path / "b" / "build")
    assert "indicator_values.csv, row 2, column 'value'" in str(info.value)


BAD_CELL_CASES = [  # (table, data row, column, bad value, CSV line reported, words in the reason)
    ("indicator_values", 3, "value", "twelve", 5, ["twelve"]),
    ("cities", 1, "lat", "123.4", 3, ["123.4"]),
    ("indicator_values", 0, "status", "guess", 2, ["guess"]),
    ("indicator_values", 4, "city_id", "atlantis", 6, ["atlantis", "cities.csv"]),
    ("indicator_values", 2, "indicator_id", "happiness", 4, ["happiness"]),
    ("hazards", 0, "level", "extreme", 2, ["extreme"]),
    ("events", 0, "start_date", "06/10/1948", 2, ["06/10/1948"]),
    # tables added since the foundation: action plans, their updates, climate series, projection rules
    ("actions", 0, "progress_pct", "150", 2, ["150", "in_range"]),
    ("actions", 1, "status", "finished", 3, ["finished"]),
    ("actions", 2, "city_id", "atlantis", 4, ["atlantis", "cities.csv"]),
    ("actions", 3, "sendai_target", "z", 5, ["'z'"]),
    ("actions", 4, "mcr2030_essential", "11", 6, ["11"]),
    ("actions", 5, "planned_end", "2020-01-01", 7, ["must not be before planned_start"]),
    ("actions", 6, "hazards", "meteor_strike", 8, ["meteor_strike", "hazard_types.csv"]),
    ("actions", 7, "budget_usd", "-10", 9, ["-10"]),
    ("actions", 8, "planned_start", "31.12.2025", 10, ["31.12.2025"]),
    ("actions", 9, "action_id", "__first__", 11, ["duplicate"]),
    ("actions", 0, "source_id", "no-such-source", 2, ["no-such-source", "sources.csv"]),
    ("actions", 1, "data_status", "guess", 3, ["guess"]),
    ("action_updates", 0, "action_id", "nope-a99", 2, ["nope-a99", "actions.csv"]),
    ("action_updates", 1, "date", "2024-02-30", 3, ["calendar date"]),
    ("action_updates", 2, "progress_pct", "x", 4, ["'x'", "float"]),
    ("action_updates", 3, "status", "done", 5, ["done"]),
    ("climate_series", 0, "scenario", "ssp999", 2, ["ssp999"]),
    ("climate_series", 1, "variable", "humidity", 3, ["humidity"]),
    ("climate_series", 2, "year", "20x5", 4, ["20x5", "int"]),
    ("climate_series", 3, "value", "hot", 5, ["'hot'", "float"]),
    ("climate_series", 4, "city_id", "atlantis", 6, ["atlantis", "cities.csv"]),
    ("climate_series", 5, "status", "rumour", 7, ["rumour"]),
    ("projection_rules", 0, "method", "magic", 2, ["magic"]),
    ("projection_rules", 1, "indicator_id", "no_such_indicator", 3, ["no_such_indicator", "indicators.csv"]),
    ("projection_rules", 0, "driver", "sunspots", 2, ["sunspots"]),
    ("projection_rules", 0, "priority", "first", 2, ["first", "int"]),
    ("projection_rules", 1, "rule_id", "__first__", 3, ["duplicate"]),
]


@pytest.mark.parametrize(
    "table,row,column,value,line,words",
    BAD_CELL_CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in BAD_CELL_CASES],
)
def test_a_malformed_value_is_rejected_with_file_row_column_and_reason(
    src_copy, tmp_path, table, row, column, value, line, words
):
    if not (src_copy / f"{table}.csv").exists():
        pytest.skip(f"{table}.csv is not in this build")
    if value == "__first__":  # a duplicate key: copy the first row's key
        value = read_rows(src_copy / f"{table}.csv")[1][0][column]
    set_cell(src_copy, table, row, column, value)
    assert_problem(problems_of(src_copy, tmp_path), f"{table}.csv", line, column, *words)
