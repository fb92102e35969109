"""Map `/map`: outlines, rivers and cities coloured by any index level or indicator, offline.

Choices (colour by, layers, tiles, centre and zoom) live in the query string, declared once by
`MapState`; the common address sync (components/page_state.py) keeps the browser's address in
step, so the view can be shared without the page re-rendering on every pan.
"""

from dataclasses import dataclass

import dash
import dash_leaflet as dl
import dash_mantine_components as dmc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

import ids
from components.city_map import (
    OSM_ATTRIBUTION,
    OSM_URL,
    city_bounds,
    city_label,
    label_sides,
    layer_geojson,
    marker_radius,
    score_colour,
    view_for,
)
from components.confidence import confidence_block
from components.explain import data_details, data_table, described, glossary_link
from components.infrastructure_views import (
    facilities_layer,
    facility_features,
    infra_legend,
    zone_features,
    zones_layer,
)
from components.page import page_header, page_title, with_mantine
from components.page_state import address_state, address_stores, lang_of, read_page, sync_address
from components.shell import link_with
from domain import page_state
from domain.map_layers import city_values, colour_options, is_known_choice
from domain.palette import INK
from domain.queries import geo_layer
from i18n import format_int, format_number, t, tn
from services import data_access
from services.callback_cache import public_answer
from services.config import settings
from services.native_controls import form_field

NAME, PATH = "map", "/map"
dash.register_page(
    __name__,
    path=PATH,
    order=40,
    nav_key="nav.map",
    title=page_title("title.map"),
    name=NAME,
    public_answer=True,
)

LAYERS = ("countries", "admin1", "rivers", "hazard_zones", "facilities")
OUTLINE_Z = 401  # Leaflet's overlay pane is 400; the hazard zones' pane is 410
INFRA_LAYERS = ("hazard_zones", "facilities")  # critical infrastructure (issue 19), drawn from the build
MAP_DATA = "map-data"  # the map's text alternative: a sentence and the values as a table
DEFAULT_LAYERS = ("countries", "admin1", "rivers", "hazard_zones", "facilities")
INFRA_LEGEND = "map-infra-legend"


def map_layer(layer: str, lang: str):
    """An outline layer, or one of the infrastructure layers in the page's language."""
    data = data_access.get_data()
    if layer == "facilities":
        return facilities_layer(facility_features(data["facilities"], data["facility_exposure"], lang))
    if layer == "hazard_zones":
        return zones_layer(zone_features(geo_layer(data, "hazard_zones"), lang))
    return layer_geojson(layer)


def infra_legend_for(chosen: list[str], lang: str) -> list:
    """The facility and zone legend when either layer is on."""
    if not set(chosen) & set(INFRA_LAYERS):
        return []
    data = data_access.get_data()
    zones = data["hazard_zones"]
    classes = (
        zones[["zone_class", "severity", "status"]]
        .drop_duplicates("zone_class")
        .sort_values("severity", ascending=False)
    )
    types = sorted(set(data["facilities"]["facility_type"]), key=lambda x: t(f"infra.type.{x}", lang))
    return [
        infra_legend(types, [(r.zone_class, int(r.severity), r.status) for r in classes.itertuples()], lang)
    ]


def _choices(data, chosen) -> list[str]:
    return [o["value"] for o in colour_options(data, "en")]


def _tiles(data, chosen) -> tuple[str, ...]:
    return ("osm",) if settings.enable_tiles else ()


@dataclass
class MapState:
    """What the map shows, declared once (domain/page_state.py): the measure, the layers, web
    tiles (when the deployment allows them), and the centre and zoom (absent: fit the cities)."""

    by: str = page_state.one("by", _choices, "risk", notice="map.bad_choice")
    layers: list[str] = page_state.many("layers", LAYERS, DEFAULT_LAYERS, notice="map.bad_layers")
    tiles: str | None = page_state.one("tiles", _tiles, None)
    lat: float | None = page_state.number("lat", -85, 85, digits=3, fixed=True, notice="map.bad_view")
    lon: float | None = page_state.number("lon", -180, 180, digits=3, fixed=True, notice="map.bad_view")
    z: float | None = page_state.number("z", 1, 18, digits=2, notice="map.bad_view")


