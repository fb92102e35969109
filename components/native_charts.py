"""Slide charts as plain chart data for native PowerPoint charts (python-pptx), not pictures.

Each builder takes the same query results as its Plotly twin in `components.slide_charts` and
returns a `ChartSpec`: categories, series with their values, colours and data labels, in the
colours the screen uses (dimension, scenario, status and confidence colours of the components,
risk-class and hazard-level colours kept in the data). `presentation.exports` draws a spec with
python-pptx, so a presenter can restyle the chart in PowerPoint. Horizontal bar charts list their
categories bottom-up, as PowerPoint draws them: the first category is the lowest bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from components.action_views import status_name
from components.charts import DIMENSIONS
from components.resilience_charts import essential_names
from domain.actions import STATUSES as ACTION_STATUSES
from domain.palette import (
    ACCENT,
    ACCENT_PALE,
    CONFIDENCE_COLOURS,
    DECADE_COLOURS,
    DIMENSION_COLOURS,
    GUIDE,
    INK,
    MUTED,
    SCENARIO_COLOURS,
    ZONE_COLOURS,
)
from domain.palette import ACTION_STATUS_COLOURS as STATUS_COLOURS
from domain.scorecard import ESSENTIALS, MAX_SCORE
from i18n import format_number, format_share, t

STABILITY_DARK, STABILITY_LIGHT = ACCENT, ACCENT_PALE  # rank 1 darkest, as the heatmap's high shares


@dataclass(frozen=True)
class Series:
    """One series: a value per category (None: no bar), its colour or one colour per point, and
    the text written on each point (None: the value itself)."""

    name: str
    values: tuple[float | None, ...]
    colour: str = INK
    point_colours: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    dashed: bool = False


@dataclass(frozen=True)
class ChartSpec:
    """A native chart: `kind` is `bar` (clustered), `stacked`, `stacked100` (horizontal bars) or
    `line` (categories along the bottom)."""

    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis_title: str = ""
    value_min: float | None = None
    value_max: float | None = None
    number_format: str = "0.0"
    legend: bool = True
    value_axis_visible: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)  # for the speaker notes


def _values(column: pd.Series) -> tuple[float | None, ...]:
    return tuple(None if pd.isna(v) else float(v) for v in column)


def _number_labels(column: pd.Series, lang: str, digits: int = 1) -> tuple[str, ...]:
    return tuple("" if pd.isna(v) else format_number(float(v), lang, digits) for v in column)


def _rank_label(name: str, low, high, lang: str) -> str:
    if pd.isna(low):
        return name
    key = "confidence.chart_rank" if int(low) == int(high) else "confidence.chart_ranks"
    return f"{name} ({t(key, lang, rank=int(low), low=int(low), high=int(high))})"


def overview_chart(ranked: pd.DataFrame, lang: str) -> ChartSpec:
    """Risk index per city (bar in its risk-class colour), its rank range beside the name and its
    score with the confidence label on the bar; highest risk at the top."""
    df = ranked.dropna(subset=["risk"]).sort_values("risk")
    has_ranks = "rank_low" in df
    names = tuple(
        _rank_label(n, lo, hi, lang) if has_ranks else n
        for n, lo, hi in zip(df["name"], df.get("rank_low", df["name"]), df.get("rank_high", df["name"]))
    )
    colours = tuple(
        c if isinstance(c, str) else GUIDE for c in df.get("colour", pd.Series([GUIDE] * len(df)))
    )
    labels = []
    for risk, level in zip(df["risk"], df.get("confidence", pd.Series([None] * len(df)))):
        text = format_number(float(risk), lang, 1)
        if isinstance(level, str) and level in CONFIDENCE_COLOURS:
            text += " · " + t(f"confidence.level.{level}", lang)
        labels.append(text)
    series = Series(t("index.risk", lang), _values(df["risk"]), INK, colours, tuple(labels))
    return ChartSpec("bar", names, (series,), t("index.score_axis", lang), 0.0, 10.0, legend=False)


def compare_chart(
    table: pd.DataFrame,
    column: str,
    level: str,
    names: dict,
    dimension: str | None,
    axis_title: str,
    lang: str,
) -> ChartSpec:
    """The comparison: risk with its three dimensions per city, or one bar per city for any other level."""
    if level == "risk":
        df = table.dropna(subset=["score"]).sort_values("score")
        cats = tuple(df["city_id"].map(names["city"]).fillna(df["city_id"]))
        series = [
            Series(names["dimension"].get(d, d), _values(df[d]), DIMENSION_COLOURS[d])
            for d in DIMENSIONS
            if d in df
        ]
        series.append(
            Series(t("index.risk", lang), _values(df["score"]), INK, labels=_number_labels(df["score"], lang))
        )
        return ChartSpec("bar", cats, tuple(series), t("compare.axis", lang), 0.0, 10.0)
    df = table.dropna(subset=[column]).sort_values(column)
    digits = 1 if column != "value" or df[column].abs().max() < 1000 else 0
    cats = tuple(df["city_id"].map(names["city"]).fillna(df["city_id"]))
    series = Series(
        axis_title,
        _values(df[column]),
        DIMENSION_COLOURS.get(dimension or "", MUTED),
        labels=_number_labels(df[column], lang, digits),
    )
    top = 10.0 if column == "score" else None
    return ChartSpec(
        "bar",
        cats,
        (series,),
        axis_title,
        0.0 if column == "score" else None,
        top,
        number_format="0.0" if digits else "#,##0",
        legend=False,
    )


def _blend(a: str, b: str, share: float) -> str:
    """The colour `share` of the way from `a` to `b`."""
    ca = [int(a.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    cb = [int(b.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(ca, cb))


def stability_chart(shares: pd.DataFrame, city_names: dict[str, str], lang: str) -> ChartSpec:
    """Per city, the share of weightings in which it takes each rank (100 % stacked bars, rank 1
    darkest); cities in the order of the table, the first at the top."""
    order = list(shares.index)[::-1]
    ranks = list(shares.columns)
    series = []
    for k, rank in enumerate(ranks):
        column = shares.loc[order, rank].astype(float)
        colour = _blend(STABILITY_DARK, STABILITY_LIGHT, k / max(1, len(ranks) - 1))
        series.append(
            Series(
                t("compare.stability.rank", lang, rank=int(rank)),
                _values(column),
                colour,
                labels=tuple(format_share(v, lang) if v >= 0.1 else "" for v in column),
            )
        )
    return ChartSpec(
        "stacked100",
        tuple(city_names.get(c, c) for c in order),
        tuple(series),
        t("present.chart.share_axis", lang),
        number_format="0%",
    )


def city_chart(decomp: pd.DataFrame, names: dict, lang: str) -> ChartSpec:
    """Each category of the index the city has a score in: the city's score (bar in its
    dimension's colour) and the coalition median (grey), the first category at the top. Categories
    without a score are left out and named in the notes: with a dozen rows the labels no longer
    fit the chart's height."""
    every = decomp[decomp["level"] == "category"]
    cats = every[every["score"].notna()].iloc[::-1]
    missing = [names["category"].get(c, c) for c in every.loc[every["score"].isna(), "id"]]
    notes = (t("present.chart.no_score", lang, names=", ".join(missing)),) if missing else ()
    labels = tuple(names["category"].get(c, c) for c in cats["id"])
    city = Series(
        t("profile.this_city", lang),
        _values(cats["score"]),
        INK,
        tuple(DIMENSION_COLOURS.get(d, INK) for d in cats["dimension"]),
        _number_labels(cats["score"], lang),
    )
    median = Series(t("profile.median", lang), _values(cats["median"]), GUIDE)
    return ChartSpec("bar", labels, (median, city), t("compare.axis", lang), 0.0, 10.0, notes=notes)


