"""Sendai Framework loss monitor per city: loss records from the past-disaster table (each figure
with its scope) and the cities' own loss table, and indicators A-1, B-1, C-1, D-1 by decade.

Only figures whose scope is the city count towards a city's indicators; region or country totals
are listed as withheld. A decade with no figure is "no data" (None), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.resilience_schema import EVENT_FIGURES, LOSS_FIELDS

DECADES: tuple[tuple[int, int], ...] = ((2005, 2014), (2015, 2024))
PER = 100_000
UNKNOWN_SCOPE = "unknown"  # an event figure whose scope nobody has stated: never the city's
# indicator -> the loss fields it adds up
INDICATOR_FIELDS: dict[str, tuple[str, ...]] = {
    "a1": ("deaths", "missing"),
    "b1": ("affected",),
    "c1": ("economic_loss_usd",),
    "d1": ("critical_facilities_damaged",),
    "d5": ("services_disrupted",),
}
PER_CAPITA = ("a1", "b1")
RECORD_COLUMNS = [
    "event_id",
    "event_key",
    "city_id",
    "date",
    "year",
    "hazard_type",
    "field",
    "value",
    "scope",
    "status",
    "source_id",
    "note_ru",
    "note_en",
    "origin",
]


def event_records(events: pd.DataFrame, scopes: pd.DataFrame) -> pd.DataFrame:
    """Every figure of the past-disaster table as a loss record with the scope given for it."""
    scope_of = {
        (e, f): (s, ru, en)
        for e, f, s, ru, en in scopes[["event_id", "figure", "scope", "note_ru", "note_en"]].itertuples(
            index=False
        )
    }
    rows = []
    for ev in events.itertuples(index=False):
        for figure, field in EVENT_FIGURES.items():
            value = getattr(ev, figure, None)
            if value is None or pd.isna(value) or str(value).strip() == "":
                continue
            scope, note_ru, note_en = scope_of.get((ev.event_id, figure), (UNKNOWN_SCOPE, None, None))
            rows.append(
                {
                    "event_id": ev.event_id,
                    "city_id": ev.city_id,
                    "date": ev.start_date,
                    "hazard_type": ev.hazard_type,
                    "field": field,
                    "value": float(value),
                    "scope": scope,
                    "status": ev.status,
                    "source_id": ev.source_id,
                    "note_ru": note_ru,
                    "note_en": note_en,
                    "origin": "events",
                }
            )
    frame = pd.DataFrame(rows, columns=[c for c in RECORD_COLUMNS if c not in ("year", "event_key")])
    return _with_year(frame.assign(event_key=frame["event_id"]))


def loss_records(events: pd.DataFrame, scopes: pd.DataFrame, losses: pd.DataFrame) -> pd.DataFrame:
    """Event figures plus the loss table; a loss row that names an event takes its date and hazard."""
    extra = losses.copy()
    info = events.set_index("event_id")
    named = extra["event_id"].notna() & extra["event_id"].isin(info.index)
    extra.loc[named, "date"] = extra.loc[named, "event_id"].map(info["start_date"])
    extra.loc[named, "hazard_type"] = extra.loc[named, "event_id"].map(info["hazard_type"])
    extra["origin"] = "losses"
    extra["event_key"] = extra["event_id"].where(named, loose_key(extra))
    extra = _with_year(extra.drop(columns=["loss_id"], errors="ignore"))
    both = pd.concat([event_records(events, scopes), extra[RECORD_COLUMNS]], ignore_index=True)
    return both[RECORD_COLUMNS]


def loose_key(frame: pd.DataFrame) -> pd.Series:
    """The key of a loss record that names no event: its city, date and hazard."""
    return (
        "loss:"
        + frame["city_id"].astype(str)
        + ":"
        + frame["date"].astype(str)
        + ":"
        + frame["hazard_type"].fillna("").astype(str)
    )


def _with_year(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["year"] = frame["date"].astype(str).str[:4].astype(int) if len(frame) else pd.Series(dtype=int)
    return frame


def city_events(events: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """The city's own events (`event_key`): events located in the city, and loss records that name no event."""
    own = events[events["context"] == "city"][["event_id", "city_id", "start_date", "hazard_type"]]
    own = own.assign(event_key=own["event_id"], year=own["start_date"].astype(str).str[:4].astype(int))
    loose = records[records["event_id"].isna()]
    loose = loose[["event_id", "event_key", "city_id", "date", "hazard_type", "year"]].rename(
        columns={"date": "start_date"}
    )
    return pd.concat([own, loose.drop_duplicates("event_key")], ignore_index=True)


def city_scope(records: pd.DataFrame) -> pd.DataFrame:
    """Records that are the city's own figures."""
    return records[records["scope"] == "city"]


def withheld(records: pd.DataFrame) -> pd.DataFrame:
    """Records of region, country or unknown scope: never shown as the city's."""
    return records[records["scope"] != "city"]


