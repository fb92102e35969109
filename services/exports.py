"""Slides and leave-behind files: the presenter deck, PowerPoint (python-pptx) and the PDF brief.

Glue between the cached queries (`services/data_access.py`), the pure builders of what each slide
and the brief say (`domain/exports.py`), the slide charts (`components/slide_charts.py`), Plotly's
kaleido (charts to PNG with the system Chromium), python-pptx and WeasyPrint.

Charts are drawn by one kaleido server per process (`ensure_renderer`): about 3 s to start
Chromium, then a fraction of a second per chart. A Dash background job (DiskcacheManager) runs in
a process of its own, so it starts the server and stops it when the file is written; a Celery
worker keeps it between jobs. Nothing here reaches outside the machine: kaleido uses the
plotly.js bundled with plotly and no MathJax, WeasyPrint gets only inline data.
"""
from __future__ import annotations

import io
import logging
import os
import time
from datetime import date
from typing import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from components import slide_charts as sc
from components.infrastructure_views import infrastructure_figure
from components.charts import message_figure
from components.resilience_charts import decade_bars, essentials_bar
from domain import compare
from domain import losses as ls
from domain import scorecard as score
from domain import exports as dx
from i18n import format_day, format_number, t
from services import data_access

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
SPREADS = {"wide": 5.0, "moderate": 20.0, "narrow": 80.0}   # as on /compare
IMAGE_SIZE = (900, 560)      # CSS pixels of a slide chart; drawn at IMAGE_SCALE for sharpness
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
    """The action-progress slide needs the build's action plans and the actions domain module."""
    import importlib.util
    return dx.has_actions(data) and importlib.util.find_spec("domain.actions") is not None


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
    refs = [r for r in dx.available_slides(data) + dx.optional_slides(data)
            if r.kind != "actions" or actions_available(data)]
    return [{"label": option_label(r, names, lang), "value": r.token} for r in refs]


def option_label(ref: dx.SlideRef, city_names: dict[str, str], lang: str) -> str:
    if ref.kind == "outlook" and ref.arg:
        return t("present.option.outlook_city", lang, city=city_names.get(ref.arg, ref.arg))
    if ref.kind in dx.CITY_KINDS:
        return t(f"present.option.{ref.kind}", lang, city=city_names.get(ref.arg, ref.arg))
    if ref.kind == "trends":
        return t("present.option.trends", lang, variable=t(f"trends.var.{ref.arg or dx.DEFAULT_TREND_VARIABLE}", lang))
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
    rows = compare.indicator_rows(data, result, choice.cities, compare.indicators_under(data, choice.level, choice.item))
    shares = data_access.rank_shares(choice.cities, choice.weights, compare.DEFAULT_DRAWS, spread, compare.DEFAULT_SEED)
    return table, rows, shares


