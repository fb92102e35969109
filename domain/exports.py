"""Presenter decks and export documents: which slides, and what each one says.

Pure functions (no Dash, no Flask, no files, no browser). The presenter page (`/present`), the
PowerPoint files (`presentation/exports.py`) and the PDF brief (`presentation/brief.py`) all take
their words and numbers from here, so a slide says the same thing on the projector, in the PPTX
and in the PDF. UI words come
from the translation catalogue (`i18n`, plain Python), place, indicator and hazard names from the
tables' `_ru`/`_en` columns. Every builder takes the tables and query results it needs as
arguments (the services pass cached ones), so tests call them directly.

Deck tokens (the `slides` query parameter of `/present`: comma-separated, in order):

| token | slide |
|---|---|
| `overview` | coalition overview: ranking by risk index and headline figures |
| `compare` | the comparison of the chosen cities with the chosen weights |
| `stability` | how stable the ranking is when the weights vary |
| `city:<city_id>` | one city: risk, what drives it, hazards, past disasters |
| `hazards:<city_id>` | one city's hazard profile and past disasters |
| `trends` or `trends:<variable>` | projected climate change by 2050 per city and scenario |
| `outlook` | risk outlook: each city's index today and projected to 2050 under SSP2-4.5 (range) |
| `outlook:<city_id>` | one city's risk outlook: today and every scenario and horizon, and its main driver |
| `actions` | action-plan progress (only when the build holds action plans) |
| `infrastructure:<city_id>` | one city's critical facilities against its hazard zones (issue 19) |
| `resilience:<city_id>` | one city's MCR2030 scorecard state and its Sendai loss figures (optional) |
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import pandas as pd

from domain import climate, compare
from domain import losses as loss
from domain import outlook as ol
from domain import scorecard as score
from domain.confidence_words import level_word, people_label, rank_range_text, scope_text
from domain.infrastructure import city_summary, facility_hazards
from domain.infrastructure_words import capacity_text, summary_sentences, zone_text
from domain.provenance import STATUSES
from domain.risk_index import DIMENSION_ORDER
from i18n import format_day, format_int, format_number, format_share, t, tn
from i18n import format_number as num  # short names used below
from i18n import format_range as span
from i18n import format_signed as signed

Tables = Mapping[str, pd.DataFrame]

KINDS = (
    "overview",
    "compare",
    "stability",
    "city",
    "hazards",
    "trends",
    "outlook",
    "actions",
    "infrastructure",
    "resilience",
)
CITY_KINDS = ("city", "hazards", "infrastructure", "resilience")
TREND_HORIZON = 2050
TREND_LATE = 2080
DEFAULT_TREND_VARIABLE = "tmean"
OUTLOOK_SCENARIO = "ssp245"  # the /outlook page's defaults
OUTLOOK_HORIZON = 2050
OUTLOOK_TABLES = ("projection_rules", "ssp_population", "climate_series")
MAX_SLIDES = 60
AUTO_CHOICES = (0, 10, 15, 20, 30, 45, 60, 90, 120)
AUTO_MIN, AUTO_MAX = 3, 600
_TOKEN = re.compile(r"^[a-z_]+(:[a-z0-9_\-]+)?$")


# --- which slides -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SlideRef:
    """One slide of a deck: its kind and, for city slides and trends, its argument."""

    kind: str
    arg: str | None = None

    @property
    def token(self) -> str:
        return f"{self.kind}:{self.arg}" if self.arg else self.kind


def has_actions(tables: Tables) -> bool:
    """Whether the build holds action plans (the action-progress slide is offered only then)."""
    names = tables.tables if hasattr(tables, "tables") else tables
    return "actions" in names and len(tables["actions"]) > 0


def has_climate(tables: Tables) -> bool:
    names = tables.tables if hasattr(tables, "tables") else tables
    return "climate_series" in names and len(tables["climate_series"]) > 0


def has_outlook(tables: Tables) -> bool:
    """Whether the build has what the risk outlook projects with: rules, population paths, climate."""
    names = tables.tables if hasattr(tables, "tables") else tables
    return all(n in names and len(tables[n]) > 0 for n in OUTLOOK_TABLES)


def has_resilience(tables: Tables) -> bool:
    """Whether the build has the scorecard and loss tables (older builds do not)."""
    names = tables.tables if hasattr(tables, "tables") else tables
    return all(
        n in names
        for n in (
            "scorecard_rounds",
            "scorecard_questions",
            "scorecard_scores",
            "event_figure_scopes",
            "losses",
        )
    )


def city_ids_by_rank(tables: Tables) -> list[str]:
    """Member cities, highest risk first (cities without a score last, in table order)."""
    risk = tables["risk"].set_index("city_id")
    order = list(tables["cities"]["city_id"])
    ranks = {
        c: float(r) for c, r in risk["rank"].items() if pd.notna(r)
    }  # a city without a score has no rank
    ranked = sorted(order, key=lambda c: (ranks.get(c, math.inf), order.index(c)))
    return ranked


def trend_variables(tables: Tables) -> list[str]:
    if not has_climate(tables):
        return []
    return climate.available_variables(tables)


def available_slides(tables: Tables) -> list[SlideRef]:
    """Every slide this build can show, in the default deck order."""
    refs = [SlideRef("overview"), SlideRef("compare")]
    refs += [SlideRef("city", c) for c in city_ids_by_rank(tables)]
    if DEFAULT_TREND_VARIABLE in trend_variables(tables):
        refs.append(SlideRef("trends"))
    if has_outlook(tables):
        refs.append(SlideRef("outlook"))
    if has_actions(tables):
        refs.append(SlideRef("actions"))
    return refs


def optional_slides(tables: Tables) -> list[SlideRef]:
    """Slides offered in the deck editor beyond the default deck."""
    refs = [SlideRef("stability")]
    refs += [SlideRef("hazards", c) for c in city_ids_by_rank(tables)]
    refs += [SlideRef("infrastructure", c) for c in city_ids_by_rank(tables)]
    refs += [SlideRef("trends", v) for v in trend_variables(tables) if v != DEFAULT_TREND_VARIABLE]
    if has_outlook(tables):
        refs += [SlideRef("outlook", c) for c in city_ids_by_rank(tables)]
    if has_resilience(tables):
        refs += [SlideRef("resilience", c) for c in city_ids_by_rank(tables)]
    return refs


def is_valid(ref: SlideRef, tables: Tables) -> bool:
    if ref.kind in ("overview", "compare", "stability"):
        return ref.arg is None
    if ref.kind == "resilience" and not has_resilience(tables):
        return False
    if ref.kind in CITY_KINDS:
        return ref.arg in set(tables["cities"]["city_id"])
    if ref.kind == "trends":
        return (ref.arg or DEFAULT_TREND_VARIABLE) in trend_variables(tables)
    if ref.kind == "outlook":
        return has_outlook(tables) and (ref.arg is None or ref.arg in set(tables["cities"]["city_id"]))
    if ref.kind == "actions":
        return ref.arg is None and has_actions(tables)
    return False


def parse_slides(text: str | None, tables: Tables) -> tuple[list[SlideRef], list[str]]:
    """The deck asked for in the URL, and the tokens that were not understood (never raises).

    Empty or missing text gives the default deck. `trends:tmean` is the same slide as `trends`.
    Repeats are allowed (a presenter may come back to a slide); the deck is capped at 60 slides.
    """
    if text is None or not str(text).strip():
        return available_slides(tables), []
    refs: list[SlideRef] = []
    bad: list[str] = []
    for raw in str(text).split(","):
        token = raw.strip().lower()
        if not token:
            continue
        if not _TOKEN.match(token):
            bad.append(raw.strip()[:40])
            continue
        kind, _, arg = token.partition(":")
        ref = SlideRef(kind, arg or None)
        if ref.kind == "trends" and ref.arg == DEFAULT_TREND_VARIABLE:
            ref = SlideRef("trends")
        if ref.kind in KINDS and is_valid(ref, tables):
            refs.append(ref)
        else:
            bad.append(token[:40])
    return refs[:MAX_SLIDES], bad


def slides_param(refs: list[SlideRef]) -> str:
    return ",".join(r.token for r in refs)


def parse_auto(text: str | None) -> tuple[int, bool]:
    """Auto-advance interval in seconds (0 = off) and whether the value was understood."""
    if text is None or str(text).strip() in ("", "0", "off"):
        return 0, True
    try:
        number = float(str(text).strip())
    except ValueError:
        return 0, False
    if not math.isfinite(number):  # "inf", "nan" or a number too long for a float
        return 0, False
    value = int(number)
    if value < AUTO_MIN or value > AUTO_MAX:
        return min(max(value, AUTO_MIN), AUTO_MAX), False
    return value, True


def parse_position(text: str | None, count: int) -> int:
    """The 1-based slide number in the URL, clipped to the deck (1 when missing or malformed)."""
    try:
        value = int(str(text))
    except (TypeError, ValueError):
        return 1
    return min(max(value, 1), max(count, 1))


# --- compare choices (the comparison's query string) ---------------------------------------------


def compare_choice(query: Mapping[str, str], tables: Tables) -> compare.Comparison:
    """The comparison in a `/compare` query string, as an export shows it: bad values quietly
    become defaults (the page itself reports them); the raw-value scale only at indicator level;
    a dimension whose categories all weigh 0 gets its default category weights back."""
    choice, _ = compare.read_comparison(query, tables)
    if choice.level != "indicator":
        choice.scale = "scaled"
    choice.weights, _ = compare.ensure_dimension_weights(compare.full_weights(tables, choice.weights), tables)
    return choice


# --- what a slide says --------------------------------------------------------------------------


@dataclass
class Slide:
    """Words and numbers of one slide (the chart is built separately from the same data)."""

    ref: SlideRef
    title: str
    subtitle: str = ""
    numbers: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    points: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # notes only
    summary: str = ""  # the chart in one sentence
    sources: list[str] = field(default_factory=list)  # formatted, most used first
    status_counts: dict[str, int] = field(default_factory=dict)
    status_line: str = ""
    path: str = "/"  # the dashboard view it shows

    @property
    def illustrative(self) -> bool:
        return self.status_counts.get("illustrative", 0) > 0

    def notes(self, lang: str) -> str:
        """Speaker notes: what the chart shows, the points, data status and every source."""
        parts = [self.summary] if self.summary else []
        parts += [f"• {p}" for p in self.points]
        parts += [f"– {d}" for d in self.details]
        parts.append(self.status_line)
        if self.illustrative:
            parts.append(t("present.illustrative_warning", lang))
        if self.sources:
            parts.append(t("export.sources", lang) + ":")
            parts += [f"{i}. {s}" for i, s in enumerate(self.sources, 1)]
        parts.append(t("export.view", lang, path=self.path))
        return "\n".join(p for p in parts if p)


def source_label(source_id: str | None, sources: pd.DataFrame) -> str:
    """'Publisher, year. Title. URL' for the notes and the brief."""
    if source_id is None or (isinstance(source_id, float) and math.isnan(source_id)):
        return ""
    table = sources.set_index("source_id")
    if source_id not in table.index:
        return str(source_id)
    row = table.loc[source_id]
    head = str(row.get("publisher") or row.get("title") or source_id)
    year = row.get("year")
    if isinstance(year, (int, float)) and year == year:
        head += f", {int(year)}"
    title = row.get("title")
    out = head + (f". {title}" if isinstance(title, str) and title and title != head else "")
    url = row.get("url")
    if isinstance(url, str) and url.startswith("http"):
        out += f". {url}"
    return out


def source_list(ids: pd.Series | list, sources: pd.DataFrame) -> list[str]:
    """Distinct sources, the most cited first (then by id), formatted."""
    series = pd.Series(list(ids), dtype="object").dropna()
    series = series[series.astype(str) != ""]
    if series.empty:
        return []
    counts = series.value_counts()
    ordered = sorted(counts.index, key=lambda s: (-counts[s], str(s)))
    return [source_label(s, sources) for s in ordered]


def count_statuses(statuses, national: int = 0, regional: int = 0) -> dict[str, int]:
    values = pd.Series(list(statuses), dtype="object").dropna()
    counts = {s: int((values == s).sum()) for s in STATUSES}
    counts["national"] = int(national)
    counts["regional"] = int(regional)
    return counts


def scope_count(frame: pd.DataFrame, scope: str, column: str = "value_scope") -> int:
    """How many rows carry the given value scope (0 when the table has no scope column)."""
    return int((frame[column] == scope).sum()) if column in frame else 0


TRUST_SECTIONS = (  # (section key, table, status column): every kind of figure a city brief holds
    ("index", "indicator_scores", "status"),
    ("hazards", "hazards", "status"),
    ("events", "events", "status"),
    ("climate", "climate_series", "status"),
    ("actions", "actions", "data_status"),
)


def section_status_counts(tables: Tables, city_id: str) -> list[tuple[str, dict[str, int]]]:
    """Per section of a city's brief, how many of its figures are sourced, estimated, illustrative
    (index values also count national stand-ins); sections the build lacks or the city has none of are left out."""
    out = []
    present = tables.tables if hasattr(tables, "tables") else tables
    for key, table, column in TRUST_SECTIONS:
        if table not in present or column not in tables[table] or "city_id" not in tables[table]:
            continue
        frame = tables[table][tables[table]["city_id"] == city_id]
        if key == "index" and "value" in frame:
            frame = frame.dropna(subset=["value"])
        if frame.empty:
            continue
        national = int((frame["value_scope"] == "country").sum()) if "value_scope" in frame else 0
        out.append((key, count_statuses(frame[column], national)))
    return out


def status_line(counts: Mapping[str, int], lang: str) -> str:
    if not counts.get("national") and not counts.get("regional"):
        return t(
            "export.status_line_plain",
            lang,
            sourced=format_int(counts.get("sourced", 0), lang),
            estimated=format_int(counts.get("estimated", 0), lang),
            illustrative=format_int(counts.get("illustrative", 0), lang),
        )
    key = "export.status_line_regional" if counts.get("regional") else "export.status_line"
    return t(
        key,
        lang,
        sourced=format_int(counts.get("sourced", 0), lang),
        estimated=format_int(counts.get("estimated", 0), lang),
        illustrative=format_int(counts.get("illustrative", 0), lang),
        national=format_int(counts.get("national", 0), lang),
        regional=format_int(counts.get("regional", 0), lang),
    )


def _names(tables: Tables, lang: str) -> dict[str, dict]:
    col = f"name_{lang}"
    return {
        "city": dict(zip(tables["cities"]["city_id"], tables["cities"][col])),
        "dimension": dict(zip(tables["dimensions"]["dimension"], tables["dimensions"][col])),
        "category": dict(zip(tables["categories"]["category_id"], tables["categories"][col])),
        "indicator": dict(zip(tables["indicators"]["indicator_id"], tables["indicators"][col])),
        "unit": dict(zip(tables["indicators"]["indicator_id"], tables["indicators"][f"unit_{lang}"])),
        "hazard": dict(zip(tables["hazard_types"]["hazard_type"], tables["hazard_types"][col])),
        "level": dict(zip(tables["hazard_levels"]["level"], tables["hazard_levels"][col])),
    }


def _link(path: str, lang: str, query: Mapping[str, str] | None = None) -> str:
    return f"{path}?{urlencode({'lang': lang, **(query or {})})}"


def _index_statuses(tables: Tables, city_ids: list[str] | None = None) -> tuple[dict[str, int], list[str]]:
    scores = tables["indicator_scores"]
    if city_ids is not None:
        scores = scores[scores["city_id"].isin(city_ids)]
    present = scores.dropna(subset=["value"]) if "value" in scores else scores
    return (
        count_statuses(present["status"], scope_count(present, "country"), scope_count(present, "region")),
        list(present["source_id"]),
    )


def overview_slide(tables: Tables, ranked: pd.DataFrame, lang: str) -> Slide:
    """The coalition at a glance: members, residents, highest risk, classes, coverage."""
    scored = ranked.dropna(subset=["risk"])
    numbers = [
        (format_int(len(ranked), lang), t("overview.cities", lang)),
        (format_int(ranked["population"].sum(), lang), people_label(ranked["population_year"], lang)),
    ]
    points = []
    if len(scored):
        top, low = scored.iloc[0], scored.iloc[-1]
        numbers.append((f"{top['name']} · {num(top['risk'], lang)}", t("overview.highest", lang)))
        if len(scored) >= 2:
            points.append(
                t(
                    "overview.ranking_summary",
                    lang,
                    first=top["name"],
                    score=num(top["risk"], lang),
                    last=low["name"],
                    low=num(low["risk"], lang),
                )
            )
        classes = scored.groupby(["risk_class", "class_name"], sort=False).size().reset_index(name="n")
        order = {
            c: i
            for i, c in enumerate(tables["risk_classes"].sort_values("lower", ascending=False)["class_id"])
        }
        classes = classes.assign(_o=classes["risk_class"].map(order)).sort_values("_o")
        points.append(
            t(
                "present.overview.classes",
                lang,
                classes="; ".join(
                    f"{r['class_name']}: {', '.join(scored.loc[scored['risk_class'] == r['risk_class'], 'name'])}"
                    for _, r in classes.iterrows()
                ),
            )
        )
    numbers.append((format_share(float(ranked["coverage"].mean()), lang), t("present.mean_coverage", lang)))
    counts, source_ids = _index_statuses(tables)
    sure = [
        " — ".join((r["name"], f"{level_word(r['confidence'], lang)} ({rank_range_text(r, lang)})"))
        for _, r in scored.iterrows()
        if isinstance(r.get("confidence"), str)
    ]
    points.append(
        t("present.confidence.point", lang, items="; ".join(sure))
        if sure
        else t("overview.ranking_note", lang)
    )
    members = tables["cities"]["member_since"].dropna().astype(str)
    founded = format_day(members.min(), lang) if len(members) else "—"
    return Slide(
        ref=SlideRef("overview"),
        title=t("present.overview.title", lang),
        subtitle=t("present.overview.subtitle", lang, cities=format_int(len(ranked), lang), date=founded),
        numbers=numbers,
        points=points,
        summary=(
            t("present.overview.confidence_summary", lang)
            if "confidence" in ranked
            else t("present.overview.summary", lang, cities=format_int(len(scored), lang))
        ),
        sources=source_list(source_ids + list(ranked["population_source_id"]), tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link("/", lang),
    )


def weights_text(choice: compare.Comparison, tables: Tables, lang: str) -> str:
    """'Weights: Hazard & exposure 1 · Vulnerability 1 · …' plus changed category weights."""
    nm = _names(tables, lang)
    base = compare.default_weights(tables)
    dims = " · ".join(
        f"{nm['dimension'][d]} {num(choice.weights.dimensions.get(d, 1.0), lang)}" for d in DIMENSION_ORDER
    )
    changed = [c for c, w in choice.weights.categories.items() if abs(w - base.categories.get(c, 1.0)) > 1e-9]
    text = t("present.compare.weights", lang, weights=dims)
    if changed:
        text += " " + t(
            "present.compare.changed",
            lang,
            items=", ".join(
                f"{nm['category'].get(c, c)} {num(choice.weights.categories[c], lang)}" for c in changed
            ),
        )
    return text


def item_name(choice: compare.Comparison, tables: Tables, lang: str) -> str:
    if choice.level == "risk":
        return t("index.risk", lang)
    nm = _names(tables, lang)
    return nm[choice.level].get(choice.item, str(choice.item))


def compare_value_column(choice: compare.Comparison) -> str:
    if choice.level == "indicator" and choice.scale == "raw":
        return "value"
    if choice.level == "indicator" and choice.scale == "per_capita":
        return "per_capita"
    return "score"


def compare_slide(
    tables: Tables,
    choice: compare.Comparison,
    table: pd.DataFrame,
    shares: pd.DataFrame | None,
    rows: pd.DataFrame | None,
    lang: str,
) -> Slide:
    """The comparison on screen: the chosen cities on the chosen level with the chosen weights.

    `table` is `compare.compare_table(...)` for the choice, `shares` its rank shares (or None),
    `rows` the indicator rows behind it (for statuses and sources; or None).
    """
    nm = _names(tables, lang)
    col = compare_value_column(choice)
    shown = table.dropna(subset=[col]).sort_values(col, ascending=False)
    what = item_name(choice, tables, lang)
    unit = nm["unit"].get(choice.item, "") if col == "value" else ""
    fmt = (
        (lambda v: f"{num(v, lang, 2 if abs(v) < 10 else 1 if abs(v) < 1000 else 0)} {unit}".strip())
        if col == "value"
        else (lambda v: num(v, lang))
    )
    numbers, points = [], []
    if len(shown):
        first = shown.iloc[0]
        numbers.append(
            (
                f"{nm['city'][first['city_id']]} · {fmt(first[col])}",
                t("present.compare.highest", lang, item=what),
            )
        )
        last = shown.iloc[-1]
        if len(shown) >= 2:
            numbers.append(
                (f"{nm['city'][last['city_id']]} · {fmt(last[col])}", t("present.compare.lowest", lang))
            )
            order = " > ".join(f"{nm['city'][r['city_id']]} ({fmt(r[col])})" for _, r in shown.iterrows())
            points.append(f"{what}: {order}.")
    if shares is not None and len(shares) >= 2:
        top = shares.index[0]
        numbers.append(
            (
                format_share(float(shares.iloc[0][1]), lang),
                t("present.compare.stable_top", lang, city=nm["city"].get(top, top)),
            )
        )
    numbers.append((format_int(len(choice.cities), lang), t("present.compare.cities", lang)))
    points.append(weights_text(choice, tables, lang))
    if rows is not None and len(rows):
        present = rows.dropna(subset=["value"])
        counts = count_statuses(
            present["status"], scope_count(present, "country"), scope_count(present, "region")
        )
        ids = list(present["source_id"])
    else:
        counts, ids = _index_statuses(tables, choice.cities)
    subtitle = f"{what}: " + ", ".join(nm["city"][c] for c in choice.cities)
    return Slide(
        ref=SlideRef("compare"),
        title=t("present.compare.title", lang),
        subtitle=subtitle,
        numbers=numbers,
        points=points,
        summary=t("present.compare.summary", lang, item=what, cities=format_int(len(shown), lang)),
        sources=source_list(ids, tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link("/compare", lang, compare.comparison_query(choice, tables)),
    )


def stability_slide(
    tables: Tables, choice: compare.Comparison, shares: pd.DataFrame, draws: int, lang: str
) -> Slide:
    """How often each city takes each rank when the weights vary around the chosen ones."""
    nm = _names(tables, lang)
    numbers, points = [], []
    if len(shares) >= 1:
        for city, row in list(shares.iterrows())[:3]:
            rank = int(row.idxmax())
            numbers.append(
                (
                    format_share(float(row.max()), lang),
                    t("present.stability.item", lang, city=nm["city"].get(city, city), rank=rank),
                )
            )
    modal = {city: int(row.idxmax()) for city, row in shares.iterrows()}
    stable = sum(
        1 for k, city in enumerate(shares.index) if modal[city] == k + 1 and shares.loc[city, k + 1] >= 0.9
    )
    points.append(
        t(
            "present.stability.stable",
            lang,
            stable=format_int(stable, lang),
            of_total=tn("count.of_city", len(shares), lang),
        )
    )
    points.append(t("present.stability.method", lang, draws=format_int(draws, lang)))
    points.append(weights_text(choice, tables, lang))
    counts, ids = _index_statuses(tables, choice.cities)
    return Slide(
        ref=SlideRef("stability"),
        title=t("present.stability.title", lang),
        subtitle=t("present.stability.subtitle", lang, draws=format_int(draws, lang)),
        numbers=numbers,
        points=points,
        summary=t("present.stability.summary", lang),
        sources=source_list(ids, tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link("/compare", lang, compare.comparison_query(choice, tables)),
    )


def hazard_rows(tables: Tables, city_id: str, lang: str) -> pd.DataFrame:
    """A city's hazards, highest level first: name, level, level name, colour, evidence, status, source."""
    levels = tables["hazard_levels"].set_index("level")
    types = tables["hazard_types"].set_index("hazard_type")
    hz = tables["hazards"][tables["hazards"]["city_id"] == city_id].copy()
    hz["rank"] = hz["level"].map(levels["rank"])
    hz["order"] = hz["hazard_type"].map(types["sort_order"])
    hz["name"] = hz["hazard_type"].map(types[f"name_{lang}"])
    hz["level_name"] = hz["level"].map(levels[f"name_{lang}"])
    hz["colour"] = hz["level"].map(levels["colour"])
    hz["evidence"] = hz[f"evidence_{lang}"]
    hz["basis"] = [basis_text(r, tables["hazard_thresholds"], lang) for _, r in hz.iterrows()]
    return hz.sort_values(["rank", "order"], ascending=[False, True]).reset_index(drop=True)


