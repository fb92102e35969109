"""The PDF brief of a city as one HTML document for WeasyPrint (A4, every value with its status and
numbered source).

What the brief says comes from the domain (`domain/exports.py`: hazard and event rows, driver
sentences, status lines, source labels; `i18n`: every number and plural). The small functions here
turn it into plain data (dicts and lists of strings), in the order the sources are first cited;
the Jinja2 templates in `presentation/templates/` lay it out and escape every value
(`autoescape`). The style sheet `brief.css` is included by the template, which Jinja2 reads
once per process (`auto_reload=False`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain import exports as dx
from domain import outlook as ol
from domain.confidence_words import confidence_summary
from domain.infrastructure import city_summary
from domain.infrastructure_words import summary_sentences
from domain.palette import LINE, text_colour
from domain.provenance import STATUSES
from domain.risk_index import DIMENSION_ORDER
from i18n import (
    format_day,
    format_int,
    format_number,
    format_range,
    format_share,
    format_signed,
    is_missing,
    t,
    tn,
)

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    auto_reload=False,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)
NO_CHIP_COLOUR = LINE  # a risk class without a colour of its own: the border grey
Cite = Callable[[object], str]


@dataclass
class BriefInputs:
    """Everything the brief of a city shows, gathered by `presentation/exports.py` from cached queries."""

    city_id: str
    ranked: pd.DataFrame
    decomp: pd.DataFrame
    drivers: pd.DataFrame
    build_id: str
    built_at: str
    today: date
    chart_png: bytes | None = None  # decomposition chart
    hazard_png: bytes | None = None  # hazard levels chart
    climate_lines: list[str] = field(default_factory=list)
    climate_statuses: list[str] = field(default_factory=list)
    climate_sources: list[str] = field(default_factory=list)
    actions_line: str | None = None
    actions_statuses: list[str] = field(default_factory=list)
    actions_sources: list[str] = field(default_factory=list)
    max_events: int = 6
    outlook: ol.OutlookResult | None = None  # None: no outlook section
    outlook_driver: str = ""  # the outlook page's main-driver sentence
    outlook_reference: str = ""  # what the driver's change is measured from (`dx.driver_reference`)
    outlook_png: bytes | None = None  # the city's fan chart


class Citations:
    """Numbers sources in the order they are first cited ('[1]', '[2]', …); '' for no source."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def __call__(self, source_id: object) -> str:
        if is_missing(source_id) or source_id == "":
            return ""
        number = self.numbers.setdefault(str(source_id), len(self.numbers) + 1)
        return f"[{number}]"

    @property
    def cited(self) -> list[str]:
        return list(self.numbers)


def render(template: str, **context: object) -> str:
    """One template of `presentation/templates` with the given plain data (values autoescaped)."""
    return TEMPLATE_ENV.get_template(template).render(**context)


def text(value: object) -> str:
    """A value as text; an em dash when it is missing."""
    return "—" if is_missing(value) else str(value)


def image(png: bytes | None, alt: str) -> dict | None:
    """A chart picture inlined as a data URI (WeasyPrint fetches nothing), with its alternative text."""
    if not png:
        return None
    return {"src": "data:image/png;base64," + base64.b64encode(png).decode(), "alt": alt}


def chip(colour: object, label: str) -> dict:
    """A coloured label (risk class, hazard level) with the text colour that reads on it."""
    return {"colour": text(colour), "ink": text_colour(str(colour)), "label": label}


def cited(cite: Cite, source_ids) -> str:
    """The citation marks of several sources, in order ('[1] [3]')."""
    return " ".join(cite(s) for s in source_ids)


