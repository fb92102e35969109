"""Compare `/compare`: chosen cities on the risk index, a dimension, a category or one indicator.

Views: a ranked bar chart (with the dimension breakdown for the risk index), a heatmap of cities
by indicators, a radar of the three dimensions and a table with raw values, units, years, status
and sources (CSV export), whose AG Grid is in the page only once that view has been shown (a
phone that never opens the table never downloads AG Grid). Weight sliders recompute the index at
once; a rank-stability panel shows how often each city takes each rank when the weights vary
around the chosen ones.

Every choice lives in the query string (`cities`, `level`, `item`, `scale`, `w_<dimension or
category>`, `view`, `spread`), declared once by `CompareState` (domain/page_state.py), read back by
`layout`, so a link reopens the exact view; the update callback returns the canonical address,
which components/page_state.py writes to the browser without re-rendering the page.
"""

from dataclasses import dataclass

import dash
import dash_mantine_components as dmc
import numpy as np
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

import ids
from components.badges import status_badge
from components.charts import (
    DIMENSION_COLOURS,
    base_layout,
    figure_height,
    graph_config,
    message_figure,
    ranking_figure,
)
from components.explain import data_details, data_table, definitions, described, glossary_link, info
from components.figure_dict import FigureDict
from components.page import json_attr, page_header, page_title, with_mantine
from components.page_state import address, address_output, address_state, address_stores, lang_of, read_page
from components.shell import link_with
from components.tables import data_grid
from domain import compare, page_state
from domain.palette import CITY_COLOURS, GRID, GUIDE, INK, LINE, MUTED, RISK_HEAT_SCALE, WHITE
from domain.provenance import STATUSES
from domain.queries import table_names
from domain.risk_index import DIMENSION_ORDER, IndexWeights
from i18n import format_int, format_number, format_share, t
from i18n import format_number as fmt  # the page's short names for the shared formatters
from i18n import format_raw as fmt_raw
from presentation.export_button import export_group
from services import data_access
from services.callback_cache import public_answer
from services.native_controls import declare, form_field

PATH = "/compare"
NAME = "compare"
dash.register_page(
    __name__,
    path=PATH,
    order=10,
    nav_key="nav.compare",
    title=page_title("title.compare"),
    name=NAME,
    public_answer=True,
)

VIEWS = ("bar", "heatmap", "radar", "table")
SCALES = compare.SCALES
SPREADS = {"wide": 5.0, "moderate": 20.0, "narrow": 80.0}


# --- state: declared once, read from and written to the query string ---------------------------


@dataclass
class CompareState(compare.Comparison):
    """Everything a user can choose on the page: the comparison (shared with the deck and the
    exports), the view and the spread of the rank-stability draws."""

    view: str = page_state.one("view", VIEWS, "bar")
    spread: str = page_state.one("spread", tuple(SPREADS), "moderate")


# --- names in the page's language ----------------------------------------------------------


@dataclass
class Names:
    cities: dict[str, str]
    dimensions: dict[str, str]
    categories: dict[str, str]
    indicators: dict[str, str]
    units: dict[str, str]
    sources: dict[str, dict]

    def item(self, level: str, item: str | None, lang: str) -> str:
        if level == "risk":
            return t("index.risk", lang)
        return {"dimension": self.dimensions, "category": self.categories, "indicator": self.indicators}[
            level
        ].get(item, str(item))

    def source(self, source_id: str | None) -> str:
        src = self.sources.get(source_id or "")
        if not src:
            return str(source_id or "")
        label = str(src.get("publisher") or src.get("title") or source_id)
        year = src.get("year")
        return f"{label}, {int(year)}" if isinstance(year, (int, float)) and year == year else label


def names(tables, lang: str) -> Names:
    return Names(
        cities=table_names(tables, "cities", lang),
        dimensions=table_names(tables, "dimensions", lang),
        categories=table_names(tables, "categories", lang),
        indicators=table_names(tables, "indicators", lang),
        units=table_names(tables, "indicators", lang, column="unit"),
        sources=tables["sources"].set_index("source_id").to_dict("index"),
    )


def item_options(tables, level: str, lang: str) -> list[dict]:
    """Choices for the item dropdown of a level (dimensions, categories or indicators)."""
    nm = names(tables, lang)
    if level == "dimension":
        return [{"label": nm.dimensions[d], "value": d} for d in compare.level_items(tables, level)]
    if level == "category":
        return [
            {"label": f"{nm.categories[c]} · {nm.dimensions[d]}", "value": c}
            for c, d in zip(tables["categories"]["category_id"], tables["categories"]["dimension"])
            if c in compare.level_items(tables, level)
        ]
    if level == "indicator":
        cat_of = dict(zip(tables["indicators"]["indicator_id"], tables["indicators"]["category_id"]))
        return [
            {"label": f"{nm.indicators[i]} · {nm.categories[cat_of[i]]}", "value": i}
            for i in compare.level_items(tables, level)
        ]
    return []


def scale_options(tables, level: str, item: str | None, lang: str) -> list[dict]:
    per_capita = compare.per_capita_applies(tables, level, item)
    return [
        {"label": t(f"compare.scale.{s}", lang), "value": s, "disabled": s == "per_capita" and not per_capita}
        for s in SCALES
    ]


# --- figures -------------------------------------------------------------------------------


def bar_figure(table: pd.DataFrame, state: CompareState, nm: Names, tables, lang: str) -> FigureDict:
    """Ranked bars: the risk index with its three dimensions, or one score / raw value per city."""
    shown = table.dropna(subset=["score"])
    if shown.empty:
        return message_figure(lang, t("compare.no_values", lang), height=200)
    if state.level == "risk":
        ranked = shown.rename(columns={"score": "risk"}).assign(name=shown["city_id"].map(nm.cities))
        fig = ranking_figure(ranked, nm.dimensions, lang, figure_type=FigureDict)
        fig.update_layout(xaxis_title_text=t("compare.axis", lang))
        return fig
    field_, unit = value_field(state, tables, nm)
    df = shown.dropna(subset=[field_]).sort_values(field_)
    dim = dimension_of(tables, state.level, state.item)
    colour = DIMENSION_COLOURS.get(dim, MUTED)
    fig = FigureDict()
    groups = [("city", "")]
    if state.level == "indicator":
        groups = [("city", ""), ("region", "."), ("country", "/")]
    for scope, pattern in groups:
        if state.level != "indicator":
            part = df
        elif scope == "city":
            part = df[~df["value_scope"].isin(["region", "country"])]
        else:
            part = df[df["value_scope"] == scope]
        if part.empty:
            continue
        hover = [hover_text(r, state, nm, tables, lang) for _, r in part.iterrows()]
        labels = [fmt(v, lang) if field_ == "score" else fmt_raw(v, lang) for v in part[field_]]
        name = (
            t("compare.legend.national", lang)
            if scope == "country"
            else t("compare.legend.region", lang)
            if scope == "region"
            else t("compare.legend.city", lang)
            if state.level == "indicator"
            else nm.item(state.level, state.item, lang)
        )
        fig.add_bar(
            y=part["city_id"].map(nm.cities),
            x=part[field_],
            orientation="h",
            name=name,
            marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="white")),
            text=labels,
            textposition="outside",
            cliponaxis=False,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    layout = base_layout(lang, height=figure_height(len(df)) - 60)
    axis_title = t("compare.axis", lang) if field_ == "score" else unit
    xaxis = dict(title=axis_title, gridcolor=GRID, fixedrange=True, zeroline=True, zerolinecolor=GUIDE)
    if field_ == "score":
        xaxis["range"] = [0, 10.9]
    else:
        lo, hi = float(min(0.0, df[field_].min())), float(max(0.0, df[field_].max()))
        span = hi - lo or 1.0
        xaxis["range"] = [lo - 0.35 * span * (lo < 0), hi + 0.25 * span * (hi > 0)]
    layout.update(
        barmode="overlay",
        bargap=0.3,
        xaxis=xaxis,
        yaxis=dict(
            fixedrange=True,
            automargin=True,
            categoryorder="array",
            categoryarray=df["city_id"].map(nm.cities).tolist(),
        ),
        showlegend=state.level == "indicator",
    )
    fig.update_layout(**layout)
    return fig


