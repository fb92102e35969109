"""Value scopes, source kinds and hazard levels from published figures (domain/provenance.py, the build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from components.badges import status_badge
from domain.build import build, read_source_tables, validate_tables
from domain.provenance import NOT_ASSESSED, level_from_basis, scope_counts
from domain.schemas import DataValidationError

SRC = Path(__file__).resolve().parents[1] / "data" / "src"


def test_scope_counts_count_city_region_and_country_apart_on_latest_values():
    values = pd.DataFrame(
        {
            "city_id": ["a", "a", "a", "a", "b"],
            "indicator_id": ["hdi", "hdi", "gini", "pop", "hdi"],
            "year": [2020, 2022, 2021, 2021, 2022],
            "value_scope": ["country", "region", "country", "city", "country"],
        }
    )
    counts = scope_counts(values, ["a", "b", "c"]).set_index("city_id")
    assert counts.loc["a", ["city", "region", "country", "total"]].tolist() == [
        1,
        1,
        1,
        3,
    ]  # hdi 2022 replaces 2020
    assert counts.loc["a", "national_share"] == pytest.approx(1 / 3)
    assert counts.loc["b", "national_share"] == 1.0
    assert counts.loc["c", "total"] == 0 and pd.isna(counts.loc["c", "national_share"])


def test_threshold_rule_turns_a_basis_figure_into_a_level():
    rules = pd.DataFrame(
        {
            "metric": ["m"] * 4,
            "level": ["high", "medium", "low", "very_low"],
            "lower": [8, 7, 6, None],
            "upper": [None, 8, 7, 6],
        }
    )
    assert level_from_basis("m", 9, rules) == "high"
    assert level_from_basis("m", 8, rules) == "high"  # lower bound inclusive
    assert level_from_basis("m", 7.5, rules) == "medium"
    assert level_from_basis("m", 6, rules) == "low"
    assert level_from_basis("m", 3, rules) == "very_low"
    assert level_from_basis("other", 9, rules) is None


def test_the_data_rules_give_every_assessed_level_of_the_data():
    tables = validate_tables(read_source_tables(SRC))
    hz = tables["hazards"]
    assessed = hz[hz["level"] != NOT_ASSESSED]
    assert len(assessed) > 0
    for _, row in assessed.iterrows():
        assert (
            level_from_basis(row["basis_metric"], row["basis_value"], tables["hazard_thresholds"])
            == row["level"]
        )
    kinds = dict(zip(tables["sources"]["source_id"], tables["sources"]["kind"]))
    assert not {kinds[s] for s in assessed["basis_source_id"]} & {"media", "web_reference"}


def _edited_copy(tmp_path: Path, table: str, edit) -> Path:
    src = tmp_path / "src"
    shutil.copytree(SRC, src)
    frame = pd.read_csv(src / f"{table}.csv", dtype=str, keep_default_na=False)
    edit(frame).to_csv(src / f"{table}.csv", index=False, lineterminator="\n")
    return src


def _problems(src: Path, tmp_path: Path) -> str:
    with pytest.raises(DataValidationError) as err:
        build(src, tmp_path / "data" / "build")
    return str(err.value)


def test_build_fails_on_a_sourced_value_without_a_source(tmp_path):
    def edit(v):
        v.loc[v.index[0], "status"] = "sourced"
        v.loc[v.index[0], "source_id"] = "coalition-analysis"  # the team's own derivation
        return v

    assert "not 'sourced'" in _problems(_edited_copy(tmp_path, "indicator_values", edit), tmp_path)

    def blank(v):
        v.loc[v.index[0], ["status", "source_id"]] = ["sourced", ""]
        return v

    assert "source_id" in _problems(_edited_copy(tmp_path / "b", "indicator_values", blank), tmp_path / "b")


def test_build_fails_on_a_hazard_level_without_a_basis_figure(tmp_path):
    def edit(h):
        row = h.index[h["level"] != NOT_ASSESSED][0]
        h.loc[row, ["basis_metric", "basis_value", "basis_source_id"]] = ["", "", ""]
        return h

    assert "has no basis figure" in _problems(_edited_copy(tmp_path, "hazards", edit), tmp_path)


def test_build_fails_when_a_level_disagrees_with_its_rule_or_rests_on_media(tmp_path):
    def wrong_level(h):
        row = h.index[h["level"] == "high"][0]
        h.loc[row, "level"] = "low"
        return h

    assert "differs from the rule" in _problems(_edited_copy(tmp_path, "hazards", wrong_level), tmp_path)

    def media(h):
        row = h.index[h["level"] != NOT_ASSESSED][0]
        h.loc[row, "basis_source_id"] = "daryo-2022"
        return h

    assert "never on media" in _problems(_edited_copy(tmp_path / "m", "hazards", media), tmp_path / "m")


def test_build_writes_the_scope_table_it_prints(tmp_path):
    manifest = build(SRC, tmp_path / "data" / "build")
    counts = pd.read_parquet(tmp_path / "data" / "build" / "scope_counts.parquet")
    cities = pd.read_csv(SRC / "cities.csv")
    assert set(counts["city_id"]) == set(cities["city_id"])
    assert (counts["city"] + counts["region"] + counts["country"] == counts["total"]).all()
    assert (
        "region" in manifest["scope_table"] and len(manifest["scope_table"].splitlines()) == len(cities) + 1
    )


def test_a_regional_value_gets_its_own_badge_apart_from_a_national_one():
    def words(badge) -> list[str]:
        return [child.children for child in badge.children]

    assert words(status_badge("sourced", "en", scope="region")) == ["sourced", "regional value"]
    assert words(status_badge("sourced", "en", scope="country")) == ["sourced", "national value"]
    assert words(status_badge("sourced", "en", scope="city")) == ["sourced"]
    assert words(status_badge("estimated", "ru", scope="region"))[1] == "значение региона"
