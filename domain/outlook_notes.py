"""Why a projected risk barely moves, in facts: which values the climate rules push are already at
the top of their scale (they cannot rise further), and which values did move, by how much."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Headroom:
    """For one city, scenario and horizon (median climate member)."""

    ruled: list[str]  # indicators a climate or population rule acts on
    at_ceiling: list[str]  # of those, already at the risky end of their fixed scale today
    moved: pd.DataFrame  # indicator_id, value_today, value: values that changed, largest change first


def at_risky_end(value: pd.Series, lower: pd.Series, upper: pd.Series, direction: pd.Series) -> pd.Series:
    """True where a value already sits at (or past) the end of its scale that means most risk."""
    top = np.where(direction == "risk_down", value <= lower + 1e-9, value >= upper - 1e-9)
    return pd.Series(top, index=value.index) & value.notna()


def headroom(
    projected: pd.DataFrame, indicators: pd.DataFrame, city_id: str, scenario: str, horizon: int
) -> Headroom:
    """The values ruled for this case, those with no room to rise, and those that moved."""
    p = projected[
        (projected["city_id"] == city_id)
        & (projected["scenario"] == scenario)
        & (projected["horizon"] == horizon)
        & (projected["member"] == "p50")
        & projected["moved"]
    ]
    meta = indicators.set_index("indicator_id")[["lower_bound", "upper_bound", "direction"]]
    p = p.join(meta, on="indicator_id")
    top = at_risky_end(p["value_today"], p["lower_bound"], p["upper_bound"], p["direction"])
    span = (p["upper_bound"] - p["lower_bound"]).replace(0, np.nan)
    change = ((p["value"] - p["value_today"]).abs() / span).fillna(0.0)
    moved = p.assign(_c=change)[change > 1e-6].sort_values("_c", ascending=False)
    return Headroom(
        ruled=p["indicator_id"].tolist(),
        at_ceiling=p.loc[top, "indicator_id"].tolist(),
        moved=moved[["indicator_id", "value_today", "value"]].reset_index(drop=True),
    )
