"""Action plans: validating a focal point's update, progress, overdue actions, funding, and the
Sendai / MCR2030 views. Pure functions on plain values and DataFrames (no Dash, Flask or SQL).

The public view of the plans is the baseline table from the data build (`actions`,
`action_updates`) with the latest saved update of each action from the database laid over it
(`current_actions`, `merged_history`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import numpy as np
import pandas as pd

from i18n import format_int, format_share, t

STATUSES = ("planned", "in_progress", "delayed", "completed", "cancelled")
FINAL = frozenset({"completed", "cancelled"})
# Which status may follow which. A completed or cancelled action is closed: nothing changes it.
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"planned", "in_progress", "delayed", "completed", "cancelled"}),
    "in_progress": frozenset({"in_progress", "delayed", "completed", "cancelled"}),
    "delayed": frozenset({"delayed", "in_progress", "completed", "cancelled"}),
    "completed": frozenset({"completed"}),
    "cancelled": frozenset({"cancelled"}),
}
SENDAI_PRIORITIES = (1, 2, 3, 4)
SENDAI_TARGETS = ("a", "b", "c", "d", "e", "f", "g")
ESSENTIALS = tuple(range(1, 11))
EDITABLE_FIELDS = ("status", "progress_pct", "actual_start", "actual_end", "note")
NOTE_MAX = 1000
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class ActionState:
    """What a focal point may change about an action."""

    status: str
    progress_pct: int
    actual_start: date | None = None
    actual_end: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Issue:
    """One reason an update is refused: the field, a message code (`actions.error.<code>`), values."""

    field: str
    code: str
    params: dict = field(default_factory=dict, compare=False)


def to_day(value: object) -> date | None:
    """An ISO date (text, date or Timestamp) as a date; None for blank or missing values."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    return date.fromisoformat(text[:10])


def day_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


def parse_update(raw: dict) -> tuple[ActionState | None, list[Issue]]:
    """Form values (text or numbers, possibly blank) -> an ActionState, or the problems found."""
    issues: list[Issue] = []
    status = str(raw.get("status") or "").strip()
    if status not in STATUSES:
        issues.append(Issue("status", "status_unknown", {"value": status[:30]}))
    progress_raw = raw.get("progress_pct")
    progress = None
    try:
        number = float(progress_raw)  # type: ignore[arg-type]
        if math.isfinite(number) and number == int(number):
            progress = int(number)
    except (TypeError, ValueError):
        pass
    if progress is None:
        shown = "" if progress_raw is None else str(progress_raw)[:30]
        issues.append(Issue("progress_pct", "progress_number", {"value": shown}))
    days: dict[str, date | None] = {}
    for name in ("actual_start", "actual_end"):
        try:
            days[name] = to_day(raw.get(name))
        except ValueError:
            days[name] = None
            issues.append(Issue(name, "date_format", {"value": str(raw.get(name))[:30]}))
    note = str(raw.get("note") or "").strip()
    if issues:
        return None, issues
    return ActionState(status, progress, days["actual_start"], days["actual_end"], note), []  # type: ignore[arg-type]


