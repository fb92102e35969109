"""The risk outlook in words and small tables: shared by `/outlook` and the city profile's panel.

`outlook_panel(city_id, lang)` is a self-contained section for `/city/<city_id>`: today's index,
the projected point and range per scenario and horizon, the main driver in one sentence, the data
status, and a link to the full view. It takes plain arguments and reads the cached outlook, so a
page embeds it with one line and needs no callbacks.
"""
from __future__ import annotations

import math

import pandas as pd
from dash import dcc, html

from components.badges import status_badge
from components.shell import link_with
from i18n import format_number, t

SCENARIO_COLOURS = {"ssp126": "#173c66", "ssp245": "#e07b00", "ssp585": "#951b1e"}   # IPCC AR6
SCENARIO_DASH = {"ssp126": "dot", "ssp245": "dash", "ssp585": "solid"}
STATUSES = ("sourced", "estimated", "illustrative")


def scenario_name(scenario: str, lang: str, short: bool = True) -> str:
    return t(f"outlook.scen_short.{scenario}" if short else f"outlook.scen.{scenario}", lang)


def num(value, lang: str, digits: int = 1) -> str:
    return format_number(value, lang, digits)


def signed(value, lang: str, digits: int = 1) -> str:
    """+1.2 / −0.3 / 0.0, in the locale (a true minus sign)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = format_number(abs(value), lang, digits)
    if text.strip("0,. ") == "":
        return format_number(0, lang, digits)
    return ("+" if value > 0 else "−") + text


def span(lo, hi, lang: str, digits: int = 1) -> str:
    """'4.1–4.8' (or '−0.1 … +0.2' for signed changes)."""
    return f"{num(lo, lang, digits)}–{num(hi, lang, digits)}"


def signed_span(lo, hi, lang: str, digits: int = 2) -> str:
    return f"{signed(lo, lang, digits)} … {signed(hi, lang, digits)}"


def names(frame: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    return dict(zip(frame[key], frame[f"name_{lang}"]))


def driver_phrase(info: dict, lang: str) -> str:
    """How the driver of a moved value changes, in words: 'hot days +10.7 a year (+39 %)'."""
    driver = info.get("driver")
    if not driver:
        return ""
    change, pct = info.get("driver_change"), info.get("driver_change_pct")
    if driver == "tmean+precip":
        return t("outlook.phrase.aridity", lang, warming=signed(change, lang, 1), precip=signed(pct, lang, 0))
    if driver == "ssp_population":
        return t("outlook.phrase.population", lang, pct=signed(pct, lang, 0))
    digits = 1 if driver in ("heavy_precip_days", "cold_days_m20") else 0
    return t(f"outlook.phrase.{driver}", lang, change=signed(change, lang, digits), pct=signed(pct, lang, 0))


def driver_sentence(data, result, city_id: str, scenario: str, horizon: int, lang: str) -> str:
    """'Extreme heat raises Osh's risk most by 2050 under SSP2-4.5: hot days +10.7 a year (+39 %).'"""
    from domain import outlook
    city = names(data["cities"], "city_id", lang).get(city_id, city_id)
    info = outlook.main_driver(result, city_id, scenario, horizon)
    if info is None:
        return t("outlook.driver.none", lang, city=city, year=horizon, scenario=scenario_name(scenario, lang))
    category = names(data["categories"], "category_id", lang).get(info["category_id"], info["category_id"])
    key = "outlook.driver.up" if info["change_risk"] > 0 else "outlook.driver.down"
    phrase = driver_phrase(info, lang)
    text = t(key, lang, category=category, city=city, year=horizon, scenario=scenario_name(scenario, lang),
             change=signed(info["change_risk"], lang, 2))
    return f"{text}: {phrase}." if phrase else f"{text}."


def score_row(result, city_id: str, scenario: str, horizon: int) -> pd.Series | None:
    s = result.scores
    rows = s[(s["city_id"] == city_id) & (s["scenario"] == scenario) & (s["horizon"] == horizon)]
    return rows.iloc[0] if len(rows) else None