def head_view(tables: dx.Tables, inputs: BriefInputs, lang: str) -> dict:
    """Title, lead, version, and the risk strip (index, class, rank, coverage, dimensions, confidence)."""
    city = tables["cities"].set_index("city_id").loc[inputs.city_id]
    name = city[f"name_{lang}"]
    row = inputs.ranked.set_index("city_id").loc[inputs.city_id]
    total = int(inputs.ranked["risk"].notna().sum())
    colour = row.get("colour") if isinstance(row.get("colour"), str) else NO_CHIP_COLOUR
    built = format_day(inputs.built_at[:10], lang, "medium") if inputs.built_at else "—"
    dims = inputs.decomp[inputs.decomp["level"] == "dimension"].set_index("id")
    dimension_names = dict(zip(tables["dimensions"]["dimension"], tables["dimensions"][f"name_{lang}"]))
    coverage = t(
        "overview.coverage_value",
        lang,
        share=format_share(float(row["coverage"]), lang),
        present=int(row["indicators_present"]),
        of_total=tn("count.of_indicator", int(row["indicators_total"]), lang),
    )
    return {
        "title": f"{text(name)} — {t('export.brief', lang)}",
        "coalition": t("app.name", lang),
        "name": text(name),
        "lead": t(
            "export.brief_lead",
            lang,
            country=city[f"country_{lang}"],
            region=city[f"admin1_{lang}"],
            date=format_day(inputs.today.isoformat(), lang),
        ),
        "version": t("export.version", lang, build=inputs.build_id[:8], date=built),
        "risk_label": t("index.risk", lang),
        "risk": text(format_number(row["risk"], lang)),
        "risk_class": chip(colour, text(row["class_name"]))
        if isinstance(row.get("class_name"), str)
        else None,
        "rank": t("overview.rank", lang, rank=int(row["rank"]), total=total) if pd.notna(row["rank"]) else "",
        "coverage_label": t("overview.coverage", lang),
        "coverage": coverage,
        "dimensions": [
            {
                "name": text(dimension_names.get(d, d)),
                "score": format_number(dims.at[d, "score"], lang),
                "median": t("profile.vs_median", lang, median=format_number(dims.at[d, "median"], lang)),
            }
            for d in DIMENSION_ORDER
            if d in dims.index
        ],
        "confidence": confidence_summary(row, lang),
        "scale_note": t("export.scale_note", lang),
    }


def facts_view(city: pd.Series, lang: str, cite: Cite) -> list[dict]:
    """The key facts table: country, region, population, area, elevation, member since."""
    year = int(city["population_year"]) if pd.notna(city["population_year"]) else "—"
    rows = [
        (t("profile.country", lang), city[f"country_{lang}"], ""),
        (t("profile.admin1", lang), city[f"admin1_{lang}"], ""),
        (
            t("city.population", lang),
            t("profile.population_value", lang, value=format_int(city["population"], lang), year=year),
            cite(city.get("population_source_id")),
        ),
        (
            t("profile.area", lang),
            t("profile.area_value", lang, value=format_number(city["area_km2"], lang)),
            cite(city.get("area_source_id")),
        ),
        (
            t("profile.elevation", lang),
            t("profile.elevation_value", lang, value=format_int(city["elevation_m"], lang)),
            cite(city.get("elevation_source_id")),
        ),
        (t("profile.member_since", lang), format_day(city["member_since"], lang), ""),
    ]
    return [{"label": label, "value": text(value), "cite": mark} for label, value, mark in rows]


def decomposition_view(tables: dx.Tables, inputs: BriefInputs, name: str, lang: str) -> dict:
    """What drives the city's risk: the head sentence, the strongest drivers, the chart and its note."""
    head, items = dx.drivers_text(name, inputs.decomp, inputs.drivers, tables, lang, limit=4)
    return {
        "heading": t("profile.decomposition", lang),
        "head": head,
        "drivers": t("present.city.drivers", lang, items="; ".join(items))
        if items
        else t("profile.drivers_none", lang),
        "chart": image(inputs.chart_png, t("present.city.summary", lang, city=name)),
        "note": t("export.decomposition_note", lang),
    }