def value_field(state: CompareState, tables, nm: Names) -> tuple[str, str]:
    """Which column the bars show, and its unit."""
    if state.level != "indicator" or state.scale == "scaled":
        return "score", ""
    if state.scale == "per_capita" and compare.per_capita_applies(tables, state.level, state.item):
        return "per_capita", ""
    return "value", nm.units.get(state.item, "")


def dimension_of(tables, level: str, item: str | None) -> str | None:
    if level == "dimension":
        return item
    if level == "category":
        cats = tables["categories"].set_index("category_id")["dimension"]
        return cats.get(item)
    if level == "indicator":
        return tables["indicators"].set_index("indicator_id")["dimension"].get(item)
    return None


def hover_text(row: pd.Series, state: CompareState, nm: Names, tables, lang: str) -> str:
    city = nm.cities.get(row["city_id"], row["city_id"])
    lines = [f"<b>{city}</b>", f"{t('compare.score', lang)}: {fmt(row['score'], lang)}"]
    if state.level == "indicator":
        unit = nm.units.get(state.item, "")
        lines.append(f"{t('compare.value', lang)}: {fmt_raw(row['value'], lang)} {unit}".rstrip())
        if pd.notna(row.get("per_capita")):
            lines.append(f"{t('compare.scale.per_capita', lang)}: {fmt(row['per_capita'], lang)}")
        year = "" if pd.isna(row["year"]) else str(int(row["year"]))
        scope = (
            f", {t('status.national', lang)}"
            if row["value_scope"] == "country"
            else f", {t('status.region', lang)}"
            if row["value_scope"] == "region"
            else ""
        )
        lines.append(f"{year} · {t('status.' + str(row['status']), lang)}{scope}")
        lines.append(f"{t('compare.source', lang)}: {nm.source(row['source_id'])}")
    else:
        for comp in compare.components_of(tables, state.level, state.item):
            if comp in row and pd.notna(row[comp]):
                label = {"risk": nm.dimensions, "dimension": nm.categories, "category": nm.indicators}[
                    state.level
                ].get(comp, comp)
                lines.append(f"{label}: {fmt(row[comp], lang)}")
    lines.append(t("compare.coverage_hover", lang, share=format_share(row["coverage"], lang)))
    return "<br>".join(lines)


def short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def heatmap_figure(heat: dict[str, pd.DataFrame], state: CompareState, nm: Names, lang: str) -> FigureDict:
    """Indicators (rows) by cities (columns), coloured by the 0-10 score; hover gives the raw value."""
    scores = heat["score"]
    if scores.empty or scores.isna().all().all():
        return message_figure(lang, t("compare.no_values", lang), height=200)
    inds = list(scores.columns)
    cities = list(scores.index)
    z = scores.T.to_numpy(dtype=float)
    m = {k: heat[k].T.to_numpy(dtype=object) for k in ("value", "year", "status", "source_id", "value_scope")}
    words = {
        k: t(k, lang)
        for k in (
            "compare.missing",
            "compare.score",
            "compare.value",
            "compare.source",
            "status.national",
            "status.region",
        )
    }
    status_words = {s: t(f"status.{s}", lang) for s in STATUSES}
    text, hover = [], []
    for i, ind in enumerate(inds):
        row_text, row_hover = [], []
        unit = nm.units.get(ind, "")
        for j, city in enumerate(cities):
            score = z[i, j]
            head = f"<b>{nm.cities[city]}</b><br>{nm.indicators[ind]}<br>"
            if np.isnan(score):
                row_text.append("")
                row_hover.append(head + words["compare.missing"])
                continue
            value = m["value"][i, j]
            raw = f"{fmt_raw(value, lang)} {unit}".rstrip()
            national = m["value_scope"][i, j] == "country"
            row_text.append(
                (fmt_raw(value, lang) if state.scale != "scaled" else fmt(score, lang))
                + ("*" if national else "")
            )
            year = m["year"][i, j]
            status = status_words.get(m["status"][i, j], str(m["status"][i, j]))
            scope = (
                f", {words['status.national']}"
                if national
                else f", {words['status.region']}"
                if m["value_scope"][i, j] == "region"
                else ""
            )
            row_hover.append(
                f"{head}{words['compare.score']}: {fmt(score, lang)}<br>{words['compare.value']}: {raw}<br>"
                f"{'' if pd.isna(year) else int(year)} · {status}{scope}<br>"
                f"{words['compare.source']}: {nm.source(m['source_id'][i, j])}"
            )
        text.append(row_text)
        hover.append(row_hover)
    fig = FigureDict().add_heatmap(
        z=z,
        x=[nm.cities[c] for c in cities],
        y=[short(nm.indicators[i]) for i in inds],
        zmin=0,
        zmax=10,
        colorscale=RISK_HEAT_SCALE,
        text=text,
        texttemplate="%{text}",
        textfont=dict(size=11),
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
        xgap=2,
        ygap=2,
        colorbar=dict(
            title=dict(text="0–10", side="top"),
            thickness=12,
            len=min(1.0, 300 / max(300, 24 * len(inds) + 90)),
            y=1,
            yanchor="top",
        ),
    )
    layout = base_layout(lang, height=max(260, 26 * len(inds) + 110))
    layout.update(
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(side="top", fixedrange=True, tickangle=0),
        yaxis=dict(autorange="reversed", fixedrange=True, automargin=True),
    )
    fig.update_layout(**layout)
    return fig


