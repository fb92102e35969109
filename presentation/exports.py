"""Slides and leave-behind files: the presenter deck, PowerPoint (python-pptx) and the PDF brief.

Glue between the cached queries (`services/data_access.py`), the pure builders of what each slide
and the brief say (`domain/exports.py`), the slide charts (`components/slide_charts.py` for the
screen and the PDF, `components/native_charts.py` for PowerPoint), Plotly's kaleido (the PDF's
charts to PNG with the system Chromium), python-pptx, the brief's template
(`presentation/brief.py`) and WeasyPrint.

PowerPoint charts are native chart objects a presenter can restyle; no slide kind needs a picture
(none is a map). Every text box is sized for its text at 18 pt or more (`services/slide_text.py`
measures the lines); points that do not fit beside the chart follow on a continuation slide.

The PDF's charts are drawn by one kaleido server per process (`ensure_renderer`): about 3 s to
start Chromium, then a fraction of a second per chart. The export queue's worker processes
(`services/export_queue.py`, which gets `run_export` from `presentation/export_button.py`) keep it
between jobs. Nothing here reaches outside the machine: kaleido uses the plotly.js bundled with
plotly and no MathJax, WeasyPrint gets only inline data.
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from components import native_charts as nc
from components import slide_charts as sc
from components.charts import message_figure
from components.infrastructure_views import infrastructure_figure
from components.outlook_panel import city_fan_figure, driver_sentence, scenario_name
from components.resilience_charts import decade_bars, essentials_bar
from domain import actions as act
from domain import climate, compare
from domain import exports as dx
from domain import losses as ls
from domain import outlook as ol
from domain import scorecard as score
from domain.palette import text_colour
from i18n import format_day, format_number, t
from presentation import brief
from services import data_access
from services import slide_text as st

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
SPREADS = {"wide": 5.0, "moderate": 20.0, "narrow": 80.0}  # as on /compare
IMAGE_SIZE = (900, 560)  # CSS pixels of a slide chart; drawn at IMAGE_SCALE for sharpness
IMAGE_SCALE = 2.5
BRIEF_SIZE = (900, 400)
BRIEF_FONT = 16
BRIEF_FAN_SIZE = (480, 380)  # the outlook's fan chart beside its table (half the page's width)
BRIEF_FAN_FONT = 14
_renderer_pid: int | None = None


def _no_progress(done: int, total: int, message: str) -> None:
    return None


# --- slides: words and chart for each deck token --------------------------------------------------


def actions_available(data) -> bool:
    """The action-progress slide needs the build's action plans."""
    return dx.has_actions(data)


def deck_refs(text: str | None) -> tuple[list[dx.SlideRef], list[str]]:
    """The deck asked for in the URL (the default deck when empty), and tokens not understood."""
    data = data_access.get_data()
    refs, bad = dx.parse_slides(text, data)
    if not actions_available(data):
        bad += [r.token for r in refs if r.kind == "actions"]
        refs = [r for r in refs if r.kind != "actions"]
    return refs, bad


def editor_options(lang: str) -> list[dict]:
    """Every slide the deck editor offers: label and token, standard ones first."""
    data = data_access.get_data()
    names = dict(zip(data["cities"]["city_id"], data["cities"][f"name_{lang}"]))
    refs = [
        r
        for r in dx.available_slides(data) + dx.optional_slides(data)
        if r.kind != "actions" or actions_available(data)
    ]
    return [{"label": option_label(r, names, lang), "value": r.token} for r in refs]


def option_label(ref: dx.SlideRef, city_names: dict[str, str], lang: str) -> str:
    if ref.kind == "outlook" and ref.arg:
        return t("present.option.outlook_city", lang, city=city_names.get(ref.arg, ref.arg))
    if ref.kind in dx.CITY_KINDS:
        return t(f"present.option.{ref.kind}", lang, city=city_names.get(ref.arg, ref.arg))
    if ref.kind == "trends":
        return t(
            "present.option.trends",
            lang,
            variable=t(f"trends.var.{ref.arg or dx.DEFAULT_TREND_VARIABLE}", lang),
        )
    return t(f"present.option.{ref.kind}", lang)


def _names(data, lang: str) -> dict:
    ind = data["indicators"]
    return {
        "city": dict(zip(data["cities"]["city_id"], data["cities"][f"name_{lang}"])),
        "dimension": dict(zip(data["dimensions"]["dimension"], data["dimensions"][f"name_{lang}"])),
        "category": dict(zip(data["categories"]["category_id"], data["categories"][f"name_{lang}"])),
        "indicator": dict(zip(ind["indicator_id"], ind[f"name_{lang}"])),
    }


def _compare_parts(choice: compare.Comparison, spread: float):
    data = data_access.get_data()
    result = data_access.compare_index(choice.weights)
    table = compare.compare_table(data, choice.cities, choice.level, choice.item, result=result)
    rows = compare.indicator_rows(
        data, result, choice.cities, compare.indicators_under(data, choice.level, choice.item)
    )
    shares = data_access.rank_shares(
        choice.cities, choice.weights, compare.DEFAULT_DRAWS, spread, compare.DEFAULT_SEED
    )
    return table, rows, shares