def validate_update(current: ActionState, proposed: ActionState, today: date) -> list[Issue]:
    """Every reason the proposed state may not replace the current one (empty list: it may)."""
    issues: list[Issue] = []
    if proposed.status not in STATUSES:
        return [Issue("status", "status_unknown", {"value": proposed.status})]
    if not 0 <= proposed.progress_pct <= 100:
        issues.append(Issue("progress_pct", "progress_range", {"value": proposed.progress_pct}))
    if current.status in FINAL and replace(proposed, note=current.note) != replace(
        current, note=current.note
    ):
        issues.append(Issue("status", "final", {"status": current.status}))
    elif proposed.status not in TRANSITIONS.get(current.status, frozenset(STATUSES)):
        issues.append(Issue("status", "transition", {"old": current.status, "new": proposed.status}))
    start, end = proposed.actual_start, proposed.actual_end
    if proposed.status == "planned":
        if proposed.progress_pct:
            issues.append(Issue("progress_pct", "planned_progress"))
        if start:
            issues.append(Issue("actual_start", "planned_started"))
    if proposed.status in ("in_progress", "completed") and not start:
        issues.append(Issue("actual_start", "start_required"))
    if proposed.status == "delayed" and proposed.progress_pct > 0 and not start:
        issues.append(Issue("actual_start", "start_required"))
    if proposed.status == "completed":
        if proposed.progress_pct != 100:
            issues.append(Issue("progress_pct", "completed_progress"))
        if not end:
            issues.append(Issue("actual_end", "end_required"))
    elif proposed.progress_pct == 100 and proposed.status != "cancelled":
        issues.append(Issue("progress_pct", "full_not_completed"))
    if end and proposed.status not in FINAL:
        issues.append(Issue("actual_end", "end_only_when_finished"))
    if end and not start:
        issues.append(Issue("actual_end", "end_without_start"))
    if start and end and end < start:
        issues.append(Issue("actual_end", "end_before_start"))
    for name, day in (("actual_start", start), ("actual_end", end)):
        if day and day > today:
            issues.append(Issue(name, "future_date", {"date": day.isoformat()}))
        if day and day < EARLIEST:
            issues.append(Issue(name, "date_too_early", {"date": day.isoformat()}))
    if len(proposed.note) > NOTE_MAX:
        issues.append(Issue("note", "note_too_long", {"max": NOTE_MAX}))
    if not issues and not changed_fields(current, proposed):
        issues.append(Issue("", "no_change"))
    return issues


def changed_fields(current: ActionState, proposed: ActionState) -> dict[str, tuple[str | None, str | None]]:
    """field -> (old, new) as text, for the audit log and the conflict message."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for name in EDITABLE_FIELDS:
        old, new = getattr(current, name), getattr(proposed, name)
        if old != new:
            out[name] = (_as_text(old), _as_text(new))
    return out


def _as_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def state_of(row: dict | pd.Series) -> ActionState:
    """The editable state of an action row of `current_actions`."""
    note = row.get("note")
    return ActionState(
        str(row["status"]),
        int(row["progress_pct"]),
        to_day(row.get("actual_start")),
        to_day(row.get("actual_end")),
        "" if note is None or note != note else str(note),
    )


# --- public view: baseline + saved updates -------------------------------------------------------


def current_actions(
    baseline: pd.DataFrame, states: pd.DataFrame | None, baseline_updates: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The baseline actions with each action's latest saved state from the database laid over it.

    Adds `version` (0 = untouched baseline), `note`, `last_update` (ISO date of the latest
    baseline or saved update) and `updated_in_app`. States of actions no longer in the baseline
    are ignored.
    """
    out = baseline.copy()
    out["version"] = 0
    out["note"] = None
    out["updated_in_app"] = False
    last = pd.Series(pd.NA, index=out.index, dtype="object")
    if baseline_updates is not None and len(baseline_updates):
        latest = baseline_updates.groupby("action_id")["date"].max()
        last = out["action_id"].map(latest).astype("object")
    out["last_update"] = last
    if states is not None and len(states):
        st = states.drop_duplicates("action_id", keep="last").set_index("action_id")
        hit = out["action_id"].isin(st.index)
        ids = out.loc[hit, "action_id"]
        for col in ("status", "progress_pct", "actual_start", "actual_end", "note", "version"):
            values = ids.map(st[col])
            if col in ("actual_start", "actual_end"):
                values = values.map(lambda v: day_text(to_day(v)))
            out[col] = out[col].astype("object")
            out.loc[hit, col] = values.to_numpy(dtype=object)
        out.loc[hit, "updated_in_app"] = True
        out.loc[hit, "last_update"] = (
            ids.map(st["updated_at"]).map(lambda v: day_text(to_day(v))).to_numpy(dtype=object)
        )
        out["progress_pct"] = out["progress_pct"].astype(float)
        out["version"] = out["version"].astype(int)
    return out