def radar_figure(table: pd.DataFrame, nm: Names, lang: str) -> FigureDict:
    """The three dimensions of each chosen city on one polar chart (0-10)."""
    dims = [d for d in DIMENSION_ORDER if d in table]
    labels = [nm.dimensions[d] for d in dims]
    fig = FigureDict()
    for k, (_, row) in enumerate(table.iterrows()):
        values = [row[d] for d in dims]
        if any(pd.isna(v) for v in values):
            continue
        colour = CITY_COLOURS[k % len(CITY_COLOURS)]
        fig.add_scatterpolar(
            r=values + values[:1],
            theta=labels + labels[:1],
            name=nm.cities[row["city_id"]],
            mode="lines+markers",
            line=dict(color=colour, width=2),
            fill="toself",
            fillcolor=_alpha(colour, 0.08),
            opacity=0.75,
            customdata=[fmt(v, lang) for v in values + values[:1]],
            hovertemplate="%{theta}: %{customdata}<extra>" + nm.cities[row["city_id"]] + "</extra>",
        )
    layout = base_layout(lang, height=460)
    layout.update(
        margin=dict(l=60, r=60, t=30, b=10),
        polar=dict(
            bgcolor="white",
            radialaxis=dict(
                range=[0, 10], tickvals=[0, 2, 4, 6, 8, 10], angle=90, tickangle=90, gridcolor=LINE
            ),
            angularaxis=dict(gridcolor=LINE),
        ),
        legend=dict(orientation="h", yanchor="top", y=-0.05, x=0),
    )
    fig.update_layout(**layout)
    return fig


