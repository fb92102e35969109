"""The history of published builds: the Data page's change log and a city's index and rank from
build to build. Pure functions on the records the database keeps (no Dash, Flask or SQL)."""

from __future__ import annotations

import math

import pandas as pd


def change_log(builds: pd.DataFrame, submissions: pd.DataFrame) -> pd.DataFrame:
    """One row per published submission, newest build first: when it was published, in which
    build, the city, the tables and number of rows it changed, who sent it and who approved it."""
    rows = []
    by_id = submissions.set_index("id") if len(submissions) else submissions
    for _, b in builds.iloc[::-1].iterrows():
        for sid in b["submissions"]:
            if sid not in by_id.index:
                continue
            s = by_id.loc[sid]
            if s["build_id"] != b["build_id"]:
                continue  # published by an earlier build, carried over into this one
            rows.append(
                {
                    "published_at": b["published_at"],
                    "build_id": b["build_id"],
                    "submission": int(sid),
                    "city_id": s["city_id"],
                    "changes": {t: len(r) for t, r in s["changes"].items()},
                    "submitted_by": s["submitted_by"],
                    "submitted_at": s["submitted_at"],
                    "approved_by": s["reviewed_by"],
                    "approved_at": s["reviewed_at"],
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "published_at",
            "build_id",
            "submission",
            "city_id",
            "changes",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
        ],
    )


def index_history(builds: pd.DataFrame, city_id: str) -> pd.DataFrame:
    """The city's risk score and rank in every published build (oldest first) and the change from
    the build before; a build without a score for the city gives missing values, never zero."""
    rows, previous = [], None
    for _, b in builds.iterrows():
        score, rank = b["ranks"].get(city_id) or [None, None]
        score = None if score is None or (isinstance(score, float) and math.isnan(score)) else float(score)
        change = None if score is None or previous is None or previous[0] is None else score - previous[0]
        rank_change = (
            None if rank is None or previous is None or previous[1] is None else int(previous[1]) - int(rank)
        )
        rows.append(
            {
                "published_at": b["published_at"],
                "build_id": b["build_id"],
                "score": score,
                "rank": None if rank is None else int(rank),
                "total": sum(1 for v in b["ranks"].values() if v[1] is not None),
                "score_change": change,
                "rank_change": rank_change,
            }
        )
        previous = (score, rank)
    return pd.DataFrame(
        rows, columns=["published_at", "build_id", "score", "rank", "total", "score_change", "rank_change"]
    )
