"""Published sub-national values and population paths in the source tables (issue #16).

These read the built tables; they name no city or country, so they hold when a city is added.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FACTS = ("official_statistics", "institutional", "model_output")
MILLIONS = re.compile(r"([\d.]+) million in (\d{4}), ([\d.]+) million in (\d{4})")


def test_every_ssp_population_factor_matches_the_populations_its_note_states(built_data):
    pop = built_data["ssp_population"]
    assert len(pop), "no population paths"
    for row in pop.itertuples():
        found = MILLIONS.search(str(row.note))
        assert found, f"{row.iso3} {row.scenario} {row.year}: the note gives no populations"
        then, year, base, base_year = float(found[1]), int(found[2]), float(found[3]), int(found[4])
        assert (year, base_year) == (row.year, row.base_year)
        assert row.growth_factor == pytest.approx(then / base, rel=5e-4)


def test_population_paths_cover_every_member_country_and_scenario_from_published_projections(built_data):
    pop, sources = built_data["ssp_population"], built_data["sources"].set_index("source_id")
    countries = set(built_data["cities"]["country_iso3"])
    assert countries <= set(pop["iso3"])
    for _, rows in pop.groupby(["iso3", "scenario"]):
        assert rows["year"].min() <= 2025 and rows["year"].max() >= 2080
    assert (pop["status"] == "sourced").all()
    assert sources.loc[pop["source_id"].unique(), "kind"].isin(FACTS).all()


def test_every_regional_value_rests_on_official_institutional_or_model_data(built_data):
    values = built_data["indicator_values"]
    regional = values[values["value_scope"] == "region"]
    assert len(regional), "no regional values"
    kinds = built_data["sources"].set_index("source_id")["kind"]
    assert kinds.loc[regional["source_id"]].isin(FACTS).all()


def test_the_data_readme_lists_every_source_with_its_kind_licence_and_access_date(built_data):
    readme = (Path(__file__).resolve().parents[1] / "data" / "README.md").read_text(encoding="utf-8")
    listed = {
        m[0]: m[1]
        for m in re.findall(r"^\| `([a-z0-9-]+)` \| ([a-z_]+) \|.*\| \d{4}-\d{2} \|$", readme, re.M)
    }
    sources = built_data["sources"]
    missing = sorted(set(sources["source_id"]) - set(listed))
    assert not missing, f"sources not listed in data/README.md: {missing}"
    assert all(listed[s] == k for s, k in zip(sources["source_id"], sources["kind"]))
