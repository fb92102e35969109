"""Domain results data_access caches per data build (for /losses and /outlook): the cached answers
are the domain's, a new build is never answered from the old one's, and a build that is not the
one served (a fixture) is computed, not cached."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from domain import actions as act
from domain import compare
from domain import losses as ls
from domain import outlook as ol
from domain.build import build
from domain.queries import load_build
from services import data_access

SHOWN = ("a1", "b1", "c1", "d1", "d5")


@pytest.fixture()
def served(monkeypatch):
    """data_access serving a build folder of the test's own, nothing loaded yet (a new process)."""

    def use(build_dir: Path):
        monkeypatch.setattr(data_access, "settings", replace(data_access.settings, data_build_dir=build_dir))
        monkeypatch.setattr(data_access, "_loaded", {})
        monkeypatch.setattr(data_access, "_serving", [])

    return use


def computed(data, city: str) -> list[ls.IndicatorValue]:
    """The indicators straight from the domain."""
    records = ls.loss_records(data["events"], data["event_figure_scopes"], data["losses"])
    own = ls.city_events(data["events"], records)
    population = float(data["cities"].set_index("city_id").at[city, "population"])
    gdp = ls.city_gdp_usd(data["indicator_values"], city, population)
    return [ls.indicator(i, city, s, e, records, own, population, gdp) for i in SHOWN for s, e in ls.DECADES]


def missing(data, city: str) -> list:
    """Per decade, the city's events without a figure, straight from the domain."""
    records = ls.loss_records(data["events"], data["event_figure_scopes"], data["losses"])
    records = records[records["city_id"] == city]
    own = ls.city_events(data["events"], records)
    return [ls.missing_fields(city, records, own, s, e) for s, e in ls.DECADES]


def same_frames(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x.equals(y) for x, y in zip(a, b))


def city_with_own_losses(src: Path) -> str:
    with open(src / "losses.csv", encoding="utf-8", newline="") as f:
        return next(row["city_id"] for row in csv.DictReader(f) if row["scope"] == "city")


def scale_losses(src: Path, city: str) -> None:
    """Every loss figure of `city` ten times larger and one more: a new build with other indicators."""
    path = src / "losses.csv"
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["city_id"] == city and row["value"]:
            row["value"] = str(float(row["value"]) * 10 + 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_cached_indicators_are_the_domains_and_follow_a_new_build(src_copy, tmp_path, served, dash_app):
    out = tmp_path / "data" / "build"
    build(src_copy, out)
    served(out)
    first = data_access.get_data()
    city = city_with_own_losses(src_copy)
    with dash_app.server.app_context():
        before = data_access.loss_indicators(first, city, SHOWN)
        assert before == computed(first, city)
        assert data_access.loss_indicators(first, city, SHOWN) == before  # from the cache: the same
        scale_losses(src_copy, city)
        build(src_copy, out)
        second = data_access.get_data()
        assert second.build_id != first.build_id
        after = data_access.loss_indicators(second, city, SHOWN)
        assert after == computed(second, city) and after != before
        assert same_frames(data_access.loss_missing_fields(second, city), missing(second, city))
        assert data_access.loss_records(second).equals(
            ls.loss_records(second["events"], second["event_figure_scopes"], second["losses"])
        )


def test_a_build_that_is_not_served_is_computed_from_itself(src_copy, tmp_path, built_data, dash_app):
    city = city_with_own_losses(src_copy)
    scale_losses(src_copy, city)
    build(src_copy, tmp_path / "other")
    other = load_build(tmp_path / "other")
    assert other.build_id != built_data.build_id
    with dash_app.server.app_context():
        assert data_access.loss_indicators(other, city, SHOWN) == computed(other, city)
        assert data_access.loss_indicators(built_data, city, SHOWN) == computed(built_data, city)
        for data in (other, built_data):
            assert same_frames(data_access.loss_missing_fields(data, city), missing(data, city))
        assert computed(other, city) != computed(built_data, city)


def test_outlook_default_city_is_the_first_ranked_of_the_served_build(built_data, dash_app):
    with dash_app.server.app_context():
        expected = ol.first_ranked(ol.project(built_data, compare.default_weights(built_data)))
        assert expected in set(built_data["cities"]["city_id"])
        assert data_access.outlook_first_ranked() == expected


def direct_measures(data, frame, filters: dict, day) -> act.Measures:
    flagged = act.with_flags(act.filter_actions(frame, *data_access.action_filters_key(filters)), day)
    return act.measures(flagged, day, data["cities"]["city_id"])


def same_measures(a: act.Measures, b: act.Measures) -> bool:
    frames = ("frame", "by_city", "priorities", "targets", "mcr_counts", "mcr_progress", "funders")
    return a.summary == b.summary and all(
        getattr(a, f).equals(getattr(b, f)) if getattr(b, f) is not None else getattr(a, f) is None
        for f in frames
    )


def test_action_measures_are_the_domains_and_follow_a_new_build(src_copy, tmp_path, served, dash_app):
    out = tmp_path / "data" / "build"
    build(src_copy, out)
    served(out)
    day = date.today()
    first = data_access.get_data()
    city = first["actions"]["city_id"].iloc[0]
    with dash_app.server.app_context():
        for filters in ({}, {"city": [city]}, {"status": ["nothing-has-this-status"]}):
            got = data_access.action_measures(filters, day)
            assert same_measures(got, direct_measures(first, data_access.actions_current(), filters, day))
        before = data_access.action_measures({"city": [city]}, day)
        path = src_copy / "actions.csv"
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            fields, rows = reader.fieldnames, list(reader)
        for row in rows:
            if row["city_id"] == city and row["budget_usd"]:
                row["budget_usd"] = str(float(row["budget_usd"]) * 2 + 1000)
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        build(src_copy, out)
        second = data_access.get_data()
        assert second.build_id != first.build_id
        after = data_access.action_measures({"city": [city]}, day)
        assert after.summary["budget"] != before.summary["budget"]
        assert same_measures(
            after, direct_measures(second, data_access.actions_current(), {"city": [city]}, day)
        )


def test_catalogue_order_is_kept_with_the_build_and_handed_out_as_a_copy(built_data):
    """domain/build_memo.py: the reading order is sorted once per loaded build; a caller that
    changes its list changes nothing for the next; plain tables are sorted every time."""
    from domain.build_memo import once_per_build

    first = compare.level_items(built_data, "indicator")
    assert "ordered_indicators" in built_data.derived
    first.reverse()
    assert compare.level_items(built_data, "indicator") == list(reversed(first))
    plain = dict(built_data.tables)
    assert compare.level_items(plain, "indicator") == list(reversed(first))
    calls = []
    assert once_per_build(plain, "k", lambda: calls.append(1) or 1) == 1
    assert once_per_build(plain, "k", lambda: calls.append(1) or 1) == 1 and len(calls) == 2
    other = replace(built_data, derived={})
    assert once_per_build(other, "k", lambda: calls.append(1) or 2) == 2
    assert once_per_build(other, "k", lambda: calls.append(1) or 3) == 2 and len(calls) == 3