def fields_from(values: dict) -> dict:
    """The model's fields from the controls: web tiles are a choice among the layers, the centre a pair."""
    layers = values.get("layers") or []
    center = values.get("center")
    lat, lon = (
        (center[0], center[1])
        if isinstance(center, (list, tuple)) and len(center) == 2
        else ((center.get("lat"), center.get("lng")) if isinstance(center, dict) else (None, None))
    )
    return {
        "by": values.get("by"),
        "layers": [x for x in layers if x != "osm"],
        "tiles": "osm" if "osm" in layers else None,
        "lat": lat,
        "lon": lon,
        "z": values.get("zoom"),
    }


def choice_label(data, by: str, lang: str) -> str:
    """Human name of a colour-by choice."""
    if by == "risk":
        return t("index.risk", lang)
    return next((o["label"] for o in colour_options(data, lang) if o["value"] == by), by)


def class_word(score: float | None, classes: pd.DataFrame, lang: str) -> str:
    """The risk class of a 0-10 score in words (the colour is never the only cue)."""
    if score is None or score != score:
        return t("map.no_value", lang)
    match = classes[classes["lower"] <= score]
    row = match.iloc[-1] if len(match) else classes.iloc[0]
    return str(row[f"name_{lang}"]).lower()


def marker_tooltip(row: pd.Series, name: str, lang: str, unit: str | None, klass: str | None = None) -> str:
    """Tooltip text: city, score and class, and the raw value with unit, year and status when there is one."""
    if row["score"] != row["score"]:
        return f"{name}: {t('map.no_value', lang)}"
    text = f"{name}: {format_number(row['score'], lang)} / 10" + (f" ({klass})" if klass else "")
    if unit and row["value"] == row["value"]:
        text += f" · {format_number(row['value'], lang, 2)} {unit} ({int(row['year'])})"
    if isinstance(row["status"], str):
        text += f" · {t('status.' + row['status'], lang)}"
    if row.get("value_scope") in ("country", "region"):
        text += f" · {t('status.national' if row['value_scope'] == 'country' else 'status.region', lang)}"
    return text


def markers_for(by: str, lang: str) -> tuple[list, html.Div]:
    """City circles coloured by the choice, sized by population, and the legend that goes with them."""
    data = data_access.get_data()
    values = city_values(data, by)
    cities = data["cities"].set_index("city_id")
    classes = data["risk_classes"].sort_values("lower")
    unit = None
    if by.startswith("ind:"):
        ind = data["indicators"].set_index("indicator_id").loc[by[4:]]
        unit = ind[f"unit_{lang}"]
    markers = []
    sides = label_sides(
        [cities.at[c, "lat"] for c in values["city_id"]], [cities.at[c, "lon"] for c in values["city_id"]]
    )
    for side, (_, row) in zip(sides, values.iterrows()):
        city = cities.loc[row["city_id"]]
        name = city[f"name_{lang}"]
        markers.append(
            dl.CircleMarker(
                id={"type": ids.MAP_CITY, "index": row["city_id"]},
                center=[city["lat"], city["lon"]],
                radius=marker_radius(city["population"]),
                color=INK,
                weight=1.5,
                fillColor=score_colour(row["score"], classes),
                fillOpacity=0.95,
                dashArray="4 3" if row["score"] != row["score"] else None,
                children=[city_label(name, row["score"], lang, side)],
            )
        )
    # Legend: what is shown, the colour classes, and the unit, years and statuses behind it.
    statuses = sorted({s for s in values["status"].dropna()})
    status_text = ", ".join(t(f"status.{s}", lang) for s in statuses) or "—"
    facts = [html.Li(t("map.legend_statuses", lang, statuses=status_text))]
    if unit:
        years = values["year"].dropna()
        year_text = (
            "—"
            if years.empty
            else (
                str(int(years.min()))
                if years.min() == years.max()
                else f"{int(years.min())}–{int(years.max())}"
            )
        )
        facts.insert(0, html.Li(t("map.legend_unit", lang, unit=unit, years=year_text)))
        for scope, key in (("country", "map.legend_national"), ("region", "map.legend_region")):
            count = int((values["value_scope"] == scope).sum())
            if count:
                facts.append(html.Li(t(key, lang, cities=tn("count.city", count, lang))))
    missing = int(values["score"].isna().sum())
    if missing:
        facts.append(html.Li(t("map.legend_missing", lang, cities=tn("count.for_city", missing, lang))))
    facts.append(html.Li(t("map.legend_size", lang)))
    legend = html.Div(
        [
            html.H2(choice_label(data, by, lang), className="legend-title"),
            html.P(measure_help(data, by, lang), className="note measure-help"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Span(className="swatch", style={"background": c["colour"]}),
                            f"{c[f'name_{lang}']} ({format_number(c['lower'], lang)}–{format_number(c['upper'], lang)})",
                        ]
                    )
                    for _, c in classes.iterrows()
                ],
                className="legend",
            ),
            html.Ul(facts, className="legend-facts"),
        ]
    )
    return markers, legend