def hazards_chart(hazards: pd.DataFrame, levels: pd.DataFrame, lang: str) -> ChartSpec | None:
    """One bar per assessed hazard, its length and colour the hazard level, the level written on it."""
    df = hazards.dropna(subset=["rank"]).iloc[::-1]
    if df.empty:
        return None
    top = float(levels.dropna(subset=["rank"])["rank"].max()) + 1
    series = Series(
        t("profile.hazard_level", lang),
        _values(df["rank"] + 1),
        INK,
        tuple(df["colour"]),
        tuple(df["level_name"]),
    )
    return ChartSpec(
        "bar",
        tuple(df["name"]),
        (series,),
        t("profile.hazard_level", lang),
        0.0,
        top,
        legend=False,
        value_axis_visible=False,
    )


def infrastructure_chart(rows: pd.DataFrame, lang: str) -> ChartSpec | None:
    """Facilities per type, split by whether they lie in a hazard zone (stacked bars)."""
    if rows.empty:
        return None
    counts = (
        rows.assign(inside=rows["zone_class"].notna())
        .groupby(["type_name", "inside"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=[True, False], fill_value=0)
    )
    series = (
        Series(t("present.infrastructure.in_zone", lang), _values(counts[True]), ZONE_COLOURS[2]),
        Series(t("present.infrastructure.outside", lang), _values(counts[False]), GUIDE),
    )
    return ChartSpec(
        "stacked",
        tuple(counts.index),
        series,
        t("present.infrastructure.count_axis", lang),
        0.0,
        number_format="0",
    )


def trends_chart(
    horizons: pd.DataFrame, city_names: dict[str, str], axis_title: str, year: int, lang: str, digits: int = 1
) -> ChartSpec:
    """Change by `year` per city and scenario (clustered bars), largest SSP5-8.5 change at the top."""
    df = horizons[horizons["year"] == year]
    high = df[df["scenario"] == "ssp585"].set_index("city_id")["change"]
    order = sorted(
        dict.fromkeys(df["city_id"]), key=lambda c: float(high.get(c)) if pd.notna(high.get(c)) else -1e9
    )
    series = []
    for scenario, colour in SCENARIO_COLOURS.items():
        part = df[df["scenario"] == scenario].set_index("city_id").reindex(order)
        if part["change"].isna().all():
            continue
        series.append(
            Series(
                t(f"trends.scen.{scenario}", lang),
                _values(part["change"]),
                colour,
                labels=_number_labels(part["change"], lang, digits),
            )
        )
    return ChartSpec(
        "bar",
        tuple(city_names.get(c, c) for c in order),
        tuple(series),
        axis_title,
        number_format="0.0" if digits else "0",
    )


def outlook_chart(
    ranking: pd.DataFrame,
    city_names: dict[str, str],
    scenario: str,
    year: int,
    scenario_label: str,
    lang: str,
) -> ChartSpec:
    """Every city's risk index today and at `year` under `scenario` (median climate), the 10th-90th
    percentile range of the projection beside the city's name; highest risk today at the top."""
    df = ranking.dropna(subset=["today_risk"]).iloc[::-1]
    point, lo, hi = df[f"{scenario}_risk"], df[f"{scenario}_risk_p10"], df[f"{scenario}_risk_p90"]
    cats = tuple(
        city_names.get(c, c)
        if pd.isna(a)
        else f"{city_names.get(c, c)} ({format_number(a, lang, 1)}–{format_number(b, lang, 1)})"
        for c, a, b in zip(df["city_id"], lo, hi)
    )
    series = (
        Series(t("outlook.today", lang), _values(df["today_risk"]), GUIDE),
        Series(
            t("present.outlook.legend_point", lang, year=year, scenario=scenario_label),
            _values(point),
            SCENARIO_COLOURS.get(scenario, INK),
            labels=_number_labels(point, lang),
        ),
    )
    return ChartSpec("bar", cats, series, t("outlook.axis_risk", lang), 0.0, 10.0)


def outlook_city_chart(
    scores: pd.DataFrame,
    today_scenario: str,
    reference_year: int,
    chosen: str,
    scenario_names: dict[str, str],
    lang: str,
) -> ChartSpec | None:
    """One city's risk index from today along every scenario (median climate, one line each), and
    the 10th and 90th percentile of the chosen scenario (dashed). `scores`: the outlook's score rows
    of the city (scenario, horizon, risk, risk_p10, risk_p90)."""
    today = scores[scores["scenario"] == today_scenario]
    if today.empty or pd.isna(today["risk"].iloc[0]):
        return None
    now = today.iloc[0]
    projected = scores[scores["scenario"] != today_scenario]
    horizons = sorted(set(projected["horizon"].astype(int)))
    cats = (str(reference_year),) + tuple(str(h) for h in horizons)  # the first point is today's index
    series = []
    for scenario, name in scenario_names.items():
        rows = projected[projected["scenario"] == scenario].set_index("horizon").reindex(horizons)
        if rows["risk"].isna().all():
            continue
        values = (float(now["risk"]),) + _values(rows["risk"])
        colour = SCENARIO_COLOURS.get(scenario, INK)
        series.append(Series(name, values, colour))
        if scenario == chosen:
            for column, key in (("risk_p10", "present.chart.p10"), ("risk_p90", "present.chart.p90")):
                series.append(
                    Series(t(key, lang), (float(now[column]),) + _values(rows[column]), colour, dashed=True)
                )
    return ChartSpec("line", cats, tuple(series), t("outlook.axis_risk", lang), number_format="0.0")


def essentials_chart(scores: pd.Series, lang: str) -> ChartSpec:
    """One city's mean scorecard score (0-3) per MCR2030 essential, essential 1 at the top."""
    values = [scores.get(e) for e in ESSENTIALS][::-1]
    names = essential_names(lang)[::-1]
    labels = tuple(
        format_number(v, lang) if v is not None and pd.notna(v) else t("scorecard.state.not_assessed", lang)
        for v in values
    )
    series = Series(
        t("scorecard.score_axis", lang),
        tuple(None if v is None or pd.isna(v) else float(v) for v in values),
        DIMENSION_COLOURS["vulnerability"],
        labels=labels,
    )
    return ChartSpec(
        "bar", tuple(names), (series,), t("scorecard.score_axis", lang), 0.0, float(MAX_SCORE), legend=False
    )


def decade_chart(table: pd.DataFrame, city_names: dict[str, str], lang: str) -> ChartSpec:
    """One loss indicator per city and decade (clustered bars; no bar: no data)."""
    order = list(dict.fromkeys(table["city_id"]))[::-1]
    series = []
    for (start, end), colour in zip(sorted({(r.start, r.end) for r in table.itertuples()}), DECADE_COLOURS):
        part = table[(table["start"] == start) & (table["end"] == end)].set_index("city_id").reindex(order)
        series.append(
            Series(
                f"{start}–{end}",
                _values(part["value"]),
                colour,
                labels=_number_labels(part["value"], lang, 2),
            )
        )
    return ChartSpec(
        "bar",
        tuple(city_names.get(c, c) for c in order),
        tuple(series),
        t("losses.chart_axis", lang),
        0.0,
        number_format="0.00",
    )


def actions_chart(by_city: pd.DataFrame, city_names: dict[str, str], lang: str) -> ChartSpec:
    """Actions per city stacked by status, least progress (weighted by budget) at the bottom. The
    city's progress is not written beside its name, as on the page: with it the labels wrap and
    renderers skip every other one."""
    df = by_city.sort_values("weighted_progress")
    cats = tuple(city_names.get(c, c) for c in df["city_id"])
    series = tuple(
        Series(
            status_name(s, lang),
            _values(df[s]),
            STATUS_COLOURS[s],
            labels=tuple(str(int(v)) if v else "" for v in df[s]),
        )
        for s in ACTION_STATUSES
        if s in df and df[s].any()
    )
    return ChartSpec("stacked", cats, series, t("present.chart.actions_axis", lang), 0.0, number_format="0")