def merged_history(
    baseline_updates: pd.DataFrame, app_updates: pd.DataFrame | None, action_id: str, lang: str
) -> pd.DataFrame:
    """An action's dated progress history: baseline updates, then updates saved in the app.

    Columns: date, progress_pct, status, note, origin (`baseline` or `app`).
    """
    base = baseline_updates[baseline_updates["action_id"] == action_id]
    note_col = f"note_{lang}" if f"note_{lang}" in base else "note_en"
    rows = [
        {
            "date": r["date"],
            "progress_pct": float(r["progress_pct"]),
            "status": r["status"],
            "note": r.get(note_col) if isinstance(r.get(note_col), str) else "",
            "origin": "baseline",
        }
        for _, r in base.iterrows()
    ]
    if app_updates is not None and len(app_updates):
        mine = app_updates[app_updates["action_id"] == action_id]
        for _, r in mine.iterrows():
            rows.append(
                {
                    "date": day_text(to_day(r["updated_at"])),
                    "progress_pct": float(r["progress_pct"]),
                    "status": r["status"],
                    "note": r.get("note") or "",
                    "origin": "app",
                }
            )
    out = pd.DataFrame(rows, columns=["date", "progress_pct", "status", "note", "origin"])
    return out.sort_values("date", kind="stable").reset_index(drop=True)


# --- measures ----------------------------------------------------------------------------------


def with_flags(frame: pd.DataFrame, today: date) -> pd.DataFrame:
    """Add `overdue` (open and past its planned end), `days_overdue` and `funding_gap`."""
    out = frame.copy()
    end = pd.to_datetime(out["planned_end"], errors="coerce")
    open_ = ~out["status"].isin(FINAL)
    out["overdue"] = open_ & (end < pd.Timestamp(today))
    out["days_overdue"] = np.where(out["overdue"], (pd.Timestamp(today) - end).dt.days, 0).astype(int)
    out["funding_gap"] = funding_gap(out)
    return out


def funding_gap(frame: pd.DataFrame) -> pd.Series:
    """Budget not yet funded, never below zero; nothing for a cancelled action."""
    gap = (frame["budget_usd"].fillna(0) - frame["funded_usd"].fillna(0)).clip(lower=0)
    return gap.where(frame["status"] != "cancelled", 0.0).astype(float)


def weighted_progress(frame: pd.DataFrame) -> float:
    """Budget-weighted mean progress (0-100) of the actions that are not cancelled.

    Budgets are the weights, so a large infrastructure project counts more than a study; actions
    without a budget count with the median budget. NaN when there is nothing to average.
    """
    live = frame[frame["status"] != "cancelled"]
    if live.empty:
        return float("nan")
    weights = live["budget_usd"].astype(float)
    median = weights.median()
    weights = weights.fillna(median if median == median else 1.0)
    if weights.sum() <= 0:
        return float(live["progress_pct"].astype(float).mean())
    return float(np.average(live["progress_pct"].astype(float), weights=weights))


def summary(frame: pd.DataFrame, today: date) -> dict:
    """Headline figures of a set of actions."""
    return _flagged_summary(with_flags(frame, today))


def summary_sentence(figures: dict, lang: str) -> str:
    """A city's plan in one sentence (actions, done, late, progress, funding), from `summary`; the
    city page and its PDF brief say the same."""
    progress = figures["weighted_progress"]
    return t(
        "profile.actions_summary",
        lang,
        actions=format_int(figures["actions"], lang),
        completed=format_int(figures["completed"], lang),
        delayed=format_int(figures["delayed"], lang),
        overdue=format_int(figures["overdue"], lang),
        progress=format_share(progress / 100, lang) if progress == progress else "—",
        funded=format_int(figures["funded"], lang),
        budget=format_int(figures["budget"], lang),
        gap=format_int(figures["gap"], lang),
    )


def _flagged_summary(flagged: pd.DataFrame) -> dict:
    """`summary` of actions that already carry `with_flags`' columns."""
    live = flagged[flagged["status"] != "cancelled"]
    return {
        "actions": int(len(flagged)),
        "completed": int((flagged["status"] == "completed").sum()),
        "overdue": int(flagged["overdue"].sum()),
        "delayed": int((flagged["status"] == "delayed").sum()),
        "weighted_progress": weighted_progress(flagged),
        "budget": float(live["budget_usd"].fillna(0).sum()),
        "funded": float(live["funded_usd"].fillna(0).sum()),
        "gap": float(flagged["funding_gap"].sum()),
    }


def _group_summary(frame: pd.DataFrame, by: str, today: date) -> pd.DataFrame:
    flagged = with_flags(frame, today)
    rows = []
    for key, part in flagged.groupby(by, sort=True):
        row = {by: key, **_flagged_summary(part)}
        for status in STATUSES:
            row[status] = int((part["status"] == status).sum())
        rows.append(row)
    columns = [
        by,
        "actions",
        *STATUSES,
        "weighted_progress",
        "overdue",
        "completed_share",
        "budget",
        "funded",
        "gap",
    ]
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["completed_share"] = out["completed"] / out["actions"]
    return out[[c for c in columns if c in out]]