def measure_help(data, by: str, lang: str) -> list:
    """What the measure shown on the map means, in plain words, with a glossary link."""
    if by == "risk":
        return [t("map.help_risk", lang), " ", glossary_link("risk_index", lang)]
    kind, _, key = by.partition(":")
    level = {"dim": "dimension", "cat": "category", "ind": "indicator"}.get(kind)
    text = described(data, level, lang).get(key, "") if level else ""
    return [text, " ", glossary_link("scaled_score", lang, t("map.help_scores", lang))]


def map_data(by: str, lang: str) -> list:
    """The map as text: one sentence (highest and lowest city) and every city's values in a table."""
    data = data_access.get_data()
    values = city_values(data, by)
    cities = data["cities"].set_index("city_id")
    classes = data["risk_classes"].sort_values("lower")
    label = choice_label(data, by, lang)
    unit = (
        data["indicators"].set_index("indicator_id").at[by[4:], f"unit_{lang}"]
        if by.startswith("ind:")
        else None
    )
    values = values.assign(name=values["city_id"].map(cities[f"name_{lang}"])).sort_values(
        "score", ascending=False
    )
    shown = values.dropna(subset=["score"])
    if len(shown) >= 2:
        first, last = shown.iloc[0], shown.iloc[-1]
        sentence = t(
            "map.summary",
            lang,
            measure=label,
            count=tn("count.city", len(values), lang),
            first=first["name"],
            score=format_number(first["score"], lang),
            first_class=class_word(first["score"], classes, lang),
            last=last["name"],
            low=format_number(last["score"], lang),
            last_class=class_word(last["score"], classes, lang),
        )
    else:
        sentence = t("map.summary_short", lang, measure=label, count=format_int(len(values), lang))
    missing = int(values["score"].isna().sum())
    if missing:
        sentence += (
            " "
            + t(
                "map.legend_missing",
                lang,
                cities=tn("count.for_city", missing, lang),
            )
            + "."
        )
    header = [t("overview.city", lang), t("map.score_col", lang), t("overview.class_col", lang)]
    if unit:
        header += [t("compare.value", lang), t("compare.year", lang)]
    header += [t("compare.status", lang)]
    rows = []
    for _, r in values.iterrows():
        link = dcc.Link(r["name"], href=link_with(f"/city/{r['city_id']}", {"lang": lang}))
        row = [link, format_number(r["score"], lang), class_word(r["score"], classes, lang)]
        if unit:
            has = r["value"] == r["value"]
            row += [
                f"{format_number(r['value'], lang, 2)} {unit}" if has else "—",
                str(int(r["year"])) if has and r["year"] == r["year"] else "—",
            ]
        status = t(f"status.{r['status']}", lang) if isinstance(r["status"], str) else "—"
        if r.get("value_scope") in ("country", "region"):
            status += f", {t('status.national' if r['value_scope'] == 'country' else 'status.region', lang)}"
        row.append(status)
        rows.append(row)
    return [
        html.P(sentence, className="chart-summary", id="map-summary"),
        data_details(data_table(label, header, rows), lang, label, id="map-data-details"),
    ]