def _alpha(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# --- text alternatives ---------------------------------------------------------------------


def summary_sentence(
    table: pd.DataFrame, state: CompareState, nm: Names, tables, lang: str, heat: dict | None = None
) -> str:
    """One sentence saying what the chart shows (the text alternative)."""
    if state.view == "heatmap" and heat is not None:
        scores = heat["score"]
        stacked = scores.stack().dropna()
        if stacked.empty:
            return t("compare.no_values", lang)
        (city, ind), top = stacked.idxmax(), stacked.max()
        missing = int(scores.isna().sum().sum())
        return t(
            "compare.summary.heatmap",
            lang,
            indicators=format_int(scores.shape[1], lang),
            cities=format_int(scores.shape[0], lang),
            city=nm.cities[city],
            indicator=nm.indicators[ind],
            score=fmt(top, lang),
            missing=format_int(missing, lang),
        )
    if state.view == "radar":
        parts = []
        for d in DIMENSION_ORDER:
            col = table[["city_id", d]].dropna() if d in table else pd.DataFrame()
            if col.empty:
                continue
            best = col.loc[col[d].idxmax()]
            parts.append(
                t(
                    "compare.summary.radar_part",
                    lang,
                    dimension=nm.dimensions[d],
                    city=nm.cities[best["city_id"]],
                    score=fmt(best[d], lang),
                )
            )
        return (
            t("compare.summary.radar", lang, parts="; ".join(parts))
            if parts
            else t("compare.no_values", lang)
        )
    field_, unit = value_field(state, tables, nm)
    df = table.dropna(subset=[field_]).sort_values(field_, ascending=False)
    what = nm.item(state.level, state.item, lang)
    if df.empty:
        return t("compare.no_values", lang)
    show = (
        (lambda v: fmt(v, lang)) if field_ != "value" else (lambda v: f"{fmt_raw(v, lang)} {unit}".rstrip())
    )
    first = df.iloc[0]
    if len(df) == 1:
        return t(
            "compare.summary.one",
            lang,
            item=what,
            city=nm.cities[first["city_id"]],
            score=show(first[field_]),
        )
    second, last = df.iloc[1], df.iloc[-1]
    key = "compare.summary.scores" if field_ == "score" else "compare.summary.values"
    text = t(
        key,
        lang,
        item=what,
        first=nm.cities[first["city_id"]],
        score=show(first[field_]),
        gap=fmt_raw(first[field_] - second[field_], lang)
        if field_ != "score"
        else fmt(first[field_] - second[field_], lang),
        second=nm.cities[second["city_id"]],
        score2=show(second[field_]),
        last=nm.cities[last["city_id"]],
        low=show(last[field_]),
    )
    if (
        field_ != "score"
        and tables["indicators"].set_index("indicator_id")["direction"].get(state.item) == "risk_down"
    ):
        text += " " + t("compare.summary.risk_down", lang)
    return text


def provenance_note(rows: pd.DataFrame, lang: str) -> list:
    """Statuses of the values behind the comparison (illustrative ones are always named)."""
    present = rows.dropna(subset=["value"])
    counts = present["status"].value_counts()
    national = int((present["value_scope"] == "country").sum())
    regional = int((present["value_scope"] == "region").sum())
    out = [
        t(
            "compare.provenance",
            lang,
            sourced=format_int(counts.get("sourced", 0), lang),
            regional=format_int(regional, lang),
            estimated=format_int(counts.get("estimated", 0), lang),
            illustrative=format_int(counts.get("illustrative", 0), lang),
            national=format_int(national, lang),
            missing=format_int(int(rows["value"].isna().sum()), lang),
        )
    ]
    if counts.get("illustrative", 0):
        out += [" ", status_badge("illustrative", lang), " ", t("compare.illustrative_warning", lang)]
    return out


def chart_table(
    state: CompareState, table: pd.DataFrame, nm: Names, tables, lang: str, heat: dict | None = None
) -> html.Details | None:
    """The numbers behind the visible chart, as a table behind a 'show data' control."""
    label = t(f"compare.view.{state.view}", lang)
    if state.view == "bar":
        content = summary_table(table, state, nm, tables, lang)
    elif state.view == "heatmap" and heat is not None:
        scores = heat["score"]
        if scores.empty:
            return None
        cities = list(scores.index)
        rows = []
        for ind in scores.columns:
            unit = nm.units.get(ind, "")
            cells = []
            for city in cities:
                score = scores.at[city, ind]
                if pd.isna(score):
                    cells.append(t("compare.missing", lang))
                    continue
                national = "*" if heat["value_scope"].at[city, ind] == "country" else ""
                raw = f"{fmt_raw(heat['value'].at[city, ind], lang)} {unit}".rstrip()
                cells.append(f"{fmt(score, lang)}{national} ({raw})")
            rows.append([nm.indicators[ind], *cells])
        content = data_table(
            t("compare.heatmap_table_caption", lang),
            [t("compare.indicator", lang)] + [nm.cities[c] for c in cities],
            rows,
        )
    elif state.view == "radar":
        dims = [d for d in DIMENSION_ORDER if d in table]
        rows = [[nm.cities[r["city_id"]], *[fmt(r[d], lang) for d in dims]] for _, r in table.iterrows()]
        content = data_table(
            t("compare.view.radar", lang), [t("compare.city", lang)] + [nm.dimensions[d] for d in dims], rows
        )
    else:
        return None
    return data_details(content, lang, label)


# --- rank stability ------------------------------------------------------------------------


def share_colours(share: float) -> tuple[str, str]:
    """Cell background (the accent blue, stronger for a larger share) and a text colour with AA contrast.

    Shares up to one half get at most 60 % blue under dark text (contrast >= 4.8:1); larger shares
    get 80-100 % blue under white text (>= 4.9:1). The band in between, where neither text colour
    reaches 4.5:1, is never used.
    """
    share = min(max(share, 0.0), 1.0)
    alpha = share * 1.2 if share <= 0.5 else 0.8 + 0.4 * (share - 0.5)
    return f"rgba(11, 83, 148, {alpha:.3f})", INK if share <= 0.5 else WHITE


def stability_panel(shares: pd.DataFrame, nm: Names, state: CompareState, draws: int, lang: str) -> list:
    """Table of the share of weightings in which each city takes each rank, and a sentence."""
    if len(shares) < 2:
        return [html.P(t("compare.stability.too_few", lang))]
    ranks = list(shares.columns)
    head = html.Tr(
        [html.Th(t("compare.city", lang), scope="col")]
        + [html.Th(t("compare.stability.rank", lang, rank=r), scope="col") for r in ranks]
    )
    body = []
    for city, row in shares.iterrows():
        cells = [
            html.Th(dcc.Link(nm.cities[city], href=link_with(f"/city/{city}", {"lang": lang})), scope="row")
        ]
        for r in ranks:
            share = float(row[r])
            background, colour = share_colours(share)
            cells.append(
                html.Td(
                    format_share(share, lang) if share >= 0.005 else "·",
                    style={"background": background, "color": colour},
                )
            )
        body.append(html.Tr(cells))
    top_city = shares.index[0]
    top_share = float(shares.iloc[0][1])
    modal = {city: int(row.idxmax()) for city, row in shares.iterrows()}
    stable = sum(
        1 for k, city in enumerate(shares.index) if modal[city] == k + 1 and shares.loc[city, k + 1] >= 0.9
    )
    sentence = t(
        "compare.stability.summary",
        lang,
        city=nm.cities[top_city],
        share=format_share(top_share, lang),
        draws=format_int(draws, lang),
        stable=format_int(stable, lang),
        total=format_int(len(shares), lang),
    )
    return [
        html.P(sentence, className="chart-summary", id=ids.COMPARE_STABILITY_SUMMARY),
        html.Table(
            [
                html.Caption(
                    t("compare.stability.caption", lang, spread=t(f"compare.spread.{state.spread}", lang))
                ),
                html.Thead(head),
                html.Tbody(body),
            ],
            className="simple-table stability-table",
            **{
                "data-shares": json_attr(
                    {c: [round(float(v), 4) for v in shares.loc[c]] for c in shares.index}
                )
            },
        ),
    ]


# --- table ---------------------------------------------------------------------------------


def grid_rows(rows: pd.DataFrame, nm: Names, tables, lang: str) -> list[dict]:
    """Rows for the AG Grid: numbers stay numbers (sorting, CSV), with locale text for display."""
    out = []
    for _, r in rows.iterrows():
        city = nm.cities[r["city_id"]]
        src = nm.source(r["source_id"]) if pd.notna(r["source_id"]) else ""
        url = nm.sources.get(r["source_id"], {}).get("url") if pd.notna(r["source_id"]) else None
        out.append(
            {
                "city_link": f"[{city}]({link_with('/city/' + r['city_id'], {'lang': lang})})",
                "city": city,
                "indicator": nm.indicators[r["indicator_id"]],
                "category": nm.categories.get(r["category_id"], r["category_id"]),
                "dimension": nm.dimensions.get(r["dimension"], r["dimension"]),
                "value": None if pd.isna(r["value"]) else float(r["value"]),
                "value_text": fmt_raw(r["value"], lang) if pd.notna(r["value"]) else "—",
                "unit": nm.units.get(r["indicator_id"], ""),
                "year": None if pd.isna(r["year"]) else int(r["year"]),
                "status": t(f"status.{r['status']}", lang)
                if pd.notna(r["status"])
                else t("compare.missing", lang),
                "scope": (
                    t("status.national", lang)
                    if r["value_scope"] == "country"
                    else t("compare.scope.region", lang)
                    if r["value_scope"] == "region"
                    else t("compare.scope.city", lang)
                    if pd.notna(r["value_scope"])
                    else ""
                ),
                "source_text": src,
                "source_link": f"[{src}]({url})" if isinstance(url, str) and url.startswith("http") else src,
                "score": None if pd.isna(r["score"]) else round(float(r["score"]), 3),
                "score_text": fmt(r["score"], lang) if pd.notna(r["score"]) else "—",
                "per_capita": None if pd.isna(r["per_capita"]) else float(r["per_capita"]),
                "per_capita_text": fmt(r["per_capita"], lang) if pd.notna(r["per_capita"]) else "",
            }
        )
    return out


def grid_columns(lang: str, per_capita: bool) -> list[dict]:
    number = {"type": "numericColumn", "filter": "agNumberColumnFilter", "useValueFormatterForExport": False}
    cols = [
        {
            "field": "city_link",
            "headerName": t("compare.city", lang),
            "cellRenderer": "markdown",
            "pinned": "left",
            "minWidth": 130,
            "maxWidth": 190,
            "comparator": None,
        },
        {"field": "city", "hide": True, "headerName": t("compare.city", lang)},
        {"field": "indicator", "headerName": t("compare.indicator", lang), "minWidth": 220},
        {
            "field": "value",
            "headerName": t("compare.value", lang),
            "valueFormatter": {"function": "params.data.value_text"},
            "minWidth": 110,
            **number,
        },
        {"field": "unit", "headerName": t("compare.unit", lang), "minWidth": 120},
        {"field": "year", "headerName": t("compare.year", lang), "maxWidth": 100, **number},
        {"field": "status", "headerName": t("compare.status", lang), "minWidth": 120},
        {"field": "scope", "headerName": t("compare.scope", lang), "minWidth": 120},
        {
            "field": "source_link",
            "headerName": t("compare.source", lang),
            "cellRenderer": "markdown",
            "minWidth": 200,
        },
        {"field": "source_text", "hide": True, "headerName": t("compare.source", lang)},
        {
            "field": "score",
            "headerName": t("compare.score", lang),
            "valueFormatter": {"function": "params.data.score_text"},
            "maxWidth": 130,
            **number,
        },
        {"field": "category", "headerName": t("compare.category", lang), "minWidth": 150},
        {"field": "dimension", "headerName": t("compare.dimension", lang), "minWidth": 150},
    ]
    if per_capita:
        cols.insert(
            5,
            {
                "field": "per_capita",
                "headerName": t("compare.scale.per_capita", lang),
                "valueFormatter": {"function": "params.data.per_capita_text"},
                **number,
            },
        )
    for c in cols:
        c.pop("comparator", None)
    return cols


EXPORT_COLUMNS = (
    "city",
    "indicator",
    "value",
    "unit",
    "per_capita",
    "year",
    "status",
    "scope",
    "source_text",
    "score",
    "category",
    "dimension",
)


def export_params(state: CompareState, per_capita: bool) -> dict:
    keys = [c for c in EXPORT_COLUMNS if per_capita or c != "per_capita"]
    name = "-".join(p for p in ("compare", state.level, state.item or "") if p)
    return {"fileName": f"{name}.csv", "columnKeys": keys}


def summary_table(table: pd.DataFrame, state: CompareState, nm: Names, tables, lang: str) -> html.Table:
    """The compared score per city, as an accessible table beside the grid."""
    field_, unit = value_field(state, tables, nm)
    head = [t("compare.rank", lang), t("compare.city", lang), nm.item(state.level, state.item, lang)]
    if field_ != "score":
        head.append(t("compare.score", lang))
    head.append(t("compare.coverage", lang))
    rows = []
    for _, r in table.iterrows():
        value = fmt(r[field_], lang) if field_ != "value" else f"{fmt_raw(r[field_], lang)} {unit}".rstrip()
        cells = [
            html.Td("—" if pd.isna(r["rank"]) else str(int(r["rank"]))),
            html.Th(
                dcc.Link(nm.cities[r["city_id"]], href=link_with(f"/city/{r['city_id']}", {"lang": lang})),
                scope="row",
            ),
            html.Td(value),
        ]
        if field_ != "score":
            cells.append(html.Td(fmt(r["score"], lang)))
        cells.append(html.Td(format_share(r["coverage"], lang)))
        rows.append(html.Tr(cells))
    caption = t("compare.summary_table_caption", lang, item=nm.item(state.level, state.item, lang))
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(rows),
        ],
        className="simple-table compare-summary-table",
    )


