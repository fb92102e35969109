"""Sendai loss monitor: per-100,000 rates, decade averages, scope rules (a region or country total
is never the city's), B-1's fallback, C-1 against GDP, trends and what is missing."""

from __future__ import annotations

import pandas as pd
import pytest

from domain import losses as ls
from domain.build import read_source_tables, validate_tables
from domain.schemas import DataValidationError
from tests.resilience_fixtures import append_rows

CITY = "fixture-town"


def _event(event_id: str, day: str, context: str = "city", **figures) -> dict:
    return {
        "event_id": event_id,
        "city_id": CITY,
        "start_date": day,
        "hazard_type": "river_flood",
        "context": context,
        "status": "sourced",
        "source_id": "s",
        "deaths": figures.get("deaths"),
        "affected": figures.get("affected"),
        "evacuated": figures.get("evacuated"),
        "damage_usd": figures.get("damage_usd"),
    }


def _loss(
    event_id: str | None, field: str, value: float, scope: str = "city", day: str | None = None
) -> dict:
    return {
        "loss_id": f"{event_id}-{field}-{scope}",
        "event_id": event_id,
        "city_id": CITY,
        "date": day,
        "hazard_type": None if event_id else "river_flood",
        "field": field,
        "value": value,
        "scope": scope,
        "status": "sourced",
        "source_id": "s",
        "note_ru": None,
        "note_en": None,
    }


@pytest.fixture()
def town():
    events = pd.DataFrame(
        [
            _event("e2008", "2008-05-01", deaths=4),  # deaths: city scope (below)
            _event("e2012", "2012-07", evacuated=900),  # region total (below)
            _event(
                "e2016", "2016-04-02", affected=3000, damage_usd=2e6
            ),  # affected city, damage unknown scope
            _event("e2019", "2019", context="regional", deaths=50),  # another place: never the city's, even
            # when its scope row (wrongly) says city
            _event("e2021", "2021-03-03"),  # no figures at all
        ]
    )
    scopes = pd.DataFrame(
        [
            {"event_id": "e2008", "figure": "deaths", "scope": "city", "note_ru": None, "note_en": None},
            {"event_id": "e2012", "figure": "evacuated", "scope": "region", "note_ru": None, "note_en": None},
            {"event_id": "e2016", "figure": "affected", "scope": "city", "note_ru": None, "note_en": None},
            {"event_id": "e2019", "figure": "deaths", "scope": "city", "note_ru": None, "note_en": None},
        ]
    )
    losses = pd.DataFrame(
        [
            _loss("e2008", "missing", 2),
            _loss("e2012", "injured", 10),
            _loss("e2012", "evacuated", 140),
            _loss("e2021", "critical_facilities_damaged", 3),
            _loss(None, "deaths", 1, day="2023-01-15"),
            _loss("e2021", "economic_loss_usd", 5e6, scope="country"),
        ]
    )
    records = ls.loss_records(events, scopes, losses)
    return events, records, ls.city_events(events, records)


def test_records_keep_scope_and_unknown_scope_is_never_the_citys(town):
    _, records, _ = town
    e2016 = records[records["event_id"] == "e2016"].set_index("field")
    assert e2016.at["affected", "scope"] == "city"
    assert e2016.at["economic_loss_usd", "scope"] == ls.UNKNOWN_SCOPE  # no row in event_figure_scopes
    assert set(ls.withheld(records)["scope"]) == {"region", ls.UNKNOWN_SCOPE, "country"}
    assert (ls.city_scope(records)["scope"] == "city").all()


def test_a1_per_100k_per_year_by_decade(town):
    _, records, own = town
    population = 200_000
    first = ls.indicator("a1", CITY, 2005, 2014, records, own, population)
    assert first.value == pytest.approx((4 + 2) / 10 / 200_000 * 100_000)  # 0.3
    assert (first.total, first.events_with_figure, first.events) == (6, 1, 2)
    second = ls.indicator("a1", CITY, 2015, 2024, records, own, population)
    # the regional event's 50 deaths do not count; the dated loss row (1 death, 2023) does
    assert second.value == pytest.approx(1 / 10 / 200_000 * 100_000)
    assert second.events == 3 and second.events_with_figure == 1
    assert ls.trend(first.value, second.value) == "down"