def build_slide(ref: dx.SlideRef, lang: str, query: Mapping[str, str] | None = None,
                today: date | None = None) -> tuple[dx.Slide, go.Figure]:
    """What one slide says, and its chart (not yet styled for screen or image)."""
    data = data_access.get_data()
    query = query or {}
    today = today or date.today()
    if ref.kind == "overview":
        ranked = data_access.ranking(lang)
        return dx.overview_slide(data, ranked, lang), sc.overview_figure(ranked, sc.dimension_names(data, lang), lang)
    if ref.kind in ("compare", "stability"):
        choice = dx.compare_choice(query, data)
        spread = SPREADS.get(query.get("spread", "moderate"), SPREADS["moderate"])
        table, rows, shares = _compare_parts(choice, spread)
        names = _names(data, lang)
        if ref.kind == "stability":
            return (dx.stability_slide(data, choice, shares, compare.DEFAULT_DRAWS, lang),
                    sc.stability_figure(shares, names["city"], lang))
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
        return dx.compare_slide(data, choice, table, shares, rows, lang), figure
    if ref.kind == "city":
        decomp, drivers = data_access.city_explained(ref.arg)
        ranked = data_access.ranking(lang)
        return (dx.city_slide(data, ref.arg, ranked, decomp, drivers, lang),
                sc.city_figure(decomp, _names(data, lang), lang))
    if ref.kind == "hazards":
        hz = dx.hazard_rows(data, ref.arg, lang)
        return dx.hazards_slide(data, ref.arg, lang), sc.hazards_figure(hz, data["hazard_levels"], lang)
    if ref.kind == "infrastructure":
        return dx.infrastructure_slide(data, ref.arg, lang), infrastructure_figure(
            dx.infrastructure_rows(data, ref.arg, lang), lang)
    if ref.kind == "trends":
        from domain import climate
        variable = ref.arg or dx.DEFAULT_TREND_VARIABLE
        cities = [c for c in data["cities"]["city_id"] if c in set(climate.cities_with(data, variable))]
        horizons = data_access.climate_horizons(cities, variable, list(climate.PROJECTIONS), climate.DEFAULT_BASELINE)
        unit = dx.unit_text(climate.change_unit(variable), lang)
        figure = sc.trends_figure(horizons, _names(data, lang)["city"], t("trends.change_axis", lang, unit=unit),
                                  dx.TREND_HORIZON, lang, digits=1 if variable == "tmean" else 0)
        return dx.trends_slide(data, variable, horizons, lang), figure
    if ref.kind == "outlook":
        from domain import outlook as ol
        result = data_access.outlook()
        if ref.arg:
            return (dx.outlook_city_slide(data, result, ref.arg, outlook_driver(data, result, ref.arg, lang), lang),
                    outlook_city_figure(data, result, ref.arg, lang))
        return (dx.outlook_slide(data, result, lang),
                sc.outlook_figure(ol.ranking_table(result, dx.OUTLOOK_HORIZON), _names(data, lang)["city"],
                                  data["risk_classes"], dx.OUTLOOK_SCENARIO, dx.OUTLOOK_HORIZON, lang))
    if ref.kind == "resilience":
        return dx.resilience_slide(data, ref.arg, lang), resilience_figure(data, ref.arg, lang)
    if ref.kind == "actions":
        from domain import actions as act
        frame = current_actions(data)
        totals = act.summary(frame, today)
        by_city = act.city_summary(frame, today)
        return dx.actions_slide(data, frame, totals, lang), sc.actions_figure(by_city, _names(data, lang)["city"], lang)
    raise ValueError(f"unknown slide kind {ref.kind!r}")


def resilience_figure(data, city_id: str, lang: str) -> go.Figure:
    """The scorecard page's essentials bars when the city is assessed, else the loss page's B-1 by
    decade when it has a figure, else a chart that says neither exists."""
    matrix = score.essential_matrix([city_id], data["scorecard_rounds"], data["scorecard_scores"],
                                    data["scorecard_questions"])
    if matrix.loc[city_id].notna().any():
        return essentials_bar(matrix.loc[city_id], lang)
    records = ls.loss_records(data["events"], data["event_figure_scopes"], data["losses"])
    own = ls.city_events(data["events"], records)
    population = float(data["cities"].set_index("city_id").at[city_id, "population"])
    rows = [{"city_id": city_id, "start": s, "end": e,
             "value": ls.indicator("b1", city_id, s, e, records, own, population).value} for s, e in ls.DECADES]
    table = pd.DataFrame(rows)
    if table["value"].notna().any():
        return decade_bars(table, {city_id: t("losses.ind.b1", lang).split(" ")[0]}, lang)
    return message_figure(lang, t("scorecard.slide_empty", lang))


def outlook_driver(data, result, city_id: str, lang: str) -> str:
    """The outlook page's sentence on what moves the city's risk most (default scenario and year)."""
    from components.outlook_panel import driver_sentence
    return driver_sentence(data, result, city_id, dx.OUTLOOK_SCENARIO, dx.OUTLOOK_HORIZON, lang)