def build_slide(
    ref: dx.SlideRef, lang: str, query: Mapping[str, str] | None = None, today: date | None = None
) -> tuple[dx.Slide, go.Figure]:
    """What one slide says, and its chart (not yet styled for screen or image)."""
    slide, figure, _ = slide_parts(ref, lang, query, today)
    return slide, figure


def slide_parts(
    ref: dx.SlideRef, lang: str, query: Mapping[str, str] | None = None, today: date | None = None
) -> tuple[dx.Slide, go.Figure, nc.ChartSpec | None]:
    """What one slide says, its Plotly chart (screen) and the same chart as native chart data
    (PowerPoint); None when the chart has nothing to draw."""
    data = data_access.get_data()
    query = query or {}
    today = today or date.today()
    if ref.kind == "overview":
        ranked = data_access.ranking(lang)
        return (
            dx.overview_slide(data, ranked, lang),
            sc.overview_figure(ranked, sc.dimension_names(data, lang), lang),
            nc.overview_chart(ranked, lang),
        )
    if ref.kind in ("compare", "stability"):
        choice = dx.compare_choice(query, data)
        spread = SPREADS.get(query.get("spread", "moderate"), SPREADS["moderate"])
        table, rows, shares = _compare_parts(choice, spread)
        names = _names(data, lang)
        if ref.kind == "stability":
            return (
                dx.stability_slide(data, choice, shares, compare.DEFAULT_DRAWS, lang),
                sc.stability_figure(shares, names["city"], lang),
                nc.stability_chart(shares, names["city"], lang),
            )
        column = dx.compare_value_column(choice)
        units = dict(zip(data["indicators"]["indicator_id"], data["indicators"][f"unit_{lang}"]))
        axis = units.get(choice.item, "") if column == "value" else t("compare.axis", lang)
        if column == "per_capita":
            axis = t("compare.scale.per_capita", lang)
        dimension = None
        if choice.level == "dimension":
            dimension = choice.item
        elif choice.level == "category":
            dimension = data["categories"].set_index("category_id")["dimension"].get(choice.item)
        elif choice.level == "indicator":
            dimension = data["indicators"].set_index("indicator_id")["dimension"].get(choice.item)
        figure = sc.compare_figure(table, column, choice.level, names, dimension, axis, lang)
        return (
            dx.compare_slide(data, choice, table, shares, rows, lang),
            figure,
            nc.compare_chart(table, column, choice.level, names, dimension, axis, lang),
        )
    if ref.kind == "city":
        decomp, drivers = data_access.city_explained(ref.arg)
        ranked = data_access.ranking(lang)
        names = _names(data, lang)
        return (
            dx.city_slide(data, ref.arg, ranked, decomp, drivers, lang),
            sc.city_figure(decomp, names, lang),
            nc.city_chart(decomp, names, lang),
        )
    if ref.kind == "hazards":
        hz = dx.hazard_rows(data, ref.arg, lang)
        return (
            dx.hazards_slide(data, ref.arg, lang),
            sc.hazards_figure(hz, data["hazard_levels"], lang),
            nc.hazards_chart(hz, data["hazard_levels"], lang),
        )
    if ref.kind == "infrastructure":
        rows = dx.infrastructure_rows(data, ref.arg, lang)
        return (
            dx.infrastructure_slide(data, ref.arg, lang),
            infrastructure_figure(rows, lang),
            nc.infrastructure_chart(rows, lang),
        )
    if ref.kind == "trends":
        variable = ref.arg or dx.DEFAULT_TREND_VARIABLE
        cities = [c for c in data["cities"]["city_id"] if c in set(climate.cities_with(data, variable))]
        horizons = data_access.climate_horizons(
            cities, variable, list(climate.PROJECTIONS), climate.DEFAULT_BASELINE
        )
        unit = dx.unit_text(climate.change_unit(variable), lang)
        axis = t("trends.change_axis", lang, unit=unit)
        digits = 1 if variable == "tmean" else 0
        city_names = _names(data, lang)["city"]
        figure = sc.trends_figure(horizons, city_names, axis, dx.TREND_HORIZON, lang, digits=digits)
        return (
            dx.trends_slide(data, variable, horizons, lang),
            figure,
            nc.trends_chart(horizons, city_names, axis, dx.TREND_HORIZON, lang, digits=digits),
        )
    if ref.kind == "outlook":
        result = data_access.outlook()
        if ref.arg:
            scores = result.scores[result.scores["city_id"] == ref.arg]
            scenarios = {s: scenario_name(s, lang) for s in result.meta["scenarios"]}
            return (
                dx.outlook_city_slide(
                    data, result, ref.arg, outlook_driver(data, result, ref.arg, lang), lang
                ),
                outlook_city_figure(data, result, ref.arg, lang),
                nc.outlook_city_chart(
                    scores, ol.TODAY, int(result.meta["reference_year"]), dx.OUTLOOK_SCENARIO, scenarios, lang
                ),
            )
        table = ol.ranking_table(result, dx.OUTLOOK_HORIZON)
        city_names = _names(data, lang)["city"]
        return (
            dx.outlook_slide(data, result, lang),
            sc.outlook_figure(
                table, city_names, data["risk_classes"], dx.OUTLOOK_SCENARIO, dx.OUTLOOK_HORIZON, lang
            ),
            nc.outlook_chart(
                table,
                city_names,
                dx.OUTLOOK_SCENARIO,
                dx.OUTLOOK_HORIZON,
                scenario_name(dx.OUTLOOK_SCENARIO, lang),
                lang,
            ),
        )
    if ref.kind == "resilience":
        return (
            dx.resilience_slide(data, ref.arg, lang),
            resilience_figure(data, ref.arg, lang),
            resilience_chart(data, ref.arg, lang),
        )
    if ref.kind == "actions":
        frame = current_actions(data)
        totals = act.summary(frame, today)
        by_city = act.city_summary(frame, today)
        city_names = _names(data, lang)["city"]
        return (
            dx.actions_slide(data, frame, totals, lang),
            sc.actions_figure(by_city, city_names, lang),
            nc.actions_chart(by_city, city_names, lang),
        )
    raise ValueError(f"unknown slide kind {ref.kind!r}")