def basis_text(hazard: pd.Series, thresholds: pd.DataFrame, lang: str) -> str:
    """The published figure behind an assessed level and its threshold rule, in words ('' when not assessed)."""
    metric = hazard.get("basis_metric")
    if metric is None or pd.isna(metric):
        return ""
    rule = thresholds[(thresholds["metric"] == metric) & (thresholds["level"] == hazard["level"])]
    value = float(hazard["basis_value"])
    shown = format_number(value, lang, 0 if value.is_integer() else 1)
    if rule.empty:
        return f"{metric}: {shown}"
    r = rule.iloc[0]
    return (
        f"{t('profile.basis', lang)} {r[f'name_{lang}']}: {shown} "
        f"{r[f'unit_{lang}']}; {t('profile.rule', lang)} {r[f'rule_{lang}']}."
    )


def event_rows(tables: Tables, city_id: str, lang: str) -> pd.DataFrame:
    """A city's past disasters, most recent first, with hazard name and impacts in words."""
    ev = tables["events"][tables["events"]["city_id"] == city_id].copy()
    types = tables["hazard_types"].set_index("hazard_type")
    ev["hazard"] = ev["hazard_type"].map(types[f"name_{lang}"]).fillna(ev["hazard_type"])
    ev["title"] = ev[f"title_{lang}"]
    ev["when"] = [format_day(d, lang) for d in ev["start_date"]]
    ev["impacts"] = [impacts_text(r, lang) for _, r in ev.iterrows()]
    return ev.sort_values(["start_date", "event_id"], ascending=[False, True]).reset_index(drop=True)