# --- one render for layout and callback ----------------------------------------------------


@dataclass
class TableContent:
    """What the table view shows for a state: the summary table, the grid's rows and columns and
    its CSV settings."""

    summary: html.Table
    rows: list[dict]
    columns: list[dict]
    export: dict


def table_content(state: CompareState, nm: Names, tables, table: pd.DataFrame, rows: pd.DataFrame, lang: str):
    """The table view's content from the comparison's table and indicator rows."""
    per_capita = compare.per_capita_applies(tables, state.level, state.item)
    return TableContent(
        summary=summary_table(table, state, nm, tables, lang),
        rows=grid_rows(rows, nm, tables, lang),
        columns=grid_columns(lang, per_capita),
        export=export_params(state, per_capita),
    )


def table_view(content: TableContent, lang: str) -> list:
    """The table view's children: the summary table, the CSV button and the grid. Made only once
    the view is shown, so a visitor who never opens it never downloads AG Grid (issue 21)."""
    return [
        html.Div(content.summary, id=ids.COMPARE_SUMMARY_TABLE),
        html.Div(
            html.Button(t("compare.export", lang), id=ids.COMPARE_EXPORT, className="button", n_clicks=0),
            className="grid-tools",
        ),
        data_grid(
            ids.COMPARE_GRID,
            content.rows,
            content.columns,
            lang,
            height="560px",
            min_width=90,
            grid_options={"suppressColumnVirtualisation": True},
            csvExportParams=content.export,
        ),
    ]


def comparison(state: CompareState, data):
    """The index for the state's weights, the compared cities' table and their indicator rows."""
    result = data_access.compare_index(state.weights)
    table = compare.compare_table(data, state.cities, state.level, state.item, result=result)
    rows = compare.indicator_rows(
        data, result, state.cities, compare.indicators_under(data, state.level, state.item)
    )
    return result, table, rows


def render(state: CompareState, lang: str, with_table: bool = True) -> dict:
    """Everything the page shows for a state; only the visible view's figure is computed (the
    table's content only `with_table`: once the grid is in the page, `update_table` fills it)."""
    data = data_access.get_data()
    nm = names(data, lang)
    result, table, rows = comparison(state, data)
    out: dict = {
        "bar": None,
        "heatmap": None,
        "radar": None,
        "table": None,
    }
    heat = None
    if state.view == "bar":
        out["bar"] = bar_figure(table, state, nm, data, lang)
    elif state.view == "heatmap":
        heat = compare.heatmap_matrix(
            data, result, state.cities, compare.indicators_under(data, state.level, state.item), rows=rows
        )
        out["heatmap"] = heatmap_figure(heat, state, nm, lang)
    elif state.view == "radar":
        radar_table = compare.compare_table(data, state.cities, "risk", result=result)
        out["radar"] = radar_figure(radar_table, nm, lang)
        table_for_text = radar_table
    elif with_table:
        out["table"] = table_content(state, nm, data, table, rows, lang)
    text_table = table_for_text if state.view == "radar" else table
    out["summary"] = summary_sentence(text_table, state, nm, data, lang, heat)
    out["chart_data"] = chart_table(state, text_table, nm, data, lang, heat)
    field_, _ = value_field(state, data, nm)
    order = (
        table.dropna(subset=[field_]).sort_values(field_, ascending=False, kind="stable")["city_id"].tolist()
    )
    out["ranking"] = json_attr(order)
    out["provenance"] = provenance_note(rows, lang)
    spread = SPREADS[state.spread]
    shares = data_access.rank_shares(
        state.cities, state.weights, compare.DEFAULT_DRAWS, spread, compare.DEFAULT_SEED
    )
    out["stability"] = stability_panel(shares, nm, state, compare.DEFAULT_DRAWS, lang)
    out["links"] = city_links(state.cities, nm, lang)
    out["bar_height"] = figure_height(int(table["score"].notna().sum()))
    out["address"] = address(PATH, state, lang, data)
    return out


def city_links(city_ids: list[str], nm: Names, lang: str) -> list:
    return [
        html.Span(t("compare.profiles", lang), className="links-label"),
        *[
            dcc.Link(nm.cities[c], href=link_with(f"/city/{c}", {"lang": lang}), className="city-link")
            for c in city_ids
        ],
    ]


# --- layout --------------------------------------------------------------------------------