def resilience_values(data, city_id: str) -> tuple[pd.Series | None, pd.DataFrame | None]:
    """The city's scorecard means per essential when it is assessed, else its loss indicator B-1
    per decade when it has a figure, else neither."""
    matrix = score.essential_matrix(
        [city_id], data["scorecard_rounds"], data["scorecard_scores"], data["scorecard_questions"]
    )
    if matrix.loc[city_id].notna().any():
        return matrix.loc[city_id], None
    records = ls.loss_records(data["events"], data["event_figure_scopes"], data["losses"])
    own = ls.city_events(data["events"], records)
    population = float(data["cities"].set_index("city_id").at[city_id, "population"])
    rows = [
        {
            "city_id": city_id,
            "start": s,
            "end": e,
            "value": ls.indicator("b1", city_id, s, e, records, own, population).value,
        }
        for s, e in ls.DECADES
    ]
    table = pd.DataFrame(rows)
    return None, table if table["value"].notna().any() else None


def _b1_name(city_id: str, lang: str) -> dict[str, str]:
    return {city_id: t("losses.ind.b1", lang).split(" ")[0]}


def resilience_figure(data, city_id: str, lang: str) -> go.Figure:
    """The scorecard page's essentials bars when the city is assessed, else the loss page's B-1 by
    decade when it has a figure, else a chart that says neither exists."""
    essentials, decades = resilience_values(data, city_id)
    if essentials is not None:
        return essentials_bar(essentials, lang)
    if decades is not None:
        return decade_bars(decades, _b1_name(city_id, lang), lang)
    return message_figure(lang, t("scorecard.slide_empty", lang))


def resilience_chart(data, city_id: str, lang: str) -> nc.ChartSpec | None:
    """The same as `resilience_figure`, as native chart data (None: nothing to draw)."""
    essentials, decades = resilience_values(data, city_id)
    if essentials is not None:
        return nc.essentials_chart(essentials, lang)
    if decades is not None:
        return nc.decade_chart(decades, _b1_name(city_id, lang), lang)
    return None


def outlook_driver(data, result, city_id: str, lang: str) -> str:
    """The outlook page's sentence on what moves the city's risk most (default scenario and year)."""
    return driver_sentence(data, result, city_id, dx.OUTLOOK_SCENARIO, dx.OUTLOOK_HORIZON, lang)


def outlook_city_figure(data, result, city_id: str, lang: str) -> go.Figure:
    """The `/outlook` page's fan chart of one city with the page's default scenario and year."""
    return city_fan_figure(
        result,
        city_id,
        dx.OUTLOOK_SCENARIO,
        dx.OUTLOOK_HORIZON,
        data["risk_classes"],
        lang,
        mark_chosen=False,
    )


def current_actions(data) -> pd.DataFrame:
    """Actions as the public sees them now; the baseline plan if the update database is unreachable."""
    try:
        return data_access.actions_current()
    except Exception as err:  # noqa: BLE001 - a deck must not fail because the database is down
        log.warning(
            "saved action updates unavailable (%s); using the baseline plan", str(err).splitlines()[0][:200]
        )
        return data["actions"]


# --- charts to PNG (kaleido) ------------------------------------------------------------------------


def ensure_renderer() -> bool:
    """Start this process's kaleido server unless it runs already; True when started now.

    A server inherited through fork (a background job forked from a process that had one) is not
    usable: its thread and browser belong to the parent, so it is forgotten and a new one started.
    """
    global _renderer_pid
    import kaleido  # kaleido (0.2 s to import) is loaded only by the processes that draw a PNG
    from kaleido._sync_server import GlobalKaleidoServer  # the server class: not in kaleido's API

    server = GlobalKaleidoServer()
    if server.is_running() and _renderer_pid == os.getpid():
        return False
    if server.is_running():
        server._initialized = False  # inherited from the parent process
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _renderer_pid = os.getpid()
    return True


def stop_renderer() -> None:
    global _renderer_pid
    import kaleido  # loaded already when this process started a renderer

    if _renderer_pid == os.getpid():
        kaleido.stop_sync_server(silence_warnings=True)
        _renderer_pid = None


