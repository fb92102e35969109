"""How sure is a city's score: its rank range under random weightings, the scope of its inputs,
and a plain-words confidence label derived from both.

- Rank range: the central 90 % of the ranks a city takes when the weights are drawn at random
  around the chosen ones (`risk_index.rank_stability`, seeded): the lowest rank reached by 5 % of
  the draws to the rank reached by 95 %. A range of one rank means the weighting cannot move it.
- Scope of inputs: how many of the values behind the score describe the city itself, its region,
  or only its country (a national figure standing in). Every scope present in the data is
  counted; the known ones come first in `SCOPE_ORDER`.
- Confidence: `high`, `medium` or `low`, the first level in `CONFIDENCE_LEVELS` whose rank-range
  width and local share (city + region inputs) the city meets; otherwise `low`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain import compare
from domain.provenance import SCOPES

SCOPE_ORDER = SCOPES
LOCAL_SCOPES = ("city", "region")  # narrower than the country: describe the place itself
RANK_QUANTILES = (0.05, 0.95)  # the central 90 % of the random weightings


@dataclass(frozen=True)
class ConfidenceLevel:
    """A level is met when the rank range spans at most `max_rank_spread` ranks beyond one and
    at least `min_local_share` of the inputs are city or region values."""

    level: str
    max_rank_spread: int
    min_local_share: float


# The thresholds, in one place, strictest first. The last level applies when none is met.
CONFIDENCE_LEVELS: tuple[ConfidenceLevel, ...] = (
    ConfidenceLevel("high", max_rank_spread=0, min_local_share=0.5),
    ConfidenceLevel("medium", max_rank_spread=1, min_local_share=0.25),
)
FALLBACK_LEVEL = "low"
LEVELS = tuple(c.level for c in CONFIDENCE_LEVELS) + (FALLBACK_LEVEL,)


def rank_range(shares: pd.Series, quantiles: tuple[float, float] = RANK_QUANTILES) -> tuple[int, int]:
    """(best, worst) rank of the central share of draws, from one city's share of draws per rank."""
    ranks = np.asarray(shares.index, dtype=int)
    cumulative = np.cumsum(np.asarray(shares, dtype=float))
    if not len(ranks) or cumulative[-1] <= 0:
        raise ValueError("no draws to read a rank range from")
    cumulative = cumulative / cumulative[-1]
    low = ranks[int(np.searchsorted(cumulative, quantiles[0] - 1e-9, side="left"))]
    high = ranks[int(np.searchsorted(cumulative, quantiles[1] - 1e-9, side="left"))]
    return int(low), int(high)


def ordered_scopes(present: list[str] | pd.Index) -> list[str]:
    """The known scopes in their order, then any other scope found in the data, alphabetically."""
    known = [s for s in SCOPE_ORDER]
    return known + sorted(s for s in set(present) if s not in known)


def scope_counts(indicator_scores: pd.DataFrame) -> pd.DataFrame:
    """Per city, how many index inputs have each scope (one column per scope) and their total."""
    counts = indicator_scores.pivot_table(
        index="city_id", columns="value_scope", values="indicator_id", aggfunc="count", fill_value=0
    )
    counts = counts.reindex(columns=ordered_scopes(counts.columns), fill_value=0).astype(int)
    counts.columns = [f"scope_{c}" for c in counts.columns]
    counts["scope_total"] = counts.sum(axis=1)
    counts.columns.name = None
    return counts


def local_share(counts: Mapping[str, int]) -> float:
    """Share of inputs that describe the city or its region (NaN when there are none)."""
    total = int(counts.get("scope_total", 0))
    if total <= 0:
        return float("nan")
    return sum(int(counts.get(f"scope_{s}", 0)) for s in LOCAL_SCOPES) / total


def confidence_level(
    rank_low: int, rank_high: int, local: float, levels: tuple[ConfidenceLevel, ...] = CONFIDENCE_LEVELS
) -> str:
    """`high`, `medium` or `low`: the first level whose rank spread and local share are met."""
    spread = int(rank_high) - int(rank_low)
    for lvl in levels:
        if spread <= lvl.max_rank_spread and not np.isnan(local) and local >= lvl.min_local_share:
            return lvl.level
    return FALLBACK_LEVEL


def confidence_table(shares: pd.DataFrame, indicator_scores: pd.DataFrame) -> pd.DataFrame:
    """Per city: rank_low, rank_high, the scope counts, local_share and the confidence level.

    `shares` is rank_stability's table (cities x ranks); cities with no score get no range.
    """
    counts = scope_counts(indicator_scores)
    rows = []
    for city_id in counts.index.union(shares.index):
        row = {"city_id": city_id}
        c = counts.loc[city_id].to_dict() if city_id in counts.index else {"scope_total": 0}
        row.update(c)
        row["local_share"] = local_share(c)
        if city_id in shares.index and shares.loc[city_id].sum() > 0:
            row["rank_low"], row["rank_high"] = rank_range(shares.loc[city_id])
            row["confidence"] = confidence_level(row["rank_low"], row["rank_high"], row["local_share"])
        else:
            row["rank_low"] = row["rank_high"] = None
            row["confidence"] = None
        rows.append(row)
    out = pd.DataFrame(rows)
    scope_cols = [c for c in out.columns if c.startswith("scope_")]
    out[scope_cols] = out[scope_cols].fillna(0).astype(int)
    out["rank_low"] = out["rank_low"].astype("Int64")
    out["rank_high"] = out["rank_high"].astype("Int64")
    return out


def city_confidence(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The confidence table of every scored city, with the data's default weights (seeded draws)."""
    weights = compare.default_weights(tables)
    result = compare.index_for(tables, weights)
    scored = result.risk.dropna(subset=["risk"])["city_id"].tolist()
    shares = (
        compare.rank_shares(tables, result, scored, weights)
        if len(scored) > 1
        else pd.DataFrame({1: [1.0] * len(scored)}, index=pd.Index(scored, name="city_id"))
    )
    return confidence_table(shares, tables["indicator_scores"])