def weight_slider(
    kind: str, key: str, value: float, label: str, minimum: float, lang: str, help_text: str | None = None
) -> html.Div:
    """A labelled weight slider (mouse, touch and arrow keys; Home/End for the ends)."""
    marks = [{"value": v, "label": str(v)} for v in (0, 1, 2, 3) if v >= minimum]
    return html.Div(
        [
            html.Div(
                [
                    html.Span(label),
                    " ",
                    html.Span(
                        format_number(value, lang),
                        className="weight-value",
                        id={"type": f"{kind}-value", "id": key},
                    ),
                ],
                className="weight-label",
                title=help_text,
                **{"aria-hidden": "true"},
            ),
            dmc.Slider(
                id={"type": kind, "id": key},
                min=minimum,
                max=compare.WEIGHT_MAX,
                step=0.1,
                value=value,
                marks=marks,
                updatemode="mouseup",
                className="weight-slider",
                size="sm",
                thumbLabel=t("compare.weight_of", lang, name=label),
                **declare(f"{compare.WEIGHT_PREFIX}{key}"),
            ),
        ],
        className="weight",
        **{"data-key": key},
    )


def weights_panel(state: CompareState, data, nm: Names, lang: str) -> html.Section:
    full = compare.full_weights(data, state.weights)
    dim_help, cat_help = described(data, "dimension", lang), described(data, "category", lang)
    dims = [
        weight_slider(
            ids.COMPARE_DIM_WEIGHT,
            d,
            full.dimensions[d],
            nm.dimensions[d],
            compare.DIMENSION_WEIGHT_MIN,
            lang,
            dim_help.get(d),
        )
        for d in DIMENSION_ORDER
    ]
    groups = []
    cats = data["categories"]
    for d in DIMENSION_ORDER:
        ids_ = [
            c
            for c in compare.level_items(data, "category")
            if c in set(cats.loc[cats["dimension"] == d, "category_id"])
        ]
        groups.append(
            html.Fieldset(
                [
                    html.Legend(nm.dimensions[d]),
                    *[
                        weight_slider(
                            ids.COMPARE_CAT_WEIGHT,
                            c,
                            full.categories[c],
                            nm.categories[c],
                            compare.WEIGHT_MIN,
                            lang,
                            cat_help.get(c),
                        )
                        for c in ids_
                    ],
                ],
                className="weight-group",
            )
        )
    return html.Section(
        [
            html.Div(
                [
                    html.H2(t("compare.weights.title", lang)),
                    html.Button(
                        t("compare.weights.reset", lang), id=ids.COMPARE_RESET, className="button", n_clicks=0
                    ),
                ],
                className="panel-head",
            ),
            html.P(t("compare.weights.help", lang), className="note"),
            info(
                t("compare.weights.info", lang),
                [definitions(data, "dimension", lang), definitions(data, "category", lang)],
                lang,
                term="weight",
                id="compare-weights-info",
            ),
            html.Fieldset(
                [html.Legend(t("compare.weights.dimensions", lang)), *dims],
                className="weight-group weight-dims",
            ),
            html.H3(t("compare.weights.categories", lang)),
            html.Div(groups, className="weight-groups"),
        ],
        className="panel",
        id="compare-weights",
    )


def control(label: str, child) -> html.Div:
    """A choice with a visible label; the control itself carries the same name (aria-label)."""
    return html.Div(
        [html.Div(label, className="control-label", **{"aria-hidden": "true"}), child], className="control"
    )


def item_help(data, level: str, item: str | None, lang: str) -> list:
    """What the chosen dimension, category or indicator measures, in plain words."""
    if level == "risk" or not item:
        return [t("compare.item_help.risk", lang), " ", glossary_link("risk_index", lang)]
    text = described(data, level, lang).get(item)
    if not text:
        return []
    extra = []
    if level == "indicator":
        direction = data["indicators"].set_index("indicator_id")["direction"].get(item)
        if isinstance(direction, str):
            extra = [" ", t(f"direction.{direction}", lang).capitalize() + "."]
    return [html.Strong(names(data, lang).item(level, item, lang) + ": "), text, *extra]