def city_summary(frame: pd.DataFrame, today: date) -> pd.DataFrame:
    """Per city: actions by status, weighted progress, overdue, budget, funded and gap."""
    return _group_summary(frame, "city_id", today)


def sendai_summary(frame: pd.DataFrame, today: date, level: str = "sendai_priority") -> pd.DataFrame:
    """The same figures per Sendai priority (1-4) or per Sendai target (a-g)."""
    out = _group_summary(frame, level, today)
    if level == "sendai_priority" and len(out):
        out[level] = out[level].astype(int)
    return out


def mcr_matrix(frame: pd.DataFrame, city_ids: Iterable[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cities x the ten MCR2030 essentials: number of actions and their weighted progress.

    Returns (counts, progress); every essential is a column, every given city a row, and a cell
    with no action has count 0 and progress NaN.
    """
    cities = list(city_ids)
    counts = pd.DataFrame(0, index=cities, columns=list(ESSENTIALS), dtype=int)
    progress = pd.DataFrame(np.nan, index=cities, columns=list(ESSENTIALS), dtype=float)
    if len(frame):
        ess = frame["mcr2030_essential"].astype(int)
        for (city, essential), part in frame.groupby([frame["city_id"], ess]):
            if city in counts.index and essential in counts.columns:
                counts.loc[city, essential] = len(part)
                progress.loc[city, essential] = weighted_progress(part)
    return counts, progress


@dataclass(frozen=True)
class Measures:
    """Every figure the action plans page shows of a set of actions flagged for a day (`with_flags`);
    nothing but `frame` when the set is empty."""

    frame: pd.DataFrame
    summary: dict | None = None
    by_city: pd.DataFrame | None = None
    priorities: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    mcr_counts: pd.DataFrame | None = None
    mcr_progress: pd.DataFrame | None = None
    funders: pd.DataFrame | None = None


def measures(flagged: pd.DataFrame, today: date, city_order: Iterable[str]) -> Measures:
    """Headline figures, per city, per Sendai priority and target, the MCR2030 matrix (cities in
    `city_order` that have actions) and the funders of flagged actions."""
    if flagged.empty:
        return Measures(flagged)
    present = set(flagged["city_id"])
    counts, progress = mcr_matrix(flagged, [c for c in city_order if c in present])
    return Measures(
        frame=flagged,
        summary=summary(flagged, today),
        by_city=city_summary(flagged, today),
        priorities=sendai_summary(flagged, today, "sendai_priority"),
        targets=sendai_summary(flagged, today, "sendai_target"),
        mcr_counts=counts,
        mcr_progress=progress,
        funders=funder_summary(flagged),
    )


def funder_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per funder: number of actions and amount funded (cancelled actions left out), largest first."""
    live = frame[
        (frame["status"] != "cancelled") & frame["funder"].notna() & (frame["funded_usd"].fillna(0) > 0)
    ]
    if live.empty:
        return pd.DataFrame(columns=["funder", "actions", "funded"])
    out = (
        live.groupby("funder").agg(actions=("action_id", "count"), funded=("funded_usd", "sum")).reset_index()
    )
    return out.sort_values(["funded", "funder"], ascending=[False, True]).reset_index(drop=True)


def filter_actions(
    frame: pd.DataFrame,
    cities: Iterable[str] = (),
    statuses: Iterable[str] = (),
    hazards: Iterable[str] = (),
    essentials: Iterable[int] = (),
) -> pd.DataFrame:
    """Actions matching every given filter (an empty filter keeps everything)."""
    cities, statuses, hazards, essentials = (
        set(cities),
        set(statuses),
        set(hazards),
        {int(e) for e in essentials},
    )
    keep = pd.Series(True, index=frame.index)
    if cities:
        keep &= frame["city_id"].isin(cities)
    if statuses:
        keep &= frame["status"].isin(statuses)
    if hazards:
        keep &= frame["hazards"].fillna("").map(lambda h: bool(hazards & set(str(h).split(";"))))
    if essentials:
        keep &= frame["mcr2030_essential"].astype(int).isin(essentials)
    return frame[keep]