def impacts_text(event: pd.Series, lang: str) -> str:
    parts = []
    for col, key in (
        ("deaths", "profile.deaths"),
        ("affected", "profile.affected"),
        ("damage_usd", "profile.damage"),
    ):
        if pd.notna(event.get(col)):
            parts.append(t(key, lang, value=format_int(event[col], lang)))
    return " · ".join(parts)


def drivers_text(
    city_name: str, decomp: pd.DataFrame, drivers: pd.DataFrame, tables: Tables, lang: str, limit: int = 3
) -> tuple[str, list[str]]:
    """(head sentence, strongest drivers as short phrases) — the profile's wording."""
    nm = _names(tables, lang)
    risk = decomp[decomp["level"] == "risk"].iloc[0]
    head = t(
        "profile.drivers_head",
        lang,
        city=city_name,
        score=num(risk["score"], lang),
        median=num(risk["median"], lang),
    )
    items = [
        t(
            "profile.driver_item",
            lang,
            name=nm[r["level"]].get(r["id"], r["id"]),
            score=num(r["score"], lang),
            median=num(r["median"], lang),
            push=num(r["push"], lang, 2),
        )
        for _, r in drivers.head(limit).iterrows()
    ]
    return head, items


def city_slide(
    tables: Tables, city_id: str, ranked: pd.DataFrame, decomp: pd.DataFrame, drivers: pd.DataFrame, lang: str
) -> Slide:
    """One city: its risk and class, rank, what lifts it, main hazards and past disasters."""
    city = tables["cities"].set_index("city_id").loc[city_id]
    row = ranked.set_index("city_id").loc[city_id]
    total = int(ranked["risk"].notna().sum())
    numbers = [
        (
            num(row["risk"], lang),
            t("index.risk", lang) + (f" · {row['class_name']}" if isinstance(row["class_name"], str) else ""),
        )
    ]
    if pd.notna(row["rank"]):
        numbers.append((f"{int(row['rank'])} / {total}", t("present.city.rank", lang)))
    numbers.append(
        (
            format_int(city["population"], lang),
            t(
                "present.city.population",
                lang,
                year=int(city["population_year"]) if pd.notna(city["population_year"]) else "—",
            ),
        )
    )
    if isinstance(row.get("confidence"), str):
        detail = "; ".join(p for p in (rank_range_text(row, lang), scope_text(row, lang)) if p)
        numbers.append(
            (
                t(f"confidence.level.{row['confidence']}", lang),
                t("present.confidence.number", lang, detail=detail),
            )
        )
    else:
        numbers.append((format_share(float(row["coverage"]), lang), t("overview.coverage", lang)))
    head, items = drivers_text(city[f"name_{lang}"], decomp, drivers, tables, lang, limit=2)
    points = [head + (" " + t("present.city.drivers", lang, items="; ".join(items)) if items else "")]
    hz = hazard_rows(tables, city_id, lang)
    high = hz[hz["level"] == "high"]["name"].tolist()
    medium = hz[hz["level"] == "medium"]["name"].tolist()
    if high or medium:
        points.append(
            t("present.city.hazards", lang, high=", ".join(high) or "—", medium=", ".join(medium) or "—")
        )
    ev = event_rows(tables, city_id, lang)
    own = ev[ev["context"] == "city"] if "context" in ev else ev
    if len(ev):
        latest = ev.iloc[0]
        points.append(
            t(
                "present.city.events",
                lang,
                count=format_int(len(own), lang),
                total=format_int(len(ev), lang),
                latest=f"{latest['title']} ({latest['when']})",
            )
        )
    counts, ids = _index_statuses(tables, [city_id])
    hz_counts = count_statuses(list(hz["status"]) + list(ev["status"]))
    for s in STATUSES:
        counts[s] += hz_counts[s]
    ids = ids + list(hz["source_id"]) + list(ev["source_id"]) + [city.get("population_source_id")]
    return Slide(
        ref=SlideRef("city", city_id),
        title=city[f"name_{lang}"],
        subtitle=f"{city[f'country_{lang}']} · {city[f'admin1_{lang}']}",
        numbers=numbers,
        points=points,
        summary=t("present.city.summary", lang, city=city[f"name_{lang}"]),
        sources=source_list(ids, tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link(f"/city/{city_id}", lang),
    )


def hazards_slide(tables: Tables, city_id: str, lang: str) -> Slide:
    """One city's hazard profile (level per hazard, with evidence) and its recorded disasters."""
    city = tables["cities"].set_index("city_id").loc[city_id]
    hz = hazard_rows(tables, city_id, lang)
    ev = event_rows(tables, city_id, lang)
    levels_desc = tables["hazard_levels"].sort_values("rank", ascending=False)
    numbers = [
        (format_int(int((hz["level"] == lvl).sum()), lang), t("present.hazards.count", lang, level=name))
        for lvl, name in zip(levels_desc["level"], levels_desc[f"name_{lang}"])
        if (hz["level"] == lvl).any()
    ][:3]
    own = ev[ev["context"] == "city"] if "context" in ev else ev
    numbers.append((format_int(len(own), lang), t("overview.events", lang)))
    points = []
    for lvl, name in zip(levels_desc["level"], levels_desc[f"name_{lang}"]):
        names = hz.loc[hz["level"] == lvl, "name"].tolist()
        if names and lvl in ("high", "medium"):
            points.append(f"{name}: {', '.join(names)}")
    for _, e in ev.head(2).iterrows():
        points.append(f"{e['when']}: {e['title']}" + (f" ({e['impacts']})" if e["impacts"] else ""))
    details = [f"{r['name']} — {r['level_name']}: {r['evidence']}" for _, r in hz.iterrows()]
    counts = count_statuses(list(hz["status"]) + list(ev["status"]))
    return Slide(
        ref=SlideRef("hazards", city_id),
        title=t("present.hazards.title", lang, city=city[f"name_{lang}"]),
        subtitle=t("present.hazards.subtitle", lang),
        numbers=numbers,
        points=points,
        details=details,
        summary=t("present.hazards.summary", lang, city=city[f"name_{lang}"]),
        sources=source_list(list(hz["source_id"]) + list(ev["source_id"]), tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link(f"/city/{city_id}", lang),
    )


def unit_text(unit: str, lang: str) -> str:
    keys = {
        "°C": "trends.unit.c",
        "days/yr": "trends.unit.days",
        "mm/yr": "trends.unit.mm",
        "%": "trends.unit.pct",
    }
    return t(keys[unit], lang) if unit in keys else unit


def trends_slide(tables: Tables, variable: str, horizons: pd.DataFrame, lang: str) -> Slide:
    """Projected change of one climate variable by 2050 (and 2080) per city and scenario.

    `horizons` is `climate.horizon_table(data, cities, variable, scenarios, horizons=(2050, 2080))`.
    """
    nm = _names(tables, lang)
    digits = 1 if variable == "tmean" else 0
    unit = unit_text(climate.change_unit(variable), lang)
    variable_name = t(f"trends.var.{variable}", lang)
    base = climate.DEFAULT_BASELINE.replace("-", "–")
    numbers, points = [], []
    mid = horizons[horizons["year"] == TREND_HORIZON].dropna(subset=["change"])
    for scen in climate.PROJECTIONS:
        part = mid[mid["scenario"] == scen]
        if part.empty:
            continue
        lo, hi = part["change"].min(), part["change"].max()
        value = (
            signed(lo, lang, digits)
            if abs(hi - lo) < 10**-digits
            else f"{signed(lo, lang, digits)}…{signed(hi, lang, digits)}"
        )
        numbers.append(
            (
                f"{value} {unit}".strip(),
                t(
                    "present.trends.by",
                    lang,
                    year=TREND_HORIZON,
                    scenario=t(f"trends.scen_short.{scen}", lang),
                ),
            )
        )
    late = horizons[
        (horizons["year"] == TREND_LATE) & (horizons["scenario"] == climate.PROJECTIONS[-1])
    ].dropna(subset=["change"])
    if len(late):
        top = late.loc[late["change"].idxmax()]
        points.append(
            t(
                "present.trends.late",
                lang,
                year=TREND_LATE,
                scenario=t(f"trends.scen_short.{climate.PROJECTIONS[-1]}", lang),
                city=nm["city"].get(top["city_id"], top["city_id"]),
                change=f"{signed(top['change'], lang, digits)} {unit}".strip(),
            )
        )
    base_means = horizons.drop_duplicates("city_id").set_index("city_id")["baseline_mean"].dropna()
    if len(base_means):
        points.append(
            t(
                "present.trends.baseline",
                lang,
                base=base,
                low=f"{num(base_means.min(), lang, digits)}",
                high=f"{num(base_means.max(), lang, digits)}",
                unit=unit_text(climate.CLIMATE_UNITS.get(variable, ""), lang),
            )
        )
    points.append(t("present.trends.spread", lang))
    series = climate.table(tables)
    mine = series[series["variable"] == variable]
    counts = count_statuses(mine.drop_duplicates(["city_id", "scenario"])["status"])
    return Slide(
        ref=SlideRef("trends", None if variable == DEFAULT_TREND_VARIABLE else variable),
        title=t("present.trends.title", lang, variable=variable_name),
        subtitle=t("present.trends.subtitle", lang, year=TREND_HORIZON, base=base, unit=unit),
        numbers=numbers,
        points=points,
        summary=t("present.trends.summary", lang, variable=variable_name, year=TREND_HORIZON, base=base),
        sources=source_list(
            mine.drop_duplicates(["city_id", "scenario", "source_id"])["source_id"], tables["sources"]
        ),
        status_counts=counts,
        status_line=t(
            "export.status_series",
            lang,
            statuses=", ".join(t(f"status.{s}", lang) for s in STATUSES if counts.get(s)),
        ),
        path=_link("/trends", lang, {"var": variable} if variable != DEFAULT_TREND_VARIABLE else None),
    )


# --- the risk outlook (domain/outlook.py; `result` is its OutlookResult) ------------------------------


def scenario_short(scenario: str, lang: str) -> str:
    return t(f"outlook.scen_short.{scenario}", lang)


def outlook_score(result, city_id: str, scenario: str, horizon: int | None = None) -> pd.Series | None:
    """One row of the outlook's scores: a city today (`scenario="today"`) or at a scenario and horizon."""
    s = result.scores
    rows = s[(s["city_id"] == city_id) & (s["scenario"] == scenario)]
    if horizon is not None:
        rows = rows[rows["horizon"] == horizon]
    return rows.iloc[0] if len(rows) else None


def outlook_statuses(
    tables: Tables,
    result,
    city_ids: list[str] | None = None,
    scenario: str | None = None,
    horizon: int | None = None,
) -> tuple[dict[str, int], list[str]]:
    """Status counts of the values behind projected scores, and their sources.

    One value per city and indicator (median climate member, its worst status over the scenarios
    and horizons asked for): a value a rule moved is as bad as its rule and driver, a held one at
    least `estimated`. Sources: today's values, the rules that moved them and their drivers
    (climate series, population paths).
    """
    p = result.projected
    p = p[p["member"] == "p50"]
    if city_ids is not None:
        p = p[p["city_id"].isin(city_ids)]
    if scenario is not None:
        p = p[p["scenario"] == scenario]
    if horizon is not None:
        p = p[p["horizon"] == horizon]
    if p.empty:
        return count_statuses([]), []
    per = p.groupby(["city_id", "indicator_id"]).agg(
        status=("status", ol.worst_of), scope=("value_scope", "first"), source_id=("source_id", "first")
    )
    counts = count_statuses(
        per["status"], scope_count(per, "country", "scope"), scope_count(per, "region", "scope")
    )
    moved = p[p["moved"]]
    rules = tables["projection_rules"].drop_duplicates("rule_id").set_index("rule_id")["source_id"]
    ids = list(per["source_id"]) + [rules.get(r) for r in moved["rule_id"].drop_duplicates()]
    drivers = {v for d in moved["driver"].dropna().unique() for v in str(d).split("+")}
    cities = set(p["city_id"])
    series = tables["climate_series"]
    mine = series[series["city_id"].isin(cities) & series["variable"].isin(drivers)]
    ids += list(mine.drop_duplicates(["city_id", "variable", "source_id"])["source_id"])
    if "ssp_population" in drivers:
        iso3 = set(tables["cities"].loc[tables["cities"]["city_id"].isin(cities), "country_iso3"])
        pop = tables["ssp_population"]
        ids += list(pop[pop["iso3"].isin(iso3)].drop_duplicates(["iso3", "source_id"])["source_id"])
    return counts, ids


def outlook_slide(
    tables: Tables, result, lang: str, scenario: str = OUTLOOK_SCENARIO, horizon: int = OUTLOOK_HORIZON
) -> Slide:
    """Every city's risk index today and projected to `horizon` under `scenario` (point and range),
    and how often the order of the cities changes between scenarios."""
    nm = _names(tables, lang)
    scen = scenario_short(scenario, lang)
    scenarios = list(result.meta["scenarios"])
    tab = ol.ranking_table(result, horizon)
    scored = tab.dropna(subset=["today_risk", f"{scenario}_risk"])
    numbers, points, details = [], [], []
    if len(scored):
        top = scored.loc[scored[f"{scenario}_risk"].idxmax()]
        numbers.append(
            (
                f"{nm['city'][top['city_id']]} · {num(top[f'{scenario}_risk'], lang)}",
                t("present.outlook.highest", lang, year=horizon, scenario=scen),
            )
        )
        change = scored[f"{scenario}_risk"] - scored["today_risk"]
        big = change.abs().idxmax()
        numbers.append(
            (
                signed(change[big], lang, 2),
                t(
                    "present.outlook.largest_change",
                    lang,
                    year=horizon,
                    scenario=scen,
                    city=nm["city"][scored.at[big, "city_id"]],
                ),
            )
        )
    oc = result.order_change.set_index(["scenario", "horizon"])["share"]
    if (scenario, horizon) in oc.index:
        numbers.append(
            (
                format_share(float(oc[(scenario, horizon)]), lang),
                t("present.outlook.order_share", lang, year=horizon, scenario=scen),
            )
        )
    rank_cols = [f"{s}_rank" for s in scenarios]
    moving = scored[scored[rank_cols].nunique(axis=1) > 1]
    numbers.append(
        (
            f"{format_int(len(moving), lang)} / {format_int(len(scored), lang)}",
            t("present.outlook.rank_moves", lang, year=horizon),
        )
    )
    shares = ", ".join(
        f"{scenario_short(s, lang)} — {format_share(float(oc[(s, horizon)]), lang)}"
        for s in scenarios
        if (s, horizon) in oc.index
    )
    points.append(
        t(
            "present.outlook.order",
            lang,
            year=horizon,
            shares=shares,
            draws=format_int(result.meta.get("draws", 0), lang),
        )
    )
    if len(moving):
        items = "; ".join(
            f"{nm['city'][r['city_id']]} " + " / ".join(str(int(r[c])) for c in rank_cols)
            for _, r in moving.iterrows()
        )
        points.append(
            t(
                "present.outlook.rank_differs",
                lang,
                year=horizon,
                items=items,
                scenarios=" / ".join(scenario_short(s, lang) for s in scenarios),
            )
        )
    else:
        points.append(t("present.outlook.rank_same", lang, year=horizon))
    points.append(t("outlook.panel.caveat", lang))
    for _, r in scored.iterrows():
        details.append(
            t(
                "present.outlook.city_line",
                lang,
                city=nm["city"][r["city_id"]],
                today=num(r["today_risk"], lang),
                today_range=span(r["today_risk_p10"], r["today_risk_p90"], lang),
                year=horizon,
                scenario=scen,
                value=num(r[f"{scenario}_risk"], lang),
                range=span(r[f"{scenario}_risk_p10"], r[f"{scenario}_risk_p90"], lang),
                change=signed(r[f"{scenario}_risk"] - r["today_risk"], lang, 2),
            )
        )
    details.append(t("export.outlook_method", lang, draws=format_int(result.meta.get("draws", 0), lang)))
    counts, ids = outlook_statuses(tables, result, scenario=scenario, horizon=horizon)
    return Slide(
        ref=SlideRef("outlook"),
        title=t("present.outlook.title", lang, year=horizon),
        subtitle=t("present.outlook.subtitle", lang, year=horizon, scenario=scen),
        numbers=numbers,
        points=points,
        details=details,
        summary=t("present.outlook.summary", lang, year=horizon, scenario=scen),
        sources=source_list(ids, tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link("/outlook", lang, {"scen": scenario, "h": str(horizon)}),
    )


def outlook_city_slide(
    tables: Tables,
    result,
    city_id: str,
    driver: str,
    lang: str,
    scenario: str = OUTLOOK_SCENARIO,
    horizon: int = OUTLOOK_HORIZON,
) -> Slide:
    """One city's outlook: today and each scenario at `horizon` (point and range), its main driver
    (`driver`: the outlook page's sentence, `components.outlook_panel.driver_sentence`) and ranks."""
    city = tables["cities"].set_index("city_id").loc[city_id]
    name = city[f"name_{lang}"]
    scenarios = list(result.meta["scenarios"])
    horizons = list(result.meta["horizons"])
    today = outlook_score(result, city_id, ol.TODAY)
    projected = {(s, h): outlook_score(result, city_id, s, h) for h in horizons for s in scenarios}
    numbers, points, details = [], [], []
    if today is None or pd.isna(today["risk"]):
        numbers.append(("—", t("present.outlook.today_label", lang)))
        points.append(t("outlook.no_score", lang))
    else:
        numbers.append((num(today["risk"], lang), t("present.outlook.today_label", lang)))
        for s in scenarios:
            row = projected.get((s, horizon))
            if row is not None and pd.notna(row["risk"]):
                numbers.append(
                    (
                        f"{num(row['risk'], lang)} ({signed(row['change'], lang, 2)})",
                        t(
                            "present.outlook.by_range",
                            lang,
                            year=horizon,
                            scenario=scenario_short(s, lang),
                            range=span(row["risk_p10"], row["risk_p90"], lang),
                        ),
                    )
                )
        if driver:
            points.append(driver)
        chosen = projected.get((scenario, horizon))
        if chosen is not None and pd.notna(chosen["risk"]):
            classes = dict(zip(tables["risk_classes"]["class_id"], tables["risk_classes"][f"name_{lang}"]))
            points.append(
                t(
                    "outlook.summary",
                    lang,
                    city=name,
                    today=num(today["risk"], lang),
                    today_class=classes.get(today["risk_class"], "—"),
                    year=horizon,
                    scenario=scenario_short(scenario, lang),
                    value=num(chosen["risk"], lang),
                    range=span(chosen["risk_p10"], chosen["risk_p90"], lang),
                    change=signed(chosen["change"], lang, 2),
                    change_range=f"{signed(chosen['change_p10'], lang, 2)} … {signed(chosen['change_p90'], lang, 2)}",
                )
            )
        ranks = []
        for s in scenarios:
            row = projected.get((s, horizon))
            if row is not None and pd.notna(row["rank"]):
                ranks.append(f"{scenario_short(s, lang)}: {int(row['rank'])}")
        if pd.notna(today["rank"]) and ranks:
            points.append(
                t(
                    "present.outlook.rank",
                    lang,
                    today=int(today["rank"]),
                    year=horizon,
                    ranks=", ".join(ranks),
                    total=format_int(
                        int(result.scores.loc[result.scores["scenario"] == ol.TODAY, "risk"].notna().sum()),
                        lang,
                    ),
                )
            )
        for h in horizons:
            for s in scenarios:
                row = projected[(s, h)]
                if row is not None and pd.notna(row["risk"]):
                    details.append(
                        t(
                            "present.outlook.detail",
                            lang,
                            scenario=scenario_short(s, lang),
                            year=h,
                            value=num(row["risk"], lang),
                            range=span(row["risk_p10"], row["risk_p90"], lang),
                            change=signed(row["change"], lang, 2),
                        )
                    )
    details.append(t("outlook.panel.caveat", lang))
    details.append(t("export.outlook_method", lang, draws=format_int(result.meta.get("draws", 0), lang)))
    counts, ids = outlook_statuses(tables, result, [city_id])
    return Slide(
        ref=SlideRef("outlook", city_id),
        title=t("outlook.fan_heading", lang, city=name),
        subtitle=t("present.outlook.city_subtitle", lang, scenario=scenario_short(scenario, lang)),
        numbers=numbers,
        points=points,
        details=details,
        summary=t("present.outlook.city_summary", lang, city=name),
        sources=source_list(ids, tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link("/outlook", lang, {"cities": city_id, "scen": scenario, "h": str(horizon)}),
    )


def money(value: float, lang: str) -> str:
    if value is None or value != value:
        return "—"
    if abs(value) >= 1_000_000:
        return t("present.usd_m", lang, value=format_number(value / 1_000_000, lang, 1))
    return t("present.usd", lang, value=format_int(value, lang))


def actions_slide(tables: Tables, frame: pd.DataFrame, totals: Mapping[str, float], lang: str) -> Slide:
    """Action-plan progress across the coalition: counts by status, progress, funding.

    `frame` is the current actions table (baseline with saved updates), `totals` the summary of
    `domain.actions.summary(frame, today)`.
    """
    numbers = [
        (format_int(totals["actions"], lang), t("present.actions.count", lang)),
        (
            format_share(totals["weighted_progress"] / 100, lang)
            if totals["weighted_progress"] == totals["weighted_progress"]
            else "—",
            t("present.actions.progress", lang),
        ),
        (format_int(totals["completed"], lang), t("present.actions.completed", lang)),
        (
            f"{format_int(totals['delayed'], lang)} / {format_int(totals['overdue'], lang)}",
            t("present.actions.late", lang),
        ),
    ]
    points = [
        t(
            "present.actions.funding",
            lang,
            funded=money(totals["funded"], lang),
            budget=money(totals["budget"], lang),
            gap=money(totals["gap"], lang),
            share=format_share(totals["funded"] / totals["budget"], lang) if totals["budget"] else "—",
        )
    ]
    points.append(t("present.actions.weighting", lang))
    status_col = "data_status" if "data_status" in frame else "status"
    counts = count_statuses(frame[status_col])
    return Slide(
        ref=SlideRef("actions"),
        title=t("present.actions.title", lang),
        subtitle=t("present.actions.subtitle", lang, cities=format_int(frame["city_id"].nunique(), lang)),
        numbers=numbers,
        points=points,
        summary=t("present.actions.summary", lang),
        sources=source_list(frame.get("source_id", []), tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link("/actions", lang),
    )


# --- the PDF brief of a city ----------------------------------------------------------------------


def driver_reference(driver: str | None, reference_year: int, year: int, baseline: str, lang: str) -> str:
    """What the outlook driver's change is measured from, and what the driver is: the outlook's
    reference year in the same climate member, not the climate section's baseline average (or the
    SSP population path from the reference year); empty when the outlook names no driver."""
    if not driver:
        return ""
    period = baseline.replace("-", "–")
    if driver == "ssp_population":
        return t("export.driver_reference.population", lang, ref=reference_year, year=year)
    names = ", ".join(t(f"trends.var.{part}", lang) for part in driver.split("+"))
    return t(
        "export.driver_reference.climate",
        lang,
        variable=names,
        ref=reference_year,
        year=year,
        baseline=period,
        section=t("profile.climate", lang),
    )


# --- MCR2030 scorecard and Sendai losses -------------------------------------------------------


@dataclass(frozen=True)
class ResilienceText:
    """A city's scorecard and loss lines for a slide or the brief, with their statuses and sources."""

    scorecard: list[str]
    losses: list[str]
    statuses: dict[str, int]
    sources: list[str]
    assessed: bool
    has_losses: bool


def resilience_text(tables: Tables, city_id: str, lang: str) -> ResilienceText:
    """The scorecard's state (round, mean, weakest essential, gaps without a plan) and the city's
    Sendai losses (city-scope figures, B-1 and A-1 by decade, wider-area figures kept apart)."""
    rounds, scores, questions = (
        tables["scorecard_rounds"],
        tables["scorecard_scores"],
        tables["scorecard_questions"],
    )
    state = score.assessment_state([city_id], rounds)[city_id]
    matrix = score.essential_matrix([city_id], rounds, scores, questions)
    card: list[str] = []
    statuses: list[str] = []
    sources: list[str] = []
    mine = rounds[rounds["city_id"] == city_id].sort_values("date")
    if state == score.ASSESSED:
        last = mine[mine["status"] == "scores_published"].iloc[-1]
        row = matrix.loc[city_id].dropna()
        weakest = int(row.idxmin())
        card.append(
            t(
                "scorecard.brief.assessed",
                lang,
                date=format_day(last["date"], lang),
                mean=num(row.mean(), lang),
                essential=t(f"scorecard.essential.{weakest}", lang),
                score=num(row[weakest], lang),
            )
        )
        gaps = score.gaps_without_plan(city_id, matrix, tables["actions"]) if has_actions(tables) else []
        if gaps:
            card.append(
                t(
                    "scorecard.brief.gaps",
                    lang,
                    essentials="; ".join(t(f"scorecard.essential.{g.essential}", lang) for g in gaps),
                )
            )
        statuses.append(last["data_status"])
        sources.append(last["source_id"])
    elif state == score.HELD:
        last = mine.iloc[-1]
        card.append(t("scorecard.brief.held", lang, date=format_day(last["date"], lang)))
        statuses.append(last["data_status"])
        sources.append(last["source_id"])
    else:
        card.append(t("scorecard.brief.not_assessed", lang))
    records = loss.loss_records(tables["events"], tables["event_figure_scopes"], tables["losses"])
    records = records[records["city_id"] == city_id]
    own = loss.city_events(tables["events"], records)
    population = float(tables["cities"].set_index("city_id").at[city_id, "population"])
    city_figs, wider = loss.city_scope(records), loss.withheld(records)
    lines: list[str] = []
    if len(city_figs):
        lines.append(
            t(
                "losses.brief.figures",
                lang,
                count=format_int(len(city_figs), lang),
                fields=", ".join(
                    t(f"losses.field.{f}", lang).lower() for f in dict.fromkeys(city_figs["field"])
                ),
            )
        )
        for ind in ("a1", "b1"):
            for start, end in loss.DECADES:
                v = loss.indicator(ind, city_id, start, end, records, own, population)
                if v.value is not None:
                    lines.append(
                        t(
                            "losses.brief.indicator",
                            lang,
                            indicator=t(f"losses.ind.{ind}", lang),
                            start=start,
                            end=end,
                            value=num(v.value, lang, 2),
                            with_figure=v.events_with_figure,
                            events=v.events,
                        )
                    )
        statuses += list(city_figs["status"])
        sources += list(city_figs["source_id"])
    else:
        lines.append(t("losses.brief.none", lang))
    if len(wider):
        lines.append(t("losses.brief.withheld", lang, count=format_int(len(wider), lang)))
    return ResilienceText(
        card,
        lines,
        count_statuses(statuses),
        list(dict.fromkeys(sources)),
        state == score.ASSESSED,
        bool(len(city_figs)),
    )


def resilience_slide(tables: Tables, city_id: str, lang: str) -> Slide:
    """One city's scorecard and losses on a slide (the chart: its essentials, or its B-1 by decade)."""
    name = tables["cities"].set_index("city_id").at[city_id, f"name_{lang}"]
    text = resilience_text(tables, city_id, lang)
    slide = Slide(
        SlideRef("resilience", city_id),
        t("scorecard.slide_title", lang, city=name),
        subtitle=t("scorecard.slide_subtitle", lang),
        points=[
            f"{t('scorecard.brief.heading', lang)} {' '.join(text.scorecard)}",
            f"{t('losses.brief.heading', lang)} {text.losses[0]}",
            *text.losses[1:],
        ],
        details=[t("scorecard.brief.note", lang)],
        summary=t("scorecard.slide_summary", lang, city=name),
        sources=source_list(text.sources, tables["sources"]),
        status_counts=text.statuses,
        status_line=status_line(text.statuses, lang),
        path=_link("/scorecard", lang, {"cities": city_id}),
    )
    return slide


def source_groups(ids: pd.Series, sources: pd.DataFrame) -> list[tuple[str, int]]:
    """Sources of many values, grouped by publisher and year, most used first: [(label, values)]."""
    table = sources.set_index("source_id")
    labels = []
    for sid in pd.Series(list(ids), dtype="object").dropna():
        if sid in table.index:
            row = table.loc[sid]
            label = str(row.get("publisher") or row.get("title") or sid)
            year = row.get("year")
            labels.append(
                label + (f", {int(year)}" if isinstance(year, (int, float)) and year == year else "")
            )
        else:
            labels.append(str(sid))
    counts = pd.Series(labels, dtype="object").value_counts()
    return sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))


def file_name(kind: str, lang: str, ext: str, city_id: str | None = None, today: date | None = None) -> str:
    """'ccca-deck-en-2026-11-26.pptx', 'ccca-osh-brief-ru-….pdf' (ASCII only)."""
    stamp = (today or date.today()).isoformat()
    stem = "-".join(p for p in ("ccca", city_id, kind, lang, stamp) if p)
    return re.sub(r"[^a-z0-9\-]", "-", stem.lower()) + f".{ext}"


# --- critical infrastructure (issue 19) ---------------------------------------------------------


def infrastructure_rows(tables: Tables, city_id: str, lang: str) -> pd.DataFrame:
    """A city's facilities with type, capacity and worst zone in words (brief and slide)."""
    rows = facility_hazards(
        tables["facilities"][tables["facilities"]["city_id"] == city_id], tables["facility_exposure"]
    )
    has_zones = bool((tables["hazard_zones"]["city_id"] == city_id).any())
    return rows.assign(
        name=rows[f"name_{lang}"],
        type_name=[t(f"infra.type.{x}", lang) for x in rows["facility_type"]],
        capacity_words=[
            capacity_text(c, u if isinstance(u, str) else None, lang) or "—"
            for c, u in zip(rows["capacity"], rows["capacity_unit"])
        ],
        zone_words=[
            zone_text(z, lang) if has_zones else t("infra.zone.not_mapped", lang) for z in rows["zone_class"]
        ],
    ).sort_values(["facility_type", "name"])


def infrastructure_slide(tables: Tables, city_id: str, lang: str) -> Slide:
    """One city's critical facilities against its hazard zones: counts, the summary in words, sources."""
    city = tables["cities"].set_index("city_id").loc[city_id]
    summary = city_summary(tables["facilities"], tables["facility_exposure"], tables["hazard_zones"], city_id)
    rows = infrastructure_rows(tables, city_id, lang)
    zones = tables["hazard_zones"][tables["hazard_zones"]["city_id"] == city_id]
    numbers = [
        (format_int(summary.facilities, lang), t("present.infrastructure.facilities", lang)),
        (format_int(summary.zones, lang), t("present.infrastructure.zones", lang)),
        (format_int(summary.exposed, lang), t("present.infrastructure.exposed", lang)),
    ]
    details = [
        f"{r['name']} — {r['type_name']}, {r['capacity_words']}, {r['zone_words']}"
        for _, r in rows.iterrows()
    ]
    if summary.zones:
        details.append(t("infra.zones_note", lang))
    counts = count_statuses(list(rows["status"]) + list(zones["status"]))
    return Slide(
        ref=SlideRef("infrastructure", city_id),
        title=t("present.infrastructure.title", lang, city=city[f"name_{lang}"]),
        subtitle=t("infra.intro", lang),
        numbers=numbers,
        points=summary_sentences(summary, lang),
        details=details,
        summary=t("present.infrastructure.summary", lang, city=city[f"name_{lang}"]),
        sources=source_list(list(rows["source_id"]) + list(zones["source_id"]), tables["sources"]),
        status_counts=counts,
        status_line=status_line(counts, lang),
        path=_link(f"/city/{city_id}", lang),
    )