@with_mantine
def layout(**kwargs):
    data = data_access.get_data()
    ctx, state = read_page(kwargs, CompareState, data)
    lang = ctx.lang
    nm = names(data, lang)
    out = render(state, lang)
    members = data["cities"]["city_id"].tolist()

    def graph(graph_id: str, figure, view: str):
        style = {"height": f"{out['bar_height']}px"} if view == "bar" else {}
        region = (
            {"tabIndex": "0", "role": "region", "aria-label": t(f"compare.view.{view}", lang)}
            if view == "heatmap"
            else {}
        )
        return html.Div(
            dcc.Graph(
                id=graph_id,
                figure=figure if figure is not None else {},
                config=graph_config(lang),
                style=style,
                className=f"graph-{view}",
            ),
            id=f"compare-box-{view}",
            hidden=state.view != view,
            className="view-box",
            **region,
        )

    controls = html.Section(
        [
            html.Div(
                dmc.MultiSelect(
                    id=ids.COMPARE_CITIES,
                    **form_field(CompareState, "cities"),
                    label=t("compare.cities", lang),
                    data=[{"label": nm.cities[c], "value": c} for c in members],
                    value=state.cities,
                    clearable=True,
                    searchable=True,
                    placeholder=t("a11y.add_city", lang),
                    nothingFoundMessage=t("compare.dropdown.no_options_found", lang),
                    selectFirstOptionOnChange=True,
                    clearButtonProps={"aria-label": t("compare.dropdown.clear_selection", lang)},
                ),
                className="control",
            ),
            control(
                t("compare.level", lang),
                dmc.SegmentedControl(
                    id=ids.COMPARE_LEVEL,
                    **form_field(CompareState, "level"),
                    data=[{"label": t(f"compare.level.{lv}", lang), "value": lv} for lv in compare.LEVELS],
                    value=state.level,
                    className="segmented",
                    withItemsBorders=False,
                    **{"aria-label": t("compare.level", lang)},
                ),
            ),
            html.Div(
                dmc.Select(
                    id=ids.COMPARE_ITEM,
                    **form_field(CompareState, "item", follows=("level",)),
                    label=t("compare.item", lang),
                    data=item_options(data, state.level, lang),
                    value=state.item,
                    disabled=state.level == "risk",
                    allowDeselect=False,
                    searchable=True,
                    placeholder=t("compare.item_none", lang),
                    nothingFoundMessage=t("compare.dropdown.no_options_found", lang),
                    selectFirstOptionOnChange=True,
                    maxDropdownHeight=320,
                ),
                className="control",
            ),
            control(
                t("compare.scale", lang),
                dmc.SegmentedControl(
                    id=ids.COMPARE_SCALE,
                    **form_field(CompareState, "scale", follows=("level", "item")),
                    data=scale_options(data, state.level, state.item, lang),
                    value=state.scale,
                    className="segmented",
                    withItemsBorders=False,
                    **{"aria-label": t("compare.scale", lang)},
                ),
            ),
            html.P(
                item_help(data, state.level, state.item, lang),
                id="compare-item-help",
                className="note measure-help",
                **{"aria-live": "polite"},
            ),
        ],
        className="panel compare-controls",
    )
    notes = t(
        "compare.per_capita_note",
        lang,
        indicators=", ".join(nm.indicators[i] for i in compare.per_capita_indicators(data))
        or t("compare.per_capita_none", lang),
    )
    return html.Div(
        [
            *address_stores(NAME, PATH, state, lang, data),
            *page_header("title.compare", "compare.intro", ctx),
            controls,
            html.Div(id=ids.COMPARE_NOTICE, role="status"),
            html.Section(
                [
                    html.Div(
                        [
                            dmc.SegmentedControl(
                                id=ids.COMPARE_VIEW,
                                **form_field(CompareState, "view"),
                                data=[{"label": t(f"compare.view.{v}", lang), "value": v} for v in VIEWS],
                                value=state.view,
                                className="segmented view-tabs",
                                withItemsBorders=False,
                                **{"aria-label": t("compare.view", lang)},
                            ),
                        ],
                        className="panel-head",
                    ),
                    html.P(
                        out["summary"],
                        id=ids.COMPARE_SUMMARY,
                        className="chart-summary",
                        **{"data-ranking": out["ranking"]},
                    ),
                    graph(ids.COMPARE_BAR, out["bar"], "bar"),
                    graph(ids.COMPARE_HEATMAP, out["heatmap"], "heatmap"),
                    graph(ids.COMPARE_RADAR, out["radar"], "radar"),
                    html.Div(out["chart_data"], id="compare-chart-data"),
                    html.Div(
                        table_view(out["table"], lang) if out["table"] else [],  # or once first shown
                        id=TABLE_BOX,
                        **{"data-made": "1" if out["table"] else ""},
                        hidden=state.view != "table",
                        className="view-box",
                    ),
                    html.P(out["provenance"], id=ids.COMPARE_PROVENANCE, className="note"),
                    html.P(
                        t("compare.heatmap_note", lang),
                        className="note",
                        id="compare-heatmap-note",
                        hidden=state.view != "heatmap",
                    ),
                    html.P(notes, className="note"),
                    html.P(out["links"], id=ids.COMPARE_LINKS, className="city-links"),
                    export_group("compare", lang),  # PPTX (issue 7)
                ],
                className="panel compare-main",
            ),
            html.Div(
                [
                    weights_panel(state, data, nm, lang),
                    html.Section(
                        [
                            html.Div(
                                [
                                    html.H2(t("compare.stability.title", lang)),
                                    dmc.Select(
                                        id=ids.COMPARE_SPREAD,
                                        **form_field(CompareState, "spread"),
                                        value=state.spread,
                                        allowDeselect=False,
                                        label=t("compare.spread_label", lang),
                                        data=[
                                            {"label": t(f"compare.spread.{s}", lang), "value": s}
                                            for s in SPREADS
                                        ],
                                        className="spread-select",
                                    ),
                                ],
                                className="panel-head",
                            ),
                            html.P(
                                [
                                    t(
                                        "compare.stability.help",
                                        lang,
                                        draws=format_int(compare.DEFAULT_DRAWS, lang),
                                    ),
                                    " ",
                                    glossary_link("rank_stability", lang),
                                ],
                                className="note",
                            ),
                            html.Div(out["stability"], id=ids.COMPARE_STABILITY),
                        ],
                        className="panel",
                    ),
                ],
                className="grid-2 compare-bottom",
            ),
        ],
        className="page page-compare",
    )


# --- callbacks -----------------------------------------------------------------------------


@callback(
    output=dict(
        options=Output(ids.COMPARE_ITEM, "data"),
        value=Output(ids.COMPARE_ITEM, "value"),
        disabled=Output(ids.COMPARE_ITEM, "disabled"),
    ),
    inputs=dict(
        level=Input(ids.COMPARE_LEVEL, "value"),
        current=State(ids.COMPARE_ITEM, "value"),
        stored=address_state(NAME),
    ),
    prevent_initial_call=True,
)
@public_answer
def update_items(level, current, stored):
    """Items of the chosen level; the current one is kept when it still fits."""
    data = data_access.get_data()
    state = page_state.from_controls(CompareState, {"level": level, "item": current}, data)
    return dict(
        options=item_options(data, state.level, lang_of(stored)),
        value=state.item,
        disabled=state.level == "risk",
    )


@callback(
    Output("compare-item-help", "children"),
    Input(ids.COMPARE_LEVEL, "value"),
    Input(ids.COMPARE_ITEM, "value"),
    address_state(NAME),
    prevent_initial_call=True,
)
@public_answer
def show_item_help(level, item, stored):
    """The plain-language description of the chosen item."""
    data = data_access.get_data()
    state = page_state.from_controls(CompareState, {"level": level, "item": item}, data)
    return item_help(data, state.level, state.item, lang_of(stored))


@callback(
    Output({"type": ids.COMPARE_DIM_WEIGHT, "id": ALL}, "value"),
    Output({"type": ids.COMPARE_CAT_WEIGHT, "id": ALL}, "value"),
    Input(ids.COMPARE_RESET, "n_clicks"),
    State({"type": ids.COMPARE_DIM_WEIGHT, "id": ALL}, "id"),
    State({"type": ids.COMPARE_CAT_WEIGHT, "id": ALL}, "id"),
    prevent_initial_call=True,
)
@public_answer
def reset_weights(_clicks, dim_ids, cat_ids):
    """Back to the weights the data declares."""
    base = compare.default_weights(data_access.get_data())
    return (
        [base.dimensions.get(i["id"], 1.0) for i in dim_ids],
        [base.categories.get(i["id"], 1.0) for i in cat_ids],
    )


@callback(
    Output(ids.COMPARE_GRID, "exportDataAsCsv"),
    Input(ids.COMPARE_EXPORT, "n_clicks"),
    prevent_initial_call=True,
)
def export_csv(_clicks):
    return True