def render_png(fig: go.Figure, width: int, height: int, scale: float = IMAGE_SCALE) -> bytes:
    """The figure as PNG bytes (kaleido server of this process; started when needed)."""
    import kaleido  # 0.2 s to import: only the processes that draw a PNG pay it

    ensure_renderer()
    return kaleido.calc_fig_sync(
        fig.to_plotly_json(), opts=dict(format="png", width=width, height=height, scale=scale)
    )


def image_figure(fig: go.Figure, height: int, font: int = sc.IMAGE_FONT) -> go.Figure:
    return sc.for_projector(go.Figure(fig), font=font, height=height)


# --- PowerPoint ---------------------------------------------------------------------------------------


def _meta(lang: str) -> dict:
    data = data_access.get_data()
    built = data.manifest.get("built_at", "")[:10]
    return {
        "build": data.build_id,
        "version": t(
            "export.version",
            lang,
            build=data.build_id[:8],
            date=format_day(built, lang, "medium") if built else "—",
        ),
    }


SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
EDGE = 0.45  # left and right margin
TITLE_PT, TITLE_SMALL_PT = 32, 28  # the title, and when it needs two lines
SUBTITLE_PT = 20
VALUE_PT = (28, 24, 20)  # a key number: the largest that keeps its words whole
BODY_PT = 18  # every other text: labels, points, footer, slide number
CHART_PT = 16  # axis labels, legend and data labels inside a native chart
CROWDED_CATEGORIES = 6  # more rows than this: no value-axis title (LibreOffice then skips labels)
MAX_BELOW = 1.0  # inches of points that may go under the chart
MIN_CHART_H = 3.3  # the chart's least height when points go under it
MIN_LABELLED_BAR = 0.3  # inches of chart height per labelled bar, else no labels
CHART_W = 6.6  # the chart's width when key numbers and points stand beside it
GAP = 0.15
FRAME_PAD = 0.1  # a text frame's inner margins (0.05 in each side)
EMPTY_CHART = {
    "resilience": "scorecard.slide_empty",
    "hazards": "profile.no_hazards",  # no chart: why, in words
    "infrastructure": "infra.no_facilities",
    "outlook": "outlook.no_score",
}
NAVY, INK, MUTED, PURPLE = "102A43", "1F2933", "52606D", "6B2C91"


@dataclass
class Placed:
    """One text box of a slide: position and size (inches), paragraphs (text, size, bold, colour)."""

    x: float
    y: float
    w: float
    h: float
    paragraphs: list[tuple[str, float, bool, str]]
    bottom_anchor: bool = False


@dataclass
class SlideLayout:
    """Where everything of one PowerPoint slide goes; the points that did not fit beside the chart
    (for a continuation slide) and the key numbers that did not fit (for the notes)."""

    boxes: list[Placed]
    chart: tuple[float, float, float, float]
    more_points: list[str]
    left_out: list[str]


def _frame_height(paragraphs: list[tuple[str, float, bool, str]], width: float) -> float:
    return st.block_height([(p[0], p[1], p[2]) for p in paragraphs], width - FRAME_PAD) + FRAME_PAD


def _value_size(value: str, width: float) -> float:
    """The largest key-number size at which the number keeps its words whole in two lines at most."""
    for size in VALUE_PT:
        if (
            st.longest_word_fits(value, size, width - FRAME_PAD, True)
            and len(st.wrap(value, size, width - FRAME_PAD, True)) <= 2
        ):
            return size
    return VALUE_PT[-1]


def _frame(
    slide_text: dx.Slide, title: str, footer: str, page: str, warning: str | None
) -> tuple[list[Placed], float, float]:
    """Title, subtitle, footer and slide number; with the top and bottom of the room left between."""
    width = SLIDE_W - 2 * EDGE
    size = TITLE_PT if len(st.wrap(title, TITLE_PT, width - FRAME_PAD, True)) == 1 else TITLE_SMALL_PT
    heading = [(title, size, True, NAVY)]
    boxes = [Placed(EDGE, 0.25, width, _frame_height(heading, width), heading, bottom_anchor=True)]
    y = 0.25 + boxes[-1].h
    if slide_text.subtitle:
        sub = [(slide_text.subtitle, SUBTITLE_PT, False, MUTED)]
        boxes.append(Placed(EDGE, y, width, _frame_height(sub, width), sub))
        y += boxes[-1].h
    page_w = 1.3
    foot = [(footer, BODY_PT, False, MUTED)] + ([(warning, BODY_PT, True, PURPLE)] if warning else [])
    foot_w = width - page_w - GAP
    foot_h = _frame_height(foot, foot_w)
    foot_y = SLIDE_H - 0.12 - foot_h
    boxes.append(Placed(EDGE, foot_y, foot_w, foot_h, foot, bottom_anchor=True))
    number = [(page, BODY_PT, False, MUTED)]
    number_h = _frame_height(number, page_w)
    boxes.append(
        Placed(
            SLIDE_W - EDGE - page_w, SLIDE_H - 0.12 - number_h, page_w, number_h, number, bottom_anchor=True
        )
    )
    return boxes, y + GAP, foot_y - GAP