def outlook_city_figure(data, result, city_id: str, lang: str) -> go.Figure:
    """The `/outlook` page's fan chart of one city with the page's default scenario and year."""
    from components.outlook_panel import city_fan_figure
    return city_fan_figure(result, city_id, dx.OUTLOOK_SCENARIO, dx.OUTLOOK_HORIZON, data["risk_classes"], lang,
                           mark_chosen=False)


def current_actions(data) -> pd.DataFrame:
    """Actions as the public sees them now; the baseline plan if the update database is unreachable."""
    try:
        return data_access.actions_current()
    except Exception as err:  # noqa: BLE001 - a deck must not fail because the database is down
        log.warning("saved action updates unavailable (%s); using the baseline plan", str(err).splitlines()[0][:200])
        return data["actions"]


# --- charts to PNG (kaleido) ------------------------------------------------------------------------

def ensure_renderer() -> bool:
    """Start this process's kaleido server unless it runs already; True when started now.

    A server inherited through fork (a background job forked from a process that had one) is not
    usable: its thread and browser belong to the parent, so it is forgotten and a new one started.
    """
    global _renderer_pid
    import kaleido
    from kaleido._sync_server import GlobalKaleidoServer

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
    import kaleido
    if _renderer_pid == os.getpid():
        kaleido.stop_sync_server(silence_warnings=True)
        _renderer_pid = None


def render_png(fig: go.Figure, width: int, height: int, scale: float = IMAGE_SCALE) -> bytes:
    """The figure as PNG bytes (kaleido server of this process; started when needed)."""
    import kaleido
    ensure_renderer()
    return kaleido.calc_fig_sync(fig.to_plotly_json(), opts=dict(format="png", width=width, height=height,
                                                                 scale=scale))


def image_figure(fig: go.Figure, height: int, font: int = sc.IMAGE_FONT) -> go.Figure:
    return sc.for_projector(go.Figure(fig), font=font, height=height)


# --- PowerPoint ---------------------------------------------------------------------------------------

def _meta(lang: str) -> dict:
    data = data_access.get_data()
    built = data.manifest.get("built_at", "")[:10]
    return {"build": data.build_id, "version": t("export.version", lang, build=data.build_id[:8],
                                                   date=format_day(built, lang, "medium") if built else "—")}