def today_row(result, city_id: str) -> pd.Series | None:
    from domain.outlook import TODAY
    s = result.scores
    rows = s[(s["city_id"] == city_id) & (s["scenario"] == TODAY)]
    return rows.iloc[0] if len(rows) else None


def statuses_of(result, city_id: str | None = None) -> list[str]:
    from domain.outlook import TODAY
    s = result.scores[result.scores["scenario"] != TODAY]
    if city_id is not None:
        s = s[s["city_id"] == city_id]
    present = set(s["status"].dropna())
    return [x for x in STATUSES if x in present]


def horizon_table(result, city_id: str, lang: str, chosen: tuple[str, int] | None = None,
                  table_id: str | None = None) -> html.Table:
    """Scenarios x horizons: the point, below it the 10th-90th percentile range and the change from
    today (same weights); the chosen cell is marked in words, not by colour alone."""
    from domain.outlook import HORIZONS, SCENARIOS
    horizons = result.meta.get("horizons", list(HORIZONS))
    head = html.Tr([html.Th(t("outlook.table.scenario", lang), scope="col"),
                    *[html.Th(str(h), scope="col") for h in horizons]])
    body = []
    for scen in result.meta.get("scenarios", list(SCENARIOS)):
        cells = [html.Th([html.Span(className=f"outlook-line outlook-line-{scen}",
                                    style={"borderTopColor": SCENARIO_COLOURS.get(scen, "#1f2933")}),
                          scenario_name(scen, lang)], scope="row", className="outlook-scen-cell")]
        for h in horizons:
            row = score_row(result, city_id, scen, h)
            if row is None or pd.isna(row["risk"]):
                cells.append(html.Td("—"))
                continue
            mark = chosen == (scen, h)
            cells.append(html.Td([
                html.Span(num(row["risk"], lang), className="outlook-value"),
                html.Small(span(row["risk_p10"], row["risk_p90"], lang), className="outlook-range"),
                html.Small(t("outlook.table.change", lang, change=signed_span(row["change_p10"], row["change_p90"], lang)),
                           className="outlook-delta"),
                html.Small(t("outlook.table.chosen", lang), className="outlook-chosen-mark") if mark else None,
            ], className="outlook-chosen" if mark else None))
        body.append(html.Tr(cells))
    kwargs = {"id": table_id} if table_id else {}
    return html.Table([html.Thead(head), html.Tbody(body)], className="simple-table outlook-horizon-table", **kwargs)


def outlook_panel(city_id: str, lang: str) -> html.Section | None:
    """The outlook of one city for its profile page; None when the build has no outlook tables."""
    from services import data_access
    data = data_access.get_data()
    if "projection_rules" not in data.tables or city_id not in set(data["cities"]["city_id"]):
        return None
    result = data_access.outlook()
    today = today_row(result, city_id)
    link = dcc.Link(t("outlook.panel.link", lang), href=link_with("/outlook", {"lang": lang}, city=city_id))
    if today is None or pd.isna(today["risk"]):
        return html.Section([html.H2(t("outlook.panel.title", lang)), html.P(t("outlook.no_score", lang)), html.P(link)],
                            className="panel outlook-panel", id="city-outlook")
    statuses = statuses_of(result, city_id)
    return html.Section([
        html.H2(t("outlook.panel.title", lang)),
        html.Div([html.Span(t("outlook.status_lead", lang), className="outlook-status-lead"),
                  *[status_badge(s, lang) for s in statuses]], className="outlook-badges"),
        html.P(t("outlook.panel.today", lang, value=num(today["risk"], lang),
                 range=span(today["risk_p10"], today["risk_p90"], lang))),
        html.P(driver_sentence(data, result, city_id, "ssp245", 2050, lang), className="outlook-panel-driver"),
        html.Div(horizon_table(result, city_id, lang), className="outlook-table-wrap", tabIndex="0",
                 role="region", **{"aria-label": t("outlook.panel.table_label", lang)}),
        html.P(t("outlook.panel.caveat", lang), className="note"),
        html.P(link),
    ], className="panel outlook-panel", id="city-outlook")