def _fit_points(
    points: list[str], x: float, y: float, width: float, bottom: float
) -> tuple[list[Placed], list[str]]:
    """The points, in order, that fit in one text box from `y` down to `bottom`; and the rest."""
    kept: list[tuple[str, float, bool, str]] = []
    for k, point in enumerate(points):
        trial = kept + [(point, BODY_PT, False, INK)]
        if y + _frame_height(trial, width) > bottom or not st.longest_word_fits(
            point, BODY_PT, width - FRAME_PAD
        ):
            return ([Placed(x, y, width, _frame_height(kept, width), kept)] if kept else []), points[k:]
        kept = trial
    return ([Placed(x, y, width, _frame_height(kept, width), kept)] if kept else []), []


def _column(
    slide_text: dx.Slide, x: float, top: float, bottom: float
) -> tuple[list[Placed], list[str], list[str]]:
    """Key numbers two by two, then the points that fit, in the column beside the chart; with the
    points that did not fit and the key numbers that did not fit."""
    boxes: list[Placed] = []
    left_out: list[str] = []
    col_w = SLIDE_W - EDGE - x
    cell_w = (col_w - GAP) / 2
    y = top
    numbers = slide_text.numbers[:4]
    for row in range(0, len(numbers), 2):
        cells = []
        for k, (value, label) in enumerate(numbers[row : row + 2]):
            paragraphs = [(value, _value_size(value, cell_w), True, NAVY), (label, BODY_PT, False, MUTED)]
            cells.append(
                Placed(x + k * (cell_w + GAP), y, cell_w, _frame_height(paragraphs, cell_w), paragraphs)
            )
        row_h = max(c.h for c in cells)
        if y + row_h > bottom:
            left_out += [f"{v} — {label}" for v, label in numbers[row : row + 2]]
            continue
        for cell in cells:
            cell.h = row_h
        boxes += cells
        y += row_h + GAP
    left_out += [f"{v} — {label}" for v, label in slide_text.numbers[4:]]
    placed, more = _fit_points(slide_text.points, x, y, col_w, bottom)
    return boxes + placed, more, left_out


def slide_layout(slide_text: dx.Slide, footer: str, page: str, warning: str | None) -> SlideLayout:
    """Place title, subtitle, footer, chart, key numbers and points at their sizes (never shrunk).
    Points that do not fit beside the chart go under it across the slide when they are short
    (the chart keeps MIN_CHART_H), else to a continuation slide."""
    boxes, top, bottom = _frame(slide_text, slide_text.title, footer, page, warning)
    width = SLIDE_W - 2 * EDGE
    side = bool(slide_text.numbers or slide_text.points)
    x = EDGE - 0.1 + CHART_W + 0.2
    column, more, left_out = _column(slide_text, x, top, bottom)
    chart_bottom = bottom
    if more:
        paragraphs = [(p, BODY_PT, False, INK) for p in more]
        below = _frame_height(paragraphs, width)
        if below <= MAX_BELOW and bottom - below - GAP - top >= MIN_CHART_H:
            narrower, still_more, still_left_out = _column(slide_text, x, top, bottom - below - GAP)
            if still_more == more and still_left_out == left_out:
                column, more = narrower + [Placed(EDGE, bottom - below, width, below, paragraphs)], []
                chart_bottom = bottom - below - GAP
    chart = (EDGE - 0.1, top, CHART_W if side else width, chart_bottom - top)
    return SlideLayout(boxes + column, chart, more, left_out)


def continuation_layout(
    slide_text: dx.Slide, title: str, points: list[str], footer: str, page: str, warning: str | None
) -> SlideLayout:
    """A slide of the points that did not fit beside the chart, across the whole width."""
    boxes, top, bottom = _frame(slide_text, title, footer, page, warning)
    placed, rest = _fit_points(points, EDGE, top, SLIDE_W - 2 * EDGE, bottom)
    return SlideLayout(boxes + placed, (0, 0, 0, 0), [], rest)


def show_every_category(axis) -> None:
    """Write every category label (`c:tickLblSkip` 1): PowerPoint and LibreOffice otherwise skip
    every other label when rows are tight. python-pptx has no property for it."""
    from pptx.oxml.ns import qn  # python-pptx: 0.2 s to import, paid only where a file is written

    element = axis._element  # python-pptx exposes no API for the label skip
    if element.find(qn("c:tickLblSkip")) is not None:
        return
    skip = element.makeelement(qn("c:tickLblSkip"), {"val": "1"})
    anchor = element.find(qn("c:noMultiLvlLbl"))
    if anchor is not None:
        anchor.addprevious(skip)
    else:
        element.append(skip)