def hazards_view(tables: dx.Tables, inputs: BriefInputs, name: str, lang: str, cite: Cite) -> dict:
    """The hazard profile: chart, assessed hazards with level, evidence, status and sources, the rest named."""
    hz = dx.hazard_rows(tables, inputs.city_id, lang)
    assessed = hz.dropna(subset=["rank"])
    rows = [
        {
            "name": text(h["name"]),
            "level": chip(h["colour"], text(h["level_name"])),
            "evidence": f"{text(h['basis'])} {text(h['evidence'])}",
            "status": h["status"],
            "cites": f"{cite(h['basis_source_id'])} {cite(h['source_id'])}",
        }
        for _, h in assessed.iterrows()
    ]
    unassessed = ", ".join(hz.loc[hz["rank"].isna(), "name"])
    return {
        "heading": t("profile.hazards", lang),
        "intro": t("profile.hazards_intro", lang),
        "chart": image(inputs.hazard_png, t("present.hazards.summary", lang, city=name)),
        "columns": [
            t(k, lang) for k in ("export.hazard", "profile.hazard_level", "export.evidence", "export.status")
        ],
        "rows": rows,
        "not_assessed": t("export.not_assessed", lang, names=unassessed) if len(assessed) < len(hz) else None,
        "none": t("profile.no_hazards", lang) if not len(hz) else None,
    }


def events_view(tables: dx.Tables, inputs: BriefInputs, lang: str, cite: Cite) -> dict:
    """Past disasters, most recent first (at most `max_events`), with impacts, status and source."""
    ev = dx.event_rows(tables, inputs.city_id, lang)
    rows = []
    for _, e in ev.head(inputs.max_events).iterrows():
        context = e.get("context") if e.get("context") in ("city", "regional", "national") else "city"
        rows.append(
            {
                "when": text(e["when"]),
                "title": text(e["title"]),
                "hazard": text(e["hazard"]),
                "context": t(f"profile.context.{context}", lang),
                "impacts": text(e["impacts"] or t("profile.no_impacts", lang)),
                "status": e["status"],
                "cite": cite(e["source_id"]),
            }
        )
    more = len(ev) - inputs.max_events
    return {
        "heading": t("profile.disasters", lang),
        "help": t("profile.disasters_help", lang),
        "columns": [t(k, lang) for k in ("export.date", "export.event", "export.impacts", "export.status")],
        "rows": rows,
        "more": t("export.more_events", lang, count=format_int(more, lang)) if more > 0 else None,
        "none": t("profile.no_events", lang),
    }


def resilience_view(tables: dx.Tables, city_id: str, lang: str) -> dict:
    """Two short paragraphs (the brief must stay within four pages): the Sendai losses, placed under
    the past disasters, and the scorecard's state, placed before the action plan; each with the
    sources it cites (`brief_context` numbers them where the paragraph stands)."""
    said = dx.resilience_text(tables, city_id, lang)
    round_sources = set(tables["scorecard_rounds"]["source_id"])
    loss_sources = [s for s in said.sources if s not in round_sources]
    return {
        "losses": {
            "heading": t("losses.brief.heading", lang),
            "text": " ".join(said.losses),
            "sources": loss_sources,
        },
        "scorecard": {
            "heading": t("scorecard.brief.heading", lang),
            "text": " ".join(said.scorecard),
            "sources": [s for s in said.sources if s not in loss_sources],
        },
    }


