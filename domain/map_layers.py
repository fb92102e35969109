"""What the map colours cities by: any index level or indicator, with unit, year and status.

`by` is a compact code used in the URL: `risk`, `dim:<dimension>`, `cat:<category_id>` or
`ind:<indicator_id>`. Colours always follow the 0-10 score, so one legend fits every choice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.queries import BuildData, localized
from domain.risk_index import DIMENSION_ORDER


def colour_options(data: BuildData, lang: str) -> list[dict]:
    """Grouped choices for the 'colour by' control: risk, dimensions, categories, indicators."""
    dims = localized(data["dimensions"], lang, "name").set_index("dimension")["name"]
    options = [{"value": "risk", "label": "★"}]
    options += [{"value": f"dim:{d}", "label": dims[d]} for d in DIMENSION_ORDER]
    cats = localized(data["categories"], lang, "name").sort_values(["dimension", "sort_order"])
    options += [
        {"value": f"cat:{r.category_id}", "label": f"{dims[r.dimension]} › {r.name}"}
        for r in cats.itertuples()
    ]
    inds = localized(data["indicators"], lang, "name").sort_values(["dimension", "category_id", "name"])
    options += [{"value": f"ind:{r.indicator_id}", "label": r.name} for r in inds.itertuples()]
    return options


def is_known_choice(data: BuildData, by: str) -> bool:
    """Whether `by` names something that exists in this build."""
    kind, _, key = by.partition(":")
    if by == "risk":
        return True
    if kind == "dim":
        return key in set(data["dimensions"]["dimension"])
    if kind == "cat":
        return key in set(data["categories"]["category_id"])
    if kind == "ind":
        return key in set(data["indicators"]["indicator_id"])
    return False


def city_values(data: BuildData, by: str) -> pd.DataFrame:
    """Per city: score (0-10) that sets the colour, and raw value, unit, year, status, scope.

    Index levels have no raw value, unit or year of their own; their status is the weakest
    status among the values they are computed from.
    """
    cities = data["cities"][["city_id"]].copy()
    kind, _, key = by.partition(":")
    if by == "risk":
        scores = data["risk"][["city_id", "risk"]].rename(columns={"risk": "score"})
    elif kind == "dim":
        d = data["dimension_scores"]
        scores = d[d["dimension"] == key][["city_id", "score"]]
    elif kind == "cat":
        c = data["category_scores"]
        scores = c[c["category_id"] == key][["city_id", "score"]]
    elif kind == "ind":
        s = data["indicator_scores"]
        part = s[s["indicator_id"] == key][
            ["city_id", "score", "value", "year", "status", "value_scope", "source_id"]
        ]
        out = cities.merge(part, on="city_id", how="left")
        return out
    else:
        raise ValueError(f"unknown map choice {by!r}")
    out = cities.merge(scores, on="city_id", how="left")
    out["status"] = weakest_status(data, by).reindex(out["city_id"]).to_numpy()
    for col in ("value", "year", "value_scope", "source_id"):
        out[col] = np.nan
    return out


def weakest_status(data: BuildData, by: str) -> pd.Series:
    """Per city, the least certain status among the indicator values behind an index level."""
    s = data["indicator_scores"]
    kind, _, key = by.partition(":")
    if kind == "dim":
        s = s[s["dimension"] == key]
    elif kind == "cat":
        s = s[s["category_id"] == key]
    order = {"sourced": 0, "estimated": 1, "illustrative": 2}
    ranked = s.assign(_o=s["status"].map(order)).sort_values("_o")
    return ranked.groupby("city_id")["status"].last()