def add_native_chart(slide, spec: nc.ChartSpec, box: tuple[float, float, float, float], name: str) -> None:
    """Draw `spec` as a PowerPoint chart object in `box` (x, y, width, height in inches)."""
    # python-pptx takes 0.2 s to import: only the processes that write a file pay it (all five lines)
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor  # (python-pptx, as above)
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.enum.dml import MSO_LINE_DASH_STYLE  # (python-pptx, as above)
    from pptx.util import Inches, Pt

    kinds = {
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
        "stacked": XL_CHART_TYPE.BAR_STACKED,
        "stacked100": XL_CHART_TYPE.BAR_STACKED_100,
        "line": XL_CHART_TYPE.LINE_MARKERS,
    }
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = list(spec.categories)
    for series in spec.series:
        data.add_series(series.name, list(series.values))
    x, y, w, h = box
    frame = slide.shapes.add_chart(kinds[spec.kind], Inches(x), Inches(y), Inches(w), Inches(h), data)
    frame.name = name
    chart = frame.chart
    chart.font.size = Pt(CHART_PT)
    chart.font.name = "DejaVu Sans"
    chart.font.color.rgb = RGBColor.from_string(INK)
    chart.has_title = False
    chart.has_legend = spec.legend and len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(CHART_PT)
    axis = chart.value_axis
    axis.visible = spec.value_axis_visible
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor.from_string("E4E7EB")
    axis.tick_labels.font.size = Pt(CHART_PT)
    if spec.value_min is not None:
        axis.minimum_scale = spec.value_min
    if spec.value_max is not None:
        axis.maximum_scale = spec.value_max
    if spec.axis_title and spec.value_axis_visible and len(spec.categories) <= CROWDED_CATEGORIES:
        axis.has_title = True
        axis.axis_title.text_frame.text = spec.axis_title
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(CHART_PT)
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False
    chart.category_axis.tick_labels.font.size = Pt(CHART_PT)
    show_every_category(chart.category_axis)
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 50
        plot.overlap = 100 if spec.kind.startswith("stacked") else -10
    inside = XL_LABEL_POSITION.CENTER if spec.kind.startswith("stacked") else XL_LABEL_POSITION.OUTSIDE_END
    rows = len(spec.categories) * (sum(1 for x in spec.series if x.labels) if spec.kind == "bar" else 1)
    labelled = rows * MIN_LABELLED_BAR <= h  # labels of bars too thin to hold them would overlap
    for series, drawn in zip(spec.series, plot.series):
        colour = RGBColor.from_string(series.colour.lstrip("#").upper())
        if spec.kind == "line":
            drawn.format.line.color.rgb = colour
            drawn.format.line.width = Pt(2.25 if series.dashed else 4)
            drawn.smooth = False
            drawn.marker.format.fill.solid()
            drawn.marker.format.fill.fore_color.rgb = colour
            drawn.marker.format.line.color.rgb = colour
            if series.dashed:
                drawn.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        else:
            drawn.format.fill.solid()
            drawn.format.fill.fore_color.rgb = colour
            drawn.invert_if_negative = False
        for i, point_colour in enumerate(series.point_colours or ()):
            point = drawn.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor.from_string(point_colour.lstrip("#").upper())
        for i, label in enumerate((series.labels or ()) if labelled else ()):
            if not label or series.values[i] is None:
                continue
            data_label = drawn.points[i].data_label
            data_label.has_text_frame = True
            data_label.text_frame.text = label
            font = data_label.text_frame.paragraphs[0].runs[0].font
            font.size = Pt(CHART_PT)
            if spec.kind.startswith("stacked"):  # written on the bar: dark or white, whichever reads better
                font.color.rgb = RGBColor.from_string(text_colour(series.colour).lstrip("#").upper())
            data_label.position = inside