def outlook_view(tables: dx.Tables, inputs: BriefInputs, name: str, lang: str, cite: Cite) -> dict:
    """The risk outlook: today's index, per scenario and horizon the point (median climate), its
    10th-90th percentile range and change from today, the main driver, the fan chart, the status."""
    result, cid = inputs.outlook, inputs.city_id
    view: dict = {"heading": t("outlook.panel.title", lang)}
    today = dx.outlook_score(result, cid, ol.TODAY)
    if today is None or pd.isna(today["risk"]):
        return {**view, "no_score": t("outlook.no_score", lang)}
    horizons = list(result.meta["horizons"])
    rows = []
    for scenario in result.meta["scenarios"]:
        cells = []
        for horizon in horizons:
            r = dx.outlook_score(result, cid, scenario, horizon)
            cells.append(
                None
                if r is None or pd.isna(r["risk"])
                else {
                    "value": format_number(r["risk"], lang),
                    "range": format_range(r["risk_p10"], r["risk_p90"], lang),
                    "change": f"{format_signed(r['change_p10'], lang, 2)} … {format_signed(r['change_p90'], lang, 2)}",
                }
            )
        rows.append({"name": dx.scenario_short(scenario, lang), "cells": cells})
    counts, ids = dx.outlook_statuses(tables, result, [cid])
    scores = tables["indicator_scores"]
    own = set(scores.loc[scores["city_id"] == cid, "source_id"].dropna())
    extra = [
        x for x in dict.fromkeys(ids) if isinstance(x, str) and x and x not in own
    ]  # the index's own: at the end
    chart = image(inputs.outlook_png, t("present.outlook.city_summary", lang, city=name))
    return {
        **view,
        "no_score": None,
        "today": t(
            "outlook.panel.today",
            lang,
            value=format_number(today["risk"], lang),
            range=format_range(today["risk_p10"], today["risk_p90"], lang),
        ),
        "scenario_label": t("outlook.table.scenario", lang),
        "horizons": [str(h) for h in horizons],
        "rows": rows,
        "driver": inputs.outlook_driver,
        "reference": inputs.outlook_reference,
        "statuses": [s for s in STATUSES if counts.get(s)],
        "status_line": dx.status_line(counts, lang),
        "cites": cited(cite, extra),
        "chart": chart,
        "chart_note": t(
            "export.outlook_chart_note", lang, scenario=dx.scenario_short(dx.OUTLOOK_SCENARIO, lang)
        ),
        "caveat": t("outlook.panel.caveat", lang),
        "method": t("export.outlook_method", lang, draws=format_int(result.meta.get("draws", 0), lang)),
    }


def infrastructure_view(tables: dx.Tables, city_id: str, lang: str, cite: Cite) -> dict:
    """Kept short (the full table is on the city page): the summary in words, then each facility with
    its type, capacity, zone, status and source, and the zones' note with their sources."""
    summary = city_summary(tables["facilities"], tables["facility_exposure"], tables["hazard_zones"], city_id)
    rows = dx.infrastructure_rows(tables, city_id, lang)
    items = [
        {
            "name": text(r["name"]),
            "type": text(r["type_name"]),
            "capacity": text(r["capacity_words"]) if r["capacity_words"] != "—" else None,
            "zone": text(r["zone_words"]),
            "status": t("status." + r["status"], lang),
            "cite": cite(r["source_id"]),
        }
        for _, r in rows.iterrows()
    ]
    zones = None
    if summary.zones:
        zone_ids = (
            tables["hazard_zones"].loc[tables["hazard_zones"]["city_id"] == city_id, "source_id"].unique()
        )
        zones = {"note": t("infra.zones_note", lang), "cites": cited(cite, zone_ids)}
    return {
        "heading": t("infra.title", lang),
        "summary": " ".join(summary_sentences(summary, lang)),
        "items": items,
        "zones": zones,
    }


