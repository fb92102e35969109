"""Plans that belong to the cities: the actions a city's focal point writes in the app, checked
here, and the public plan that results (the demonstration plan until the city replaces it with
its own). Pure functions on plain values and DataFrames (no Dash, Flask or SQL).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.actions import ESSENTIALS, SENDAI_PRIORITIES, SENDAI_TARGETS, Issue, to_day

# The fields of an action that its city writes (progress is reported separately, as before).
PLAN_FIELDS = (
    "title_ru",
    "title_en",
    "hazards",
    "sendai_priority",
    "sendai_target",
    "mcr2030_essential",
    "responsible_body_ru",
    "responsible_body_en",
    "planned_start",
    "planned_end",
    "budget_usd",
    "funded_usd",
    "funder",
)
TEXT_MAX = 300
MONEY_MAX = 1e11
EARLIEST_PLAN = date(2015, 1, 1)  # the Sendai Framework's first year
LATEST_PLAN = date(2100, 12, 31)
CITY_PLAN_STATUS = "sourced"  # the city's own plan, reported by its focal point


@dataclass(frozen=True)
class PlanAction:
    """One action of a city's own plan, as its focal point wrote it."""

    title_ru: str
    title_en: str
    hazards: tuple[str, ...]
    sendai_priority: int
    sendai_target: str
    mcr2030_essential: int
    responsible_body_ru: str
    responsible_body_en: str
    planned_start: date
    planned_end: date
    budget_usd: float | None
    funded_usd: float | None
    funder: str | None

    def as_record(self) -> dict:
        """Plain values for storage and the audit log (dates as ISO text, hazards joined by ';')."""
        return {
            "title_ru": self.title_ru,
            "title_en": self.title_en,
            "hazards": ";".join(self.hazards),
            "sendai_priority": self.sendai_priority,
            "sendai_target": self.sendai_target,
            "mcr2030_essential": self.mcr2030_essential,
            "responsible_body_ru": self.responsible_body_ru,
            "responsible_body_en": self.responsible_body_en,
            "planned_start": self.planned_start.isoformat(),
            "planned_end": self.planned_end.isoformat(),
            "budget_usd": self.budget_usd,
            "funded_usd": self.funded_usd,
            "funder": self.funder,
        }


def _money(raw: object, name: str, issues: list[Issue]) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = float(str(raw).replace(" ", "").replace(",", "."))
    except ValueError:
        issues.append(Issue(name, "plan_number", {"value": str(raw)[:30]}))
        return None
    if not math.isfinite(value) or value < 0 or value > MONEY_MAX:
        issues.append(Issue(name, "plan_money_range", {"value": str(raw)[:30]}))
        return None
    return value


def _whole(raw: object, allowed: tuple[int, ...], name: str, issues: list[Issue]) -> int:
    try:
        value = float(raw)  # type: ignore[arg-type]
        if value == int(value) and int(value) in allowed:
            return int(value)
    except (TypeError, ValueError):
        pass
    issues.append(Issue(name, "plan_choice", {"value": "" if raw is None else str(raw)[:30]}))
    return 0


def parse_plan_action(
    raw: dict, known_hazards: set[str], known_funders: set[str]
) -> tuple[PlanAction | None, list[Issue]]:
    """Form values -> a PlanAction, or every problem found (all at once)."""
    issues: list[Issue] = []
    texts = {}
    for name in ("title_ru", "title_en", "responsible_body_ru", "responsible_body_en"):
        text = " ".join(str(raw.get(name) or "").split())
        if not text:
            issues.append(Issue(name, "plan_required"))
        elif len(text) > TEXT_MAX:
            issues.append(Issue(name, "plan_too_long", {"max": TEXT_MAX}))
        texts[name] = text
    hazards_raw = raw.get("hazards") or []
    hazards = tuple(
        dict.fromkeys(
            str(h) for h in (hazards_raw if isinstance(hazards_raw, (list, tuple)) else [hazards_raw])
        )
    )
    if not hazards:
        issues.append(Issue("hazards", "plan_required"))
    elif any(h not in known_hazards for h in hazards):
        issues.append(
            Issue(
                "hazards",
                "plan_choice",
                {"value": ", ".join(h for h in hazards if h not in known_hazards)[:30]},
            )
        )
    priority = _whole(raw.get("sendai_priority"), SENDAI_PRIORITIES, "sendai_priority", issues)
    essential = _whole(raw.get("mcr2030_essential"), ESSENTIALS, "mcr2030_essential", issues)
    target = str(raw.get("sendai_target") or "").strip().lower()
    if target not in SENDAI_TARGETS:
        issues.append(Issue("sendai_target", "plan_choice", {"value": target[:30]}))
    days: dict[str, date | None] = {}
    for name in ("planned_start", "planned_end"):
        try:
            days[name] = to_day(raw.get(name))
        except ValueError:
            days[name] = None
            issues.append(Issue(name, "date_format", {"value": str(raw.get(name))[:30]}))
            continue
        if days[name] is None:
            issues.append(Issue(name, "plan_required"))
        elif not EARLIEST_PLAN <= days[name] <= LATEST_PLAN:
            issues.append(Issue(name, "plan_date_range", {"date": days[name].isoformat()}))
    start, end = days["planned_start"], days["planned_end"]
    if start and end and end < start:
        issues.append(Issue("planned_end", "end_before_start"))
    budget = _money(raw.get("budget_usd"), "budget_usd", issues)
    funded = _money(raw.get("funded_usd"), "funded_usd", issues)
    funder = str(raw.get("funder") or "").strip() or None
    if funder is not None and funder not in known_funders:
        issues.append(Issue("funder", "plan_choice", {"value": funder[:30]}))
    if funded and not funder:
        issues.append(Issue("funder", "plan_funder_needed"))
    if issues:
        return None, issues
    return PlanAction(
        texts["title_ru"],
        texts["title_en"],
        hazards,
        priority,
        target,
        essential,
        texts["responsible_body_ru"],
        texts["responsible_body_en"],
        start,
        end,
        budget,
        funded,
        funder,
    ), []  # type: ignore[arg-type]