def pptx_bytes(
    items: list[tuple[dx.Slide, nc.ChartSpec | None]], lang: str, title: str, version: str
) -> bytes:
    """A 16:9 presentation: per slide a title, a native chart, key numbers, points, footer and notes.

    Text is never shrunk to fit (no auto-fit): `slide_layout` sizes every box for its text at
    18 pt or more and leaves off the slide what does not fit, naming it in the notes.
    """
    # python-pptx takes 0.2 s to import: only the processes that write a file pay it (all five lines)
    from pptx import Presentation
    from pptx.dml.color import RGBColor  # (python-pptx, as above)
    from pptx.enum.lang import MSO_LANGUAGE_ID
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE  # (python-pptx, as above)
    from pptx.util import Inches, Pt

    language = MSO_LANGUAGE_ID.RUSSIAN if lang == "ru" else MSO_LANGUAGE_ID.ENGLISH_UK
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]

    def place(slide, placed: Placed):
        shape = slide.shapes.add_textbox(
            Inches(placed.x), Inches(placed.y), Inches(placed.w), Inches(placed.h)
        )
        tf = shape.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.BOTTOM if placed.bottom_anchor else MSO_ANCHOR.TOP
        tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = Inches(FRAME_PAD / 2)
        for i, (text, size, bold, colour) in enumerate(placed.paragraphs):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            para.line_spacing = 1.0
            run = para.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = RGBColor.from_string(colour)
            run.font.name = "DejaVu Sans"
            run.font.language_id = language
            if i < len(placed.paragraphs) - 1:
                para.space_after = Pt(size * 0.3)
        return shape

    planned = []  # (slide text, spec, layout, is continuation)
    for slide_text, spec in items:
        footer = f"{version} · {slide_text.status_line}"
        warning = t("present.illustrative_warning", lang) if slide_text.illustrative else None
        layout = slide_layout(slide_text, footer, "{page}", warning)
        planned.append((slide_text, spec, footer, warning, layout, False))
        if layout.more_points:
            title = t("export.continued", lang, title=slide_text.title)
            more = continuation_layout(slide_text, title, layout.more_points, footer, "{page}", warning)
            planned.append((slide_text, None, footer, warning, more, True))
    for number, (slide_text, spec, _footer, _warning, layout, continued) in enumerate(planned, 1):
        slide = prs.slides.add_slide(blank)
        for placed in layout.boxes:
            if placed.paragraphs[0][0] == "{page}":
                placed.paragraphs = [(f"{number} / {len(planned)}",) + placed.paragraphs[0][1:]]
            place(slide, placed)
        if spec is not None:
            add_native_chart(slide, spec, layout.chart, f"chart-{slide_text.ref.token}")
        elif slide_text.ref.kind in EMPTY_CHART and not continued:
            x, y, w, _ = layout.chart
            message = [(t(EMPTY_CHART[slide_text.ref.kind], lang), SUBTITLE_PT, False, MUTED)]
            place(slide, Placed(x, y, w, _frame_height(message, w), message))
        notes = "\n".join((slide_text.notes(lang),) + (spec.notes if spec is not None else ()))
        if layout.left_out:
            notes += "\n" + t("export.left_out", lang) + "\n" + "\n".join(f"• {p}" for p in layout.left_out)
        slide.notes_slide.notes_text_frame.text = notes
    props = prs.core_properties
    props.title = title
    props.author = t("app.name", lang)
    props.subject = version
    props.language = "ru-RU" if lang == "ru" else "en-GB"
    props.keywords = "CCCA; INFORM; Sendai; MCR2030"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def deck_pptx(
    refs: list[dx.SlideRef],
    lang: str,
    query: Mapping[str, str] | None = None,
    progress: Progress = _no_progress,
    title: str | None = None,
) -> bytes:
    """A PowerPoint file of the given slides: one per slide, each chart a native PowerPoint chart."""
    total = len(refs)
    items = []
    for i, ref in enumerate(refs):
        progress(i, total + 1, t("export.rendering", lang, done=i, total=total))
        slide_text, _, spec = slide_parts(ref, lang, query)
        items.append((slide_text, spec))
    progress(total, total + 1, t("export.writing", lang))
    meta = _meta(lang)
    return pptx_bytes(items, lang, title or t("present.overview.title", lang), meta["version"])


def compare_refs() -> list[dx.SlideRef]:
    return [dx.SlideRef("compare"), dx.SlideRef("stability")]


def city_refs(city_id: str) -> list[dx.SlideRef]:
    return [dx.SlideRef("city", city_id), dx.SlideRef("hazards", city_id)]


# --- PDF brief ------------------------------------------------------------------------------------------