def trust_view(tables: dx.Tables, city_id: str, lang: str) -> dict:
    """The data-status section: the index values' status line, each section's figures by status (no
    grand total: climate values and plan actions are not the same kind of thing), what each status means."""
    scores = tables["indicator_scores"]
    mine = scores[scores["city_id"] == city_id]
    mine = mine.dropna(subset=["value"]) if "value" in mine else mine
    counts = dx.count_statuses(
        mine["status"], dx.scope_count(mine, "country"), dx.scope_count(mine, "region")
    )
    sections = dx.section_status_counts(tables, city_id)
    rows = []
    for key, section in sections:
        label = t(f"export.trust.{key}", lang)
        if section.get("national"):
            label += " " + t("export.trust.national", lang, count=format_int(section["national"], lang))
        rows.append({"label": label, "cells": [format_int(section.get(s, 0), lang) for s in STATUSES]})
    return {
        "heading": t("export.data_status", lang),
        "status_line": dx.status_line(counts, lang),
        "rows": rows,
        "help": [{"status": s, "text": t(f"status.{s}.help", lang)} for s in STATUSES],
        "warning": (
            t("present.illustrative_warning", lang)
            if any(c.get("illustrative") for _, c in sections)
            else None
        ),
    }


def index_sources_view(tables: dx.Tables, city_id: str, lang: str) -> dict | None:
    """The index values' sources grouped by publisher and year (they are too many to number)."""
    scores = tables["indicator_scores"]
    mine = scores[scores["city_id"] == city_id]
    mine = mine.dropna(subset=["value"]) if "value" in mine else mine
    groups = dx.source_groups(mine["source_id"], tables["sources"])
    if not groups:
        return None
    return {
        "label": t("export.index_sources", lang, count=format_int(len(mine), lang)),
        "groups": "; ".join(f"{name} ({format_int(n, lang)})" for name, n in groups),
    }


def brief_context(tables: dx.Tables, inputs: BriefInputs, lang: str) -> dict:
    """Every section's plain data, prepared in reading order so that sources are numbered as cited."""
    cite = Citations()
    city = tables["cities"].set_index("city_id").loc[inputs.city_id]
    name = text(city[f"name_{lang}"])
    context: dict = {
        "lang": lang,
        "status_names": {s: t(f"status.{s}", lang) for s in STATUSES},
        **head_view(tables, inputs, lang),
        "facts_heading": t("profile.facts", lang),
        "facts": facts_view(city, lang, cite),
        "decomposition": decomposition_view(tables, inputs, name, lang),
        "hazards": hazards_view(tables, inputs, name, lang, cite),
        "events": events_view(tables, inputs, lang, cite),
    }
    resilience = resilience_view(tables, inputs.city_id, lang) if dx.has_resilience(tables) else None
    if resilience:
        resilience["losses"]["cites"] = cited(cite, resilience["losses"]["sources"])
    context["resilience"] = resilience
    context["climate"] = (
        {
            "heading": t("profile.climate", lang),
            "lines": inputs.climate_lines,
            "statuses": inputs.climate_statuses,
            "cites": cited(cite, inputs.climate_sources),
        }
        if inputs.climate_lines
        else None
    )
    context["outlook"] = (
        outlook_view(tables, inputs, name, lang, cite) if inputs.outlook is not None else None
    )
    if resilience:  # the scorecard's paragraph stands after the outlook: its sources come next
        resilience["scorecard"]["cites"] = cited(cite, resilience["scorecard"]["sources"])
    context["actions"] = (
        {
            "heading": t("profile.actions", lang),
            "line": inputs.actions_line,
            "statuses": inputs.actions_statuses,
            "cites": cited(cite, inputs.actions_sources),
        }
        if inputs.actions_line
        else None
    )
    context["infrastructure"] = infrastructure_view(tables, inputs.city_id, lang, cite)  # issue 19
    context["trust"] = trust_view(tables, inputs.city_id, lang)
    context["sources_heading"] = t("export.sources", lang)
    context["sources"] = [dx.source_label(s, tables["sources"]) for s in cite.cited]
    context["index_sources"] = index_sources_view(tables, inputs.city_id, lang)
    context["method_note"] = t("export.method_note", lang)
    return context


def brief_html(tables: dx.Tables, inputs: BriefInputs, lang: str) -> str:
    """The city brief as one HTML document for WeasyPrint (A4, every value sourced)."""
    return render("brief.html.j2", **brief_context(tables, inputs, lang))