@with_mantine
def layout(**kwargs):
    data = data_access.get_data()
    ctx_, state = read_page(kwargs, MapState, data)
    lang = ctx_.lang
    by, layers, tiles = state.by, state.layers, state.tiles == "osm"
    default_center, default_zoom = view_for(data["cities"]["lat"].tolist(), data["cities"]["lon"].tolist())
    lat, lon, zoom = state.lat, state.lon, state.z
    from_link = lat is not None and lon is not None
    center = [lat, lon] if from_link else default_center
    # Without a view in the link, Leaflet fits the map to the member cities (a viewport with bounds).
    view = dict(center=center, zoom=zoom if zoom is not None else default_zoom)
    if not from_link:
        view["viewport"] = {
            "bounds": city_bounds(data["cities"]["lat"].tolist(), data["cities"]["lon"].tolist()),
            "options": {"padding": [30, 30]},
        }
    markers, legend = markers_for(by, lang)
    options = colour_options(data, lang)
    options[0]["label"] = t("index.risk", lang)
    layer_options = [{"value": x, "label": t(f"map.{x}", lang)} for x in LAYERS]
    if settings.enable_tiles:
        layer_options.append({"value": "osm", "label": t("map.osm_tiles", lang)})
    return html.Div(
        [
            *page_header("title.map", "map.intro", ctx_),
            html.Div(
                [
                    html.Div(
                        dmc.Select(
                            id=ids.MAP_BY,
                            **form_field(MapState, "by"),
                            label=t("map.colour_by", lang),
                            data=options,
                            value=by,
                            allowDeselect=False,
                            searchable=True,
                            selectFirstOptionOnChange=True,
                            nothingFoundMessage=t("compare.dropdown.no_options_found", lang),
                            maxDropdownHeight=360,
                        ),
                        className="control",
                    ),
                    html.Div(
                        dmc.CheckboxGroup(
                            dmc.Group(
                                [dmc.Checkbox(label=o["label"], value=o["value"]) for o in layer_options],
                                gap="md",
                            ),
                            id=ids.MAP_LAYERS,
                            **form_field(MapState, "layers", options={"osm": "tiles"}),
                            label=t("map.layers", lang),
                            value=layers + (["osm"] if tiles else []),
                            className="checkbox-group map-layers",
                        ),
                        className="control",
                    ),
                ],
                className="controls",
            ),
            html.Div(
                [
                    html.Div(
                        dl.Map(
                            [
                                dl.LayerGroup(
                                    [dl.TileLayer(url=OSM_URL, attribution=OSM_ATTRIBUTION)] if tiles else [],
                                    id=ids.MAP_TILES,
                                ),
                                # Each outline layer in its own pane, stacked in LAYERS' order: fetched by
                                # URL, whichever arrived last was otherwise drawn on top of the others.
                                *[
                                    dl.Pane(
                                        dl.LayerGroup(
                                            [map_layer(x, lang)] if x in layers else [], id=f"group-{x}"
                                        ),
                                        name=f"outline-{x}",
                                        style={"zIndex": OUTLINE_Z + n},
                                    )
                                    for n, x in enumerate(x for x in LAYERS if x not in INFRA_LAYERS)
                                ],
                                # Own panes, so outlines that arrive later (fetched by URL) never cover them.
                                *[
                                    dl.Pane(
                                        dl.LayerGroup(
                                            [map_layer(x, lang)] if x in layers else [], id=f"group-{x}"
                                        ),
                                        name=f"infra-{x}",
                                        style={"zIndex": z},
                                    )
                                    for x, z in (("hazard_zones", 410), ("facilities", 640))
                                ],
                                dl.Pane(markers, name="cities", style={"zIndex": 650}, id=ids.MAP_CITIES),
                            ],
                            id=ids.MAP,
                            **view,
                            zoomSnap=0.25,
                            style={"height": "70vh", "minHeight": "380px", "width": "100%"},
                            scrollWheelZoom=True,
                        ),
                        className="map-frame",
                        role="region",
                        **{"aria-label": t("map.label", lang)},
                    ),
                    html.Aside(
                        [
                            html.Div(legend, id=ids.MAP_LEGEND),
                            html.Div(infra_legend_for(layers, lang), id=INFRA_LEGEND),
                            html.Div(
                                html.P(t("map.click_hint", lang), className="note"),
                                id=ids.MAP_PANEL,
                                **{"aria-live": "polite"},
                            ),
                        ],
                        className="map-side",
                    ),
                ],
                className="map-layout",
            ),
            html.Section(
                map_data(by, lang), id=MAP_DATA, className="panel map-data", **{"aria-live": "polite"}
            ),
            *address_stores(NAME, PATH, state, lang, data),
        ],
        className="page page-map",
    )