def test_b1_uses_affected_or_injured_plus_evacuated_at_city_scope(town):
    _, records, own = town
    first = ls.indicator("b1", CITY, 2005, 2014, records, own, 100_000)
    assert first.total == 150 and first.value == pytest.approx(
        15.0
    )  # 10 injured + 140 evacuated; 900 is the region's
    second = ls.indicator("b1", CITY, 2015, 2024, records, own, 100_000)
    assert second.total == 3000 and second.value == pytest.approx(300.0)


def test_c1_is_absolute_without_city_gdp_and_relative_with_one(town):
    _, records, own = town
    extra = pd.DataFrame([{**_loss("e2016", "economic_loss_usd", 1e6)}]).drop(columns="loss_id")
    extra["year"], extra["origin"], extra["event_key"] = 2016, "losses", "e2016"
    with_city = pd.concat([records, extra[ls.RECORD_COLUMNS]], ignore_index=True)
    absolute = ls.indicator("c1", CITY, 2015, 2024, with_city, own, 100_000)
    assert (
        absolute.value == pytest.approx(1e5) and not absolute.relative_to_gdp
    )  # the 2e6 of unknown scope is left out
    relative = ls.indicator("c1", CITY, 2015, 2024, with_city, own, 100_000, gdp_usd=1e9)
    assert relative.value == pytest.approx(1e-4) and relative.relative_to_gdp
    values = pd.DataFrame(
        [
            {
                "city_id": CITY,
                "indicator_id": "gdp_per_capita_usd",
                "year": 2024,
                "value": 5000.0,
                "status": "sourced",
                "value_scope": "country",
            }
        ]
    )
    assert ls.city_gdp_usd(values, CITY, 100_000) is None  # national GDP is not the city's
    values.loc[0, "value_scope"] = "city"
    assert ls.city_gdp_usd(values, CITY, 100_000) == pytest.approx(5e8)


def test_no_figure_is_no_data_not_zero(town):
    _, records, own = town
    d1_old = ls.indicator("d1", CITY, 2005, 2014, records, own, 100_000)
    assert d1_old.value is None and d1_old.events == 2
    none = ls.indicator("a1", CITY, 1990, 1999, records, own, 100_000)
    assert none.value is None and none.events == 0
    assert ls.trend(None, 1.0) is None and ls.trend(2.0, 2.0) == "same"
    missing = ls.missing_fields(CITY, records, own, 2015, 2024).set_index("event_id")
    assert "deaths" in missing.at["e2016", "missing"] and "affected" not in missing.at["e2016", "missing"]
    assert "critical_facilities_damaged" not in missing.at["e2021", "missing"]
    assert "e2019" not in missing.index  # not the city's event


def test_real_data_never_counts_a_wider_figure_as_the_citys(built_data):
    records = ls.loss_records(built_data["events"], built_data["event_figure_scopes"], built_data["losses"])
    own = ls.city_events(built_data["events"], records)
    cities = built_data["cities"].set_index("city_id")
    for city in cities.index:
        for start, end in ls.DECADES:
            a1 = ls.indicator("a1", city, start, end, records, own, float(cities.at[city, "population"]))
            keys = own.loc[(own["city_id"] == city) & own["year"].between(start, end), "event_key"]
            mine = records[
                (records["city_id"] == city)
                & records["event_key"].isin(keys)
                & records["field"].isin(["deaths", "missing"])
            ]
            expected = mine.loc[mine["scope"] == "city", "value"].sum()
            assert (a1.total or 0) == pytest.approx(expected)
    summary = ls.summary(records, list(cities.index))
    assert summary.figures == int((records["scope"] == "city").sum())
    assert summary.withheld == int((records["scope"] != "city").sum()) > 0


def test_a_loss_row_must_name_its_events_city(src_copy, built_data):
    events = built_data["events"]
    one = events.iloc[0]
    other = next(c for c in built_data["cities"]["city_id"] if c != one["city_id"])
    append_rows(
        src_copy / "losses.csv",
        [
            {
                "loss_id": "wrong-city",
                "event_id": one["event_id"],
                "city_id": other,
                "field": "deaths",
                "value": "1",
                "scope": "city",
                "status": "sourced",
                "source_id": one["source_id"],
            },
            {
                "loss_id": "no-date",
                "city_id": other,
                "field": "deaths",
                "value": "1",
                "scope": "city",
                "status": "sourced",
                "source_id": one["source_id"],
            },
        ],
    )
    with pytest.raises(DataValidationError) as err:
        validate_tables(read_source_tables(src_copy))
    assert "is not the city of event" in str(err.value) and "needs its own date" in str(err.value)