def pptx_bytes(items: list[tuple[dx.Slide, bytes]], lang: str, title: str, version: str) -> bytes:
    """A 16:9 presentation: per slide a title, the chart, key numbers, points, footer and notes."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.lang import MSO_LANGUAGE_ID
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Emu, Inches, Pt

    language = MSO_LANGUAGE_ID.RUSSIAN if lang == "ru" else MSO_LANGUAGE_ID.ENGLISH_UK
    navy, ink, muted, purple = (RGBColor(0x10, 0x2A, 0x43), RGBColor(0x1F, 0x29, 0x33),
                                RGBColor(0x52, 0x60, 0x6D), RGBColor(0x6B, 0x2C, 0x91))
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]

    def box(slide, x, y, w, h, paragraphs, anchor=MSO_ANCHOR.TOP, fit=False):
        shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        tf = shape.text_frame
        tf.word_wrap = True
        tf.vertical_anchor = anchor
        tf.margin_left = tf.margin_right = Inches(0.05)
        if fit:
            tf.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        for i, (text, size, bold, colour) in enumerate(paragraphs):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            run = para.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = colour
            run.font.name = "DejaVu Sans"
            run.font.language_id = language
            para.space_after = Pt(size * 0.3)
        return shape

    for number, (slide_text, png) in enumerate(items, 1):
        slide = prs.slides.add_slide(blank)
        box(slide, 0.45, 0.25, 12.4, 0.8, [(slide_text.title, 30, True, navy)], anchor=MSO_ANCHOR.BOTTOM, fit=True)
        if slide_text.subtitle:
            box(slide, 0.45, 1.02, 12.4, 0.5, [(slide_text.subtitle, 14, False, muted)], fit=True)
        if png:
            pic = slide.shapes.add_picture(io.BytesIO(png), Inches(0.35), Inches(1.6), width=Inches(8.3))
            pic.name = f"chart-{slide_text.ref.token}"
            if pic.height > Inches(5.25):  # keep the footer clear
                ratio = Inches(5.25) / pic.height
                pic.height, pic.width = Inches(5.25), Emu(int(pic.width * ratio))
        numbers = slide_text.numbers[:4]
        for k, (value, label) in enumerate(numbers):   # two by two, like the screen
            x, y = 8.85 + (k % 2) * 2.1, 1.65 + (k // 2) * 1.05
            size = 22 if len(value) <= 9 else 17 if len(value) <= 16 else 14
            box(slide, x, y, 2.0, 1.0, [(value, size, True, navy), (label, 11, False, muted)], fit=True)
        y = 1.65 + ((len(numbers) + 1) // 2) * 1.05
        points = slide_text.points[:3]
        if points:
            chars = sum(len(p) for p in points)
            size = 12 if chars < 220 else 11 if chars < 330 else 10 if chars < 450 else 9
            box(slide, 8.85, y + 0.05, 4.1, 6.75 - y, [(p, size, False, ink) for p in points], fit=True)
        footer = " · ".join((t("app.short_name", lang), version, slide_text.status_line))
        lines = [(footer, 9, False, muted)]
        if slide_text.illustrative:
            lines.append((t("present.illustrative_warning", lang), 9, True, purple))
        box(slide, 0.45, 6.82, 11.6, 0.62, lines, anchor=MSO_ANCHOR.BOTTOM, fit=True)
        box(slide, 12.2, 6.95, 0.75, 0.45, [(f"{number} / {len(items)}", 10, False, muted)], anchor=MSO_ANCHOR.BOTTOM)
        slide.notes_slide.notes_text_frame.text = slide_text.notes(lang)
    props = prs.core_properties
    props.title = title
    props.author = t("app.name", lang)
    props.subject = version
    props.language = "ru-RU" if lang == "ru" else "en-GB"
    props.keywords = "CCCA; INFORM; Sendai; MCR2030"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def deck_pptx(refs: list[dx.SlideRef], lang: str, query: Mapping[str, str] | None = None,
              progress: Progress = _no_progress, title: str | None = None) -> bytes:
    """A PowerPoint file of the given slides: one per slide, each with its chart as PNG."""
    total = len(refs)
    items = []
    for i, ref in enumerate(refs):
        progress(i, total + 1, t("export.rendering", lang, done=i, total=total))
        slide_text, fig = build_slide(ref, lang, query)
        png = render_png(image_figure(fig, IMAGE_SIZE[1]), *IMAGE_SIZE)
        items.append((slide_text, png))
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
    from weasyprint import HTML
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
    from domain import climate
    lines = []
    for variable, key in (("tmean", "profile.climate_tmean"), ("hot_days_35", "profile.climate_hot_days")):
        if variable not in set(mine["variable"]):
            continue
        base = climate.baseline_means(data, [city_id], variable).iloc[0]
        tab = climate.horizon_table(data, [city_id], variable, ["ssp245", "ssp585"], horizons=(2050,)).set_index("scenario")
        if pd.isna(base) or not {"ssp245", "ssp585"} <= set(tab.index):
            continue
        mid, high = tab.loc["ssp245"], tab.loc["ssp585"]
        lines.append(t(key, lang, baseline=climate.DEFAULT_BASELINE.replace("-", "–"), base=format_number(base, lang),
                       year=2050, mid=dx.signed(mid["change"], lang), mid_lo=dx.signed(mid["change_p10"], lang),
                       mid_hi=dx.signed(mid["change_p90"], lang), high=dx.signed(high["change"], lang)))
    statuses = [s for s in dx.STATUSES if s in set(mine["status"])]
    return lines, statuses, sorted(set(mine["source_id"].dropna()))


def actions_line(data, city_id: str, lang: str, today: date) -> tuple[str | None, list[str], list[str]]:
    if not actions_available(data):
        return None, [], []
    from domain import actions as act
    from i18n import format_int, format_share
    frame = current_actions(data)
    mine = frame[frame["city_id"] == city_id]
    if mine.empty:
        return None, [], []
    s = act.summary(mine, today)
    progress = s["weighted_progress"]
    text = t("profile.actions_summary", lang, actions=format_int(s["actions"], lang), completed=format_int(s["completed"], lang),
             delayed=format_int(s["delayed"], lang), overdue=format_int(s["overdue"], lang),
             progress=format_share(progress / 100, lang) if progress == progress else "—",
             funded=format_int(s["funded"], lang), budget=format_int(s["budget"], lang), gap=format_int(s["gap"], lang))
    statuses = [x for x in dx.STATUSES if x in set(mine.get("data_status", []))]
    return text, statuses, sorted(set(mine["source_id"].dropna())) if "source_id" in mine else []


def city_brief_pdf(city_id: str, lang: str, progress: Progress = _no_progress, today: date | None = None) -> bytes:
    """The PDF brief of a city: key facts, risk and its drivers, hazards, past disasters, climate,
    risk outlook, action plan, data status and numbered sources (A4, 2–4 pages)."""
    data = data_access.get_data()
    today = today or date.today()
    progress(0, 5, t("export.rendering", lang, done=0, total=3))
    decomp, drivers = data_access.city_explained(city_id)
    chart = render_png(image_figure(sc.city_figure(decomp, _names(data, lang), lang), BRIEF_SIZE[1], BRIEF_FONT),
                       *BRIEF_SIZE, scale=2)
    progress(1, 5, t("export.rendering", lang, done=1, total=3))
    hz = dx.hazard_rows(data, city_id, lang)
    hazard_png = None
    if len(hz):
        height = max(170, 30 * len(hz) + 60)
        hazard_png = render_png(image_figure(sc.hazards_figure(hz, data["hazard_levels"], lang), height, BRIEF_FONT),
                                BRIEF_SIZE[0], height, scale=2)
    outlook, outlook_png, driver = None, None, ""
    if dx.has_outlook(data):
        from domain.outlook import TODAY
        progress(2, 5, t("export.rendering", lang, done=2, total=3))
        outlook = data_access.outlook()
        driver = outlook_driver(data, outlook, city_id, lang)
        now = dx.outlook_score(outlook, city_id, TODAY)
        if now is not None and pd.notna(now["risk"]):
            fan = image_figure(outlook_city_figure(data, outlook, city_id, lang), BRIEF_FAN_SIZE[1], BRIEF_FAN_FONT)
            fan.update_layout(legend=dict(y=-0.2))        # below the two-line "today" tick
            outlook_png = render_png(fan, *BRIEF_FAN_SIZE, scale=2.5)
    progress(3, 5, t("export.writing", lang))
    lines, c_status, c_sources = climate_lines(data, city_id, lang)
    a_line, a_status, a_sources = actions_line(data, city_id, lang, today)
    inputs = dx.BriefInputs(city_id=city_id, ranked=data_access.ranking(lang), decomp=decomp, drivers=drivers,
                            build_id=data.build_id, built_at=data.manifest.get("built_at", ""), today=today,
                            chart_png=chart, hazard_png=hazard_png, climate_lines=lines, climate_statuses=c_status,
                            climate_sources=c_sources, actions_line=a_line, actions_statuses=a_status,
                            actions_sources=a_sources, outlook=outlook, outlook_driver=driver, outlook_png=outlook_png)
    document = dx.brief_html(data, inputs, lang)
    progress(4, 5, t("export.writing", lang))
    return html_to_pdf(document)


# --- one entry point for the download buttons --------------------------------------------------------

def run_export(kind: str, fmt: str, lang: str, query: Mapping[str, str], city_id: str | None = None,
               progress: Progress = _no_progress, keep_renderer: bool = False) -> tuple[bytes, str, str]:
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
    log.info("export %s %s %s: %d bytes in %.1f s", kind, fmt, lang, len(content), time.perf_counter() - started)
    return content, name, mime