CONTROLS = dict(
    by=(ids.MAP_BY, "value"),
    layers=(ids.MAP_LAYERS, "value"),
    center=(ids.MAP, "center"),
    zoom=(ids.MAP, "zoom"),
)


def state_from(values: dict) -> MapState:
    """The state behind the controls' values (the address's parser, so the same rules)."""
    return page_state.from_controls(MapState, fields_from(values), data_access.get_data())


@callback(
    Output(ids.MAP_CITIES, "children"),
    Output(ids.MAP_LEGEND, "children"),
    Output(MAP_DATA, "children"),
    Input(ids.MAP_BY, "value"),
    address_state(NAME),
    prevent_initial_call=True,
)
@public_answer
def recolour(by: str, stored: dict):
    """Recolour the cities and rewrite the legend and the table for a new 'colour by' choice."""
    lang = lang_of(stored)
    by = state_from({"by": by}).by
    return (*markers_for(by, lang), map_data(by, lang))


@callback(
    output=dict(
        groups=[Output(f"group-{x}", "children") for x in LAYERS],
        tiles=Output(ids.MAP_TILES, "children"),
        legend=Output(INFRA_LEGEND, "children"),
    ),
    inputs=dict(chosen=Input(ids.MAP_LAYERS, "value"), stored=address_state(NAME)),
    prevent_initial_call=True,
)
@public_answer
def toggle_layers(chosen: list[str], stored: dict):
    """Show the chosen outline and infrastructure layers, and web tiles only when asked for."""
    state = state_from({"layers": chosen})
    lang = lang_of(stored)
    return dict(
        groups=[[map_layer(x, lang)] if x in state.layers else [] for x in LAYERS],
        tiles=[dl.TileLayer(url=OSM_URL, attribution=OSM_ATTRIBUTION)] if state.tiles == "osm" else [],
        legend=infra_legend_for(state.layers, lang),
    )


@callback(
    Output(ids.MAP_PANEL, "children"),
    Input({"type": ids.MAP_CITY, "index": ALL}, "n_clicks"),
    State(ids.MAP_BY, "value"),
    address_state(NAME),
    prevent_initial_call=True,
)
@public_answer
def city_panel(clicks: list, by: str, stored: dict):
    """Key figures of the clicked city, with a link to its profile."""
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    lang = lang_of(stored)
    city_id = ctx.triggered_id["index"]
    data = data_access.get_data()
    rows = data_access.headline(lang).set_index("city_id")
    if city_id not in rows.index:
        return html.P(t("map.no_value", lang))
    row = rows.loc[city_id]
    shown = (
        city_values(data, by if by and is_known_choice(data, by) else "risk")
        .set_index("city_id")
        .loc[city_id]
    )
    return html.Div(
        [
            html.H2(row["name"]),
            html.P(row["country"], className="note"),
            html.Dl(
                [
                    html.Dt(t("index.risk", lang)),
                    html.Dd(
                        f"{format_number(row['risk'], lang)} ({row['class_name']}), "
                        + t(
                            "overview.rank",
                            lang,
                            rank=int(row["rank"]),
                            total=int(rows["risk"].notna().sum()),
                        )
                    ),
                    html.Dt(choice_label(data, by, lang)),
                    html.Dd(format_number(shown["score"], lang) + " / 10"),
                    html.Dt(t("city.population", lang)),
                    html.Dd(f"{format_int(row['population'], lang)} ({int(row['population_year'])})"),
                    html.Dt(t("overview.top_hazards", lang)),
                    html.Dd(row["top_hazards"] or "—"),
                    html.Dt(t("overview.coverage", lang)),
                    html.Dd(
                        t(
                            "overview.coverage_value",
                            lang,
                            share=f"{row['coverage']:.0%}",
                            present=int(row["indicators_present"]),
                            total=int(row["indicators_total"]),
                            of_total=tn("count.of_indicator", int(row["indicators_total"]), lang),
                        )
                    ),
                ],
                className="facts",
            ),
            confidence_block(row, lang, compact=True),
            dcc.Link(
                t("map.open_profile", lang),
                href=link_with(f"/city/{city_id}", {"lang": lang}),
                className="profile-link",
                id="map-profile-link",
            ),
        ],
        className="city-panel",
    )


sync_address(NAME, PATH, MapState, CONTROLS, data_access.get_data, fields_from)