def html_to_pdf(document: str) -> bytes:
    """WeasyPrint with inline data only: no network, no file system."""
    from weasyprint import HTML  # WeasyPrint takes 1 s to import: only the processes that write a PDF pay it
    from weasyprint.urls import URLFetcher

    return HTML(string=document, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def climate_lines(data, city_id: str, lang: str) -> tuple[list[str], list[str], list[str]]:
    """The profile's climate sentences (mean temperature, hot days by 2050), statuses and sources."""
    series = data.tables.get("climate_series")
    if series is None or series.empty:
        return [], [], []
    mine = series[series["city_id"] == city_id]
    if mine.empty:
        return [], [], []
    lines = []
    for variable, key in (("tmean", "export.climate_tmean"), ("hot_days_35", "export.climate_hot_days")):
        if variable not in set(mine["variable"]):
            continue
        base = climate.baseline_means(data, [city_id], variable).iloc[0]
        tab = climate.horizon_table(
            data, [city_id], variable, ["ssp245", "ssp585"], horizons=(dx.TREND_HORIZON,)
        )
        tab = tab.set_index("scenario")
        if pd.isna(base) or not {"ssp245", "ssp585"} <= set(tab.index):
            continue
        mid, high = tab.loc["ssp245"], tab.loc["ssp585"]
        lines.append(
            t(
                key,
                lang,
                baseline=climate.DEFAULT_BASELINE.replace("-", "–"),
                base=format_number(base, lang),
                year=dx.TREND_HORIZON,
                mid=dx.signed(mid["change"], lang),
                mid_lo=dx.signed(mid["change_p10"], lang),
                mid_hi=dx.signed(mid["change_p90"], lang),
                high=dx.signed(high["change"], lang),
            )
        )
    statuses = [s for s in dx.STATUSES if s in set(mine["status"])]
    return lines, statuses, sorted(set(mine["source_id"].dropna()))


def actions_line(data, city_id: str, lang: str, today: date) -> tuple[str | None, list[str], list[str]]:
    if not actions_available(data):
        return None, [], []
    frame = current_actions(data)
    mine = frame[frame["city_id"] == city_id]
    if mine.empty:
        return None, [], []
    text = act.summary_sentence(act.summary(mine, today), lang)
    statuses = [x for x in dx.STATUSES if x in set(mine.get("data_status", []))]
    return text, statuses, sorted(set(mine["source_id"].dropna())) if "source_id" in mine else []


def city_brief_pdf(
    city_id: str, lang: str, progress: Progress = _no_progress, today: date | None = None
) -> bytes:
    """The PDF brief of a city: key facts, risk and its drivers, hazards, past disasters, climate,
    risk outlook, action plan, data status and numbered sources (A4, 2–4 pages)."""
    data = data_access.get_data()
    today = today or date.today()
    progress(0, 5, t("export.rendering", lang, done=0, total=3))
    decomp, drivers = data_access.city_explained(city_id)
    chart = render_png(
        image_figure(sc.city_figure(decomp, _names(data, lang), lang), BRIEF_SIZE[1], BRIEF_FONT),
        *BRIEF_SIZE,
        scale=2,
    )
    progress(1, 5, t("export.rendering", lang, done=1, total=3))
    hz = dx.hazard_rows(data, city_id, lang)
    hazard_png = None
    if len(hz):
        height = max(170, 30 * len(hz) + 60)
        hazard_png = render_png(
            image_figure(sc.hazards_figure(hz, data["hazard_levels"], lang), height, BRIEF_FONT),
            BRIEF_SIZE[0],
            height,
            scale=2,
        )
    outlook, outlook_png, driver, reference = None, None, "", ""
    if dx.has_outlook(data):
        progress(2, 5, t("export.rendering", lang, done=2, total=3))
        outlook = data_access.outlook()
        driver = outlook_driver(data, outlook, city_id, lang)
        info = ol.main_driver(outlook, city_id, dx.OUTLOOK_SCENARIO, dx.OUTLOOK_HORIZON)
        reference = dx.driver_reference(
            (info or {}).get("driver"),
            int(outlook.meta["reference_year"]),
            dx.OUTLOOK_HORIZON,
            climate.DEFAULT_BASELINE,
            lang,
        )
        now = dx.outlook_score(outlook, city_id, ol.TODAY)
        if now is not None and pd.notna(now["risk"]):
            fan = image_figure(
                outlook_city_figure(data, outlook, city_id, lang), BRIEF_FAN_SIZE[1], BRIEF_FAN_FONT
            )
            fan.update_layout(legend=dict(y=-0.2))  # below the two-line "today" tick
            outlook_png = render_png(fan, *BRIEF_FAN_SIZE, scale=2.5)
    progress(3, 5, t("export.writing", lang))
    lines, c_status, c_sources = climate_lines(data, city_id, lang)
    a_line, a_status, a_sources = actions_line(data, city_id, lang, today)
    inputs = brief.BriefInputs(
        city_id=city_id,
        ranked=data_access.ranking(lang),
        decomp=decomp,
        drivers=drivers,
        build_id=data.build_id,
        built_at=data.manifest.get("built_at", ""),
        today=today,
        chart_png=chart,
        hazard_png=hazard_png,
        climate_lines=lines,
        climate_statuses=c_status,
        climate_sources=c_sources,
        actions_line=a_line,
        actions_statuses=a_status,
        actions_sources=a_sources,
        outlook=outlook,
        outlook_driver=driver,
        outlook_reference=reference,
        outlook_png=outlook_png,
    )
    document = brief.brief_html(data, inputs, lang)
    progress(4, 5, t("export.writing", lang))
    return html_to_pdf(document)


# --- one entry point for the download buttons --------------------------------------------------------


def run_export(
    kind: str,
    fmt: str,
    lang: str,
    query: Mapping[str, str],
    city_id: str | None = None,
    progress: Progress = _no_progress,
    keep_renderer: bool = False,
) -> tuple[bytes, str, str]:
    """Make the file a download button asks for: (content, file name, MIME type).

    kind: `deck` (the slides in `query['slides']`), `compare` (the comparison in `query`) or
    `city` (`city_id`); fmt: `pptx`, or `pdf` for a city. Stops this process's chart renderer
    afterwards unless `keep_renderer` (a long-lived worker).
    """
    started = time.perf_counter()
    data = data_access.get_data()
    today = date.today()
    try:
        if fmt == "pdf":
            if kind != "city" or city_id not in set(data["cities"]["city_id"]):
                raise ValueError("a PDF brief needs a member city")
            content = city_brief_pdf(city_id, lang, progress, today)
            name, mime = dx.file_name("brief", lang, "pdf", city_id, today), "application/pdf"
        elif fmt == "pptx":
            if kind == "deck":
                refs, _ = deck_refs(query.get("slides"))
                title = t("present.overview.title", lang)
            elif kind == "compare":
                refs, title = compare_refs(), t("present.compare.title", lang)
            elif kind == "city" and city_id in set(data["cities"]["city_id"]):
                refs = city_refs(city_id)
                title = data["cities"].set_index("city_id").at[city_id, f"name_{lang}"]
            else:
                raise ValueError(f"nothing to export for {kind!r}")
            content = deck_pptx(refs, lang, query, progress, title)
            name = dx.file_name(kind, lang, "pptx", city_id if kind == "city" else None, today)
            mime = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        else:
            raise ValueError(f"unknown format {fmt!r}")
    finally:
        if not keep_renderer:
            stop_renderer()
    log.info(
        "export %s %s %s: %d bytes in %.1f s", kind, fmt, lang, len(content), time.perf_counter() - started
    )
    return content, name, mime
