"""How sure a city's score is, in words (RU/EN): rank range, inputs by scope, confidence label.

Reads one row of `domain.queries.ranking` (rank_low, rank_high, scope_<scope>, scope_total,
confidence); used by the pages, the map, the slides and the PDF. Thresholds: `domain/confidence.py`.
"""

from __future__ import annotations

import pandas as pd

from domain.confidence import CONFIDENCE_LEVELS, RANK_QUANTILES, SCOPE_ORDER
from i18n import format_int, format_share, t


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and not pd.isna(value)


def rank_range_text(row, lang: str) -> str:
    """'rank 2–3 under other weightings', or 'rank holds under other weightings'."""
    if not _present(row.get("rank_low")):
        return ""
    low, high = int(row["rank_low"]), int(row["rank_high"])
    if low == high:
        return t("confidence.rank_holds", lang, rank=low)
    return t("confidence.rank_range", lang, low=low, high=high)


def scope_parts(row) -> list[tuple[str, int]]:
    """(scope, count) for city and country always, other scopes when the city has any."""
    scopes = (
        [c[len("scope_") :] for c in row.index if c.startswith("scope_") and c != "scope_total"]
        if hasattr(row, "index")
        else list(SCOPE_ORDER)
    )
    out = []
    for scope in scopes:
        count = int(row.get(f"scope_{scope}", 0) or 0)
        if count or scope in ("city", "country"):
            out.append((scope, count))
    return out


def scope_text(row, lang: str) -> str:
    """'inputs: city 22 % · country 78 %' (shares of the values behind the score)."""
    total = int(row.get("scope_total", 0) or 0)
    if not total:
        return ""
    parts = [
        f"{t(f'confidence.scope.{s}', lang)} {format_share(c / total, lang)}" for s, c in scope_parts(row)
    ]
    return t("confidence.scopes", lang, parts=" · ".join(parts))


def level_word(level: str, lang: str) -> str:
    """'low', 'medium' or 'high' in the language."""
    return t(f"confidence.level.{level}", lang)


def level_text(row, lang: str) -> str:
    """'Confidence: low' (empty without a level)."""
    level = row.get("confidence")
    if not isinstance(level, str):
        return ""
    return t("confidence.label", lang, level=t(f"confidence.level.{level}", lang))


def method_text(lang: str) -> str:
    """The thresholds in words, read from the domain's constants."""
    levels = {lvl.level: lvl for lvl in CONFIDENCE_LEVELS}
    return t(
        "confidence.method",
        lang,
        low_q=format_share(RANK_QUANTILES[0], lang),
        high_q=format_share(RANK_QUANTILES[1], lang),
        high_share=format_share(levels["high"].min_local_share, lang),
        medium_share=format_share(levels["medium"].min_local_share, lang),
        medium_spread=format_int(levels["medium"].max_rank_spread + 1, lang),
    )


def confidence_summary(row, lang: str) -> str:
    """All three in one line, for tooltips, slides and the PDF."""
    return " · ".join(
        p for p in (level_text(row, lang), rank_range_text(row, lang), scope_text(row, lang)) if p
    )


def people_label(years, lang: str) -> str:
    """'residents (2022, 2023 and 2025 counts added)' when the summed populations are of different years."""
    distinct = sorted({int(y) for y in years if y == y})
    if len(distinct) <= 1:
        return t("overview.people_year", lang, year=distinct[0]) if distinct else t("overview.people", lang)
    listed = ", ".join(str(y) for y in distinct[:-1])
    return t("overview.people_years", lang, years=listed, last=distinct[-1])