TABLE_BOX = "compare-box-table"
UPDATE_OUTPUTS = dict(
    summary=Output(ids.COMPARE_SUMMARY, "children"),
    ranking=Output(ids.COMPARE_SUMMARY, "data-ranking"),
    bar=Output(ids.COMPARE_BAR, "figure"),
    bar_style=Output(ids.COMPARE_BAR, "style"),
    heatmap=Output(ids.COMPARE_HEATMAP, "figure"),
    radar=Output(ids.COMPARE_RADAR, "figure"),
    table=Output(TABLE_BOX, "children"),
    table_made=Output(TABLE_BOX, "data-made"),
    hide_bar=Output("compare-box-bar", "hidden"),
    hide_heatmap=Output("compare-box-heatmap", "hidden"),
    hide_radar=Output("compare-box-radar", "hidden"),
    hide_table=Output(TABLE_BOX, "hidden"),
    hide_heatmap_note=Output("compare-heatmap-note", "hidden"),
    provenance=Output(ids.COMPARE_PROVENANCE, "children"),
    stability=Output(ids.COMPARE_STABILITY, "children"),
    links=Output(ids.COMPARE_LINKS, "children"),
    notice=Output(ids.COMPARE_NOTICE, "children"),
    scale_options=Output(ids.COMPARE_SCALE, "data"),
    scale=Output(ids.COMPARE_SCALE, "value"),
    address=address_output(NAME),
    chart_data=Output("compare-chart-data", "children"),
)
# Shown only when computed for the visible view; otherwise the browser keeps what it has.
KEEP_UNLESS_SHOWN = ("bar", "heatmap", "radar")
CONTROLS = dict(
    cities=Input(ids.COMPARE_CITIES, "value"),
    level=Input(ids.COMPARE_LEVEL, "value"),
    item=Input(ids.COMPARE_ITEM, "value"),
    view=Input(ids.COMPARE_VIEW, "value"),
    scale=Input(ids.COMPARE_SCALE, "value"),
    dim_values=Input({"type": ids.COMPARE_DIM_WEIGHT, "id": ALL}, "value"),
    cat_values=Input({"type": ids.COMPARE_CAT_WEIGHT, "id": ALL}, "value"),
    dim_ids=State({"type": ids.COMPARE_DIM_WEIGHT, "id": ALL}, "id"),
    cat_ids=State({"type": ids.COMPARE_CAT_WEIGHT, "id": ALL}, "id"),
    stored=address_state(NAME),
)


def state_of_controls(
    data, cities, level, item, view, scale, spread, dim_values, cat_values, dim_ids, cat_ids
) -> tuple[CompareState, list[str]]:
    """The state the controls show, and the categories whose dimension had every weight at zero
    (reset to one)."""
    state = page_state.from_controls(
        CompareState, dict(cities=cities, level=level, item=item, view=view, scale=scale, spread=spread), data
    )
    weights = IndexWeights(
        dimensions={i["id"]: _clip(v, compare.DIMENSION_WEIGHT_MIN) for i, v in zip(dim_ids, dim_values)},
        categories={i["id"]: _clip(v, compare.WEIGHT_MIN) for i, v in zip(cat_ids, cat_values)},
    )
    state.weights, reset = compare.ensure_dimension_weights(compare.full_weights(data, weights), data)
    return state, reset


@callback(
    output=UPDATE_OUTPUTS,
    inputs=dict(
        CONTROLS,
        spread=Input(ids.COMPARE_SPREAD, "value"),
        table_made=State(TABLE_BOX, "data-made"),
    ),
    prevent_initial_call=True,
)
@public_answer
def update(
    cities, level, item, view, scale, dim_values, cat_values, dim_ids, cat_ids, stored, spread, table_made
):
    """Recompute the comparison for the controls' values and return the canonical address.

    The table box gets its grid the first time the table view is shown; from then on the grid
    stays in the page (hidden with another view, keeping its sorting and filters) and
    `update_table` refills it, so no callback ever outputs to a grid that is not there."""
    data = data_access.get_data()
    lang = lang_of(stored)
    messages: list[str] = []
    if not set(cities or []) & set(data["cities"]["city_id"]):
        messages.append(t("compare.notice.no_cities", lang))
    state, reset = state_of_controls(
        data, cities, level, item, view, scale, spread, dim_values, cat_values, dim_ids, cat_ids
    )
    if reset:
        nm = names(data, lang)
        dims = sorted({data["categories"].set_index("category_id").at[c, "dimension"] for c in reset})
        messages.append(
            t("compare.notice.all_zero", lang, dimension=", ".join(nm.dimensions[d] for d in dims))
        )
    out = render(state, lang, with_table=not table_made)
    shown = {key: no_update if out[key] is None else out[key] for key in KEEP_UNLESS_SHOWN}
    return dict(
        shown,
        table=no_update if out["table"] is None else table_view(out["table"], lang),
        table_made=no_update if out["table"] is None else "1",
        summary=out["summary"],
        ranking=out["ranking"],
        bar_style={"height": f"{out['bar_height']}px"},
        provenance=out["provenance"],
        stability=out["stability"],
        links=out["links"],
        notice=[html.Div([html.P(m) for m in messages], className="notice")] if messages else [],
        hide_bar=state.view != "bar",
        hide_heatmap=state.view != "heatmap",
        hide_radar=state.view != "radar",
        hide_table=state.view != "table",
        hide_heatmap_note=state.view != "heatmap",
        scale_options=scale_options(data, state.level, state.item, lang),
        scale=state.scale,
        address=out["address"],
        chart_data=out["chart_data"],
    )


# Dash runs no callback whose outputs are all absent, so this one waits until the grid is in the
# page. The first time the table is shown it runs once more after `update` (which made the grid
# with its rows, so they appear without waiting for this second answer) with the same rows.
@callback(
    output=dict(
        summary=Output(ids.COMPARE_SUMMARY_TABLE, "children"),
        rows=Output(ids.COMPARE_GRID, "rowData"),
        columns=Output(ids.COMPARE_GRID, "columnDefs"),
        export=Output(ids.COMPARE_GRID, "csvExportParams"),
    ),
    inputs=CONTROLS,
    prevent_initial_call=True,
)
@public_answer
def update_table(cities, level, item, view, scale, dim_values, cat_values, dim_ids, cat_ids, stored):
    """Refill the grid that is already in the page, while the table view is shown."""
    if view != "table":
        raise PreventUpdate  # a hidden grid keeps its rows until it is shown again
    data = data_access.get_data()
    lang = lang_of(stored)
    state, _ = state_of_controls(
        data, cities, level, item, view, scale, None, dim_values, cat_values, dim_ids, cat_ids
    )
    _, table, rows = comparison(state, data)
    content = table_content(state, names(data, lang), data, table, rows, lang)
    return dict(summary=content.summary, rows=content.rows, columns=content.columns, export=content.export)


def _clip(value, minimum: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return 1.0
    if not np.isfinite(v):
        return 1.0
    return float(min(max(v, minimum), compare.WEIGHT_MAX))


# The chosen weight as a number beside its name (the slider shows it only while in use).
for _kind in (ids.COMPARE_DIM_WEIGHT, ids.COMPARE_CAT_WEIGHT):
    dash.clientside_callback(
        """function (value, stored) {
            if (typeof value !== "number") { return window.dash_clientside.no_update; }
            return value.toLocaleString(stored && stored.lang === "en" ? "en-GB" : "ru-RU",
                                        {minimumFractionDigits: 1, maximumFractionDigits: 1});
        }""",
        Output({"type": f"{_kind}-value", "id": MATCH}, "children"),
        Input({"type": _kind, "id": MATCH}, "value"),
        address_state(NAME),
        prevent_initial_call=True,
    )