def directly_affected(city_records: pd.DataFrame) -> pd.DataFrame:
    """Per event: `affected` when reported, otherwise injured plus evacuated (Sendai B-1's 'directly affected')."""
    wide = city_records.pivot_table(
        index=["event_key", "city_id", "year"], columns="field", values="value", aggfunc="sum"
    )
    if wide.empty:
        return pd.DataFrame(columns=["event_key", "city_id", "year", "value"])
    parts = [c for c in ("injured", "evacuated") if c in wide]
    fallback = wide[parts].sum(axis=1, min_count=1) if parts else pd.Series(float("nan"), index=wide.index)
    total = wide["affected"].combine_first(fallback) if "affected" in wide else fallback
    return total.dropna().rename("value").reset_index()


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator for one city and period: the yearly value (per 100,000 or absolute), the total,
    and how many of the city's recorded events in the period report the figure."""

    indicator: str
    city_id: str
    start: int
    end: int
    value: float | None
    total: float | None
    events_with_figure: int
    events: int
    per_100k: bool
    relative_to_gdp: bool = False


def indicator(
    indicator_id: str,
    city_id: str,
    start: int,
    end: int,
    records: pd.DataFrame,
    own_events: pd.DataFrame,
    population: float,
    gdp_usd: float | None = None,
) -> IndicatorValue:
    """Yearly average of a Sendai indicator over [start, end] from city-scope records of the city's
    own events only (an event elsewhere never counts, whatever its figures' scope).

    A-1 and B-1 per 100,000 people; C-1 as a share of GDP when a city GDP is given, else USD;
    D-1 and D-5 as counts. None when no event in the period reports the figure."""
    years = end - start + 1
    in_period = own_events[(own_events["city_id"] == city_id) & own_events["year"].between(start, end)]
    n_events = len(in_period)
    mine = city_scope(records)
    mine = mine[(mine["city_id"] == city_id) & mine["event_key"].isin(in_period["event_key"])]
    if indicator_id == "b1":
        figures = directly_affected(mine)
    else:
        figures = mine[mine["field"].isin(INDICATOR_FIELDS[indicator_id])]
    with_figure = int(figures["event_key"].nunique()) if len(figures) else 0
    if with_figure == 0:
        return IndicatorValue(
            indicator_id, city_id, start, end, None, None, 0, n_events, indicator_id in PER_CAPITA
        )
    total = float(figures["value"].sum())
    value = total / years
    relative = False
    if indicator_id in PER_CAPITA:
        value = value / population * PER
    elif indicator_id == "c1" and gdp_usd:
        value, relative = value / gdp_usd, True
    return IndicatorValue(
        indicator_id,
        city_id,
        start,
        end,
        value,
        total,
        with_figure,
        n_events,
        indicator_id in PER_CAPITA,
        relative,
    )


def trend(before: float | None, after: float | None) -> str | None:
    """'up', 'down' or 'same' from one decade to the next; None when either is missing."""
    if before is None or after is None:
        return None
    if abs(after - before) < 1e-12:
        return "same"
    return "up" if after > before else "down"


def city_gdp_usd(indicator_values: pd.DataFrame, city_id: str, population: float) -> float | None:
    """The city's GDP from a sourced city-scope GDP per capita (latest year); None without one."""
    rows = indicator_values[
        (indicator_values["city_id"] == city_id)
        & (indicator_values["indicator_id"] == "gdp_per_capita_usd")
        & (indicator_values["value_scope"] == "city")
        & (indicator_values["status"] == "sourced")
    ]
    if rows.empty:
        return None
    return float(rows.sort_values("year")["value"].iloc[-1]) * population


def missing_fields(
    city_id: str, records: pd.DataFrame, own_events: pd.DataFrame, start: int, end: int
) -> pd.DataFrame:
    """Per city event in [start, end], the Sendai fields with no city-scope figure."""
    mine = own_events[(own_events["city_id"] == city_id) & own_events["year"].between(start, end)]
    have = city_scope(records).groupby("event_key")["field"].agg(set)
    rows = []
    for ev in mine.sort_values("start_date").itertuples(index=False):
        present = have.get(ev.event_key, set())
        rows.append(
            {
                "event_id": ev.event_key,
                "year": ev.year,
                "missing": [f for f in LOSS_FIELDS if f not in present and f != "evacuated"],
            }
        )
    return pd.DataFrame(rows, columns=["event_id", "year", "missing"])


@dataclass(frozen=True)
class LossSummary:
    """The overview's line: city-scope figures recorded, cities with any, region/country totals withheld."""

    figures: int
    cities_with_figures: int
    cities: int
    withheld: int


def summary(records: pd.DataFrame, city_ids: list[str]) -> LossSummary:
    """Count the city-scope figures and the withheld wider-scope ones, over the given cities."""
    mine = records[records["city_id"].isin(city_ids)]
    own = city_scope(mine)
    return LossSummary(len(own), int(own["city_id"].nunique()), len(city_ids), len(withheld(mine)))