def plan_changes(old: dict | None, new: dict) -> dict[str, tuple[str | None, str | None]]:
    """field -> (old, new) as text, for the audit log (every field when the action is new)."""
    out = {}
    for name in PLAN_FIELDS:
        before = None if old is None else old.get(name)
        after = new.get(name)
        if _text(before) != _text(after):
            out[name] = (_text(before), _text(after))
    return out


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def next_action_id(city_id: str, existing: set[str]) -> str:
    """A new id for a city's own action: `<city>-c01`, `<city>-c02`, ... (never a demonstration id)."""
    n = 1
    while f"{city_id}-c{n:02d}" in existing:
        n += 1
    return f"{city_id}-c{n:02d}"


def authored_as_actions(authored: pd.DataFrame, funders: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The city-written actions in the columns of the build's `actions` table (planned, 0 %).

    `funders`: funder code -> (Russian name, English name)."""
    rows = []
    for _, r in authored.iterrows():
        funder = r.get("funder") if isinstance(r.get("funder"), str) else None
        names = funders.get(funder, (None, None)) if funder else (None, None)
        rows.append(
            {
                "action_id": r["action_id"],
                "city_id": r["city_id"],
                "title_ru": r["title_ru"],
                "title_en": r["title_en"],
                "sendai_priority": float(r["sendai_priority"]),
                "sendai_target": r["sendai_target"],
                "mcr2030_essential": float(r["mcr2030_essential"]),
                "hazards": r["hazards"],
                "responsible_body_ru": r["responsible_body_ru"],
                "responsible_body_en": r["responsible_body_en"],
                "planned_start": r["planned_start"],
                "planned_end": r["planned_end"],
                "actual_start": None,
                "actual_end": None,
                "status": "planned",
                "progress_pct": 0.0,
                "budget_usd": _float(r.get("budget_usd")),
                "funded_usd": _float(r.get("funded_usd")),
                "funder": funder,
                "funder_ru": names[0],
                "funder_en": names[1],
                "data_status": CITY_PLAN_STATUS,
                "source_id": f"city-plan-{r['city_id']}",
            }
        )
    return pd.DataFrame(rows)


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def public_plans(
    baseline: pd.DataFrame,
    authored: pd.DataFrame,
    real_plan_cities: set[str],
    funders: dict[str, tuple[str, str]],
) -> pd.DataFrame:
    """What the public sees: the demonstration plan of a city until it replaced it, then only the
    city's own actions (its drafts before that stay private)."""
    keep = baseline[~baseline["city_id"].isin(real_plan_cities)]
    own = authored[authored["city_id"].isin(real_plan_cities)] if len(authored) else authored
    if own is None or not len(own):
        return keep.reset_index(drop=True)
    extra = authored_as_actions(own, funders).reindex(columns=baseline.columns)
    return pd.concat(
        [
            keep,
            extra.astype(
                {
                    c: keep[c].dtype
                    for c in ("progress_pct", "sendai_priority", "mcr2030_essential")
                    if c in keep
                }
            ),
        ],
        ignore_index=True,
    )


def funder_names(baseline: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Funder code -> (Russian, English) name, from the kinds of funders the data knows."""
    named = baseline.dropna(subset=["funder"]).drop_duplicates("funder")
    return {r["funder"]: (r.get("funder_ru"), r.get("funder_en")) for _, r in named.iterrows()}


def plan_kind(frame: pd.DataFrame, city_id: str | None = None) -> str:
    """`real` when every shown action is the cities' own, `demonstration` when every one is
    illustrative, `mixed` otherwise, `none` without actions (for one city, or all)."""
    mine = frame if city_id is None else frame[frame["city_id"] == city_id]
    if mine.empty:
        return "none"
    demo = mine["data_status"].eq("illustrative")
    if demo.all():
        return "demonstration"
    return "real" if not demo.any() else "mixed"
