"""Exports: the PowerPoint files (deck, comparison, city) and the PDF brief, opened and read back
(python-pptx, pdftotext), and one export made through the page's background callback."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from domain import exports as dx

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
    reason="kaleido needs the system Chromium (scripts/install_system_deps.sh)",
)


def chosen_cities(data) -> dict[str, str]:
    """Cities of the data for the exports under test, by role: `main` (most indicator values; ties by
    id) in the city deck, Russian PDF and outlook slide, `other` in the deck and the English PDF,
    `third` in the comparison and the browser test, `left_out` of the comparison."""
    counts = data["indicator_values"].groupby("city_id").size()
    ordered = sorted(counts.index, key=lambda c: (-counts[c], c))
    return {"main": ordered[0], "other": ordered[1], "third": ordered[2], "left_out": ordered[-1]}


def name_of(data, city_id: str, lang: str) -> str:
    return data["cities"].set_index("city_id").at[city_id, f"name_{lang}"]


def top_hazard_ru(data, city_id: str) -> str:
    """The Russian name of the city's highest-rated hazard (as the hazard profile lists it)."""
    levels = data["hazard_levels"].set_index("level")["rank"]
    mine = data["hazards"][data["hazards"]["city_id"] == city_id].assign(
        rank=lambda f: f["level"].map(levels)
    )
    top = mine.sort_values("rank", ascending=False).iloc[0]["hazard_type"]
    return data["hazard_types"].set_index("hazard_type").at[top, "name_ru"]


@pytest.fixture(scope="module")
def made(dash_app, built_data):
    """Every kind of file, made once with one chart renderer for the module (timings kept)."""
    from presentation import exports
    from services import data_access

    c = chosen_cities(built_data)
    out: dict = {"seconds": {}, "cities": c}
    with dash_app.server.app_context():
        exports.ensure_renderer()
        try:

            def timed(key, fn, *args, **kwargs):
                started = time.perf_counter()
                out[key] = fn(*args, **kwargs)
                out["seconds"][key] = time.perf_counter() - started

            out["deck_refs"], _ = exports.deck_refs(None)
            data = data_access.get_data()
            offered = [
                r
                for r in dx.available_slides(data) + dx.optional_slides(data)
                if r.kind != "actions" or exports.actions_available(data)
            ]
            # one slide of each kind; every city's resilience slide (scorecard, losses or neither)
            every = [
                r
                for i, r in enumerate(offered)
                if r.kind == "resilience" or r.kind not in {x.kind for x in offered[:i]}
            ]
            out["every_refs"] = every
            timed(
                "every_ru",
                exports.run_export,
                "deck",
                "pptx",
                "ru",
                {"slides": dx.slides_param(every)},
                keep_renderer=True,
            )
            timed("deck_en", exports.run_export, "deck", "pptx", "en", {}, keep_renderer=True)
            timed(
                "deck_ru",
                exports.run_export,
                "deck",
                "pptx",
                "ru",
                {"slides": f"overview,city:{c['other']},trends,outlook:{c['main']}"},
                keep_renderer=True,
            )
            timed(
                "compare_en",
                exports.run_export,
                "compare",
                "pptx",
                "en",
                {"cities": f"{c['main']},{c['third']},{c['other']}", "w_vulnerability": "2.5", "lang": "en"},
                keep_renderer=True,
            )
            timed("city_ru", exports.run_export, "city", "pptx", "ru", {}, c["main"], keep_renderer=True)
            timed("pdf_ru", exports.run_export, "city", "pdf", "ru", {}, c["main"], keep_renderer=True)
            timed("pdf_en", exports.run_export, "city", "pdf", "en", {}, c["other"], keep_renderer=True)
        finally:
            exports.stop_renderer()
    print(
        "export seconds:",
        {k: round(v, 2) for k, v in out["seconds"].items()},
        "bytes:",
        {k: len(v[0]) for k, v in out.items() if isinstance(v, tuple)},
    )
    return out


def open_pptx(content: bytes):
    from pptx import Presentation

    return Presentation(io.BytesIO(content))


def slide_texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def pictures(slide) -> list:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def charts(slide) -> list:
    return [s.chart for s in slide.shapes if s.has_chart]


def main_slides(prs, lang: str) -> list:
    """The slides of the deck's tokens: without the continuation slides of points that did not fit."""
    from i18n import t

    suffix = t("export.continued", lang, title="")
    return [s for s in prs.slides if not slide_texts(s).splitlines()[0].endswith(suffix)]


def test_full_deck_in_english(made, built_data):
    content, name, mime = made["deck_en"]
    assert name.endswith(".pptx") and "-deck-en-" in name and mime.endswith("presentationml.presentation")
    prs = open_pptx(content)
    refs = made["deck_refs"]
    slides = main_slides(prs, "en")
    assert len(slides) == len(refs) <= len(prs.slides)
    assert prs.slide_width > prs.slide_height, "16:9"
    titles = [slide_texts(s).splitlines()[0] for s in slides]
    assert titles[0] == "Disaster risk of the coalition's cities" and titles[1] == "Comparing cities"
    assert set(built_data["cities"]["name_en"]) <= set(titles), "a slide for every city"
    assert [r.token for r in refs].index("outlook") == titles.index("Risk outlook of the cities by 2050")
    for slide, ref in zip(slides, refs):
        assert pictures(slide) == [], f"{ref.token}: a picture where a native chart can show it"
        assert len(charts(slide)) == 1, ref
        assert [s.name for s in slide.shapes if s.has_chart] == [f"chart-{ref.token}"]
    for slide in prs.slides:
        text = slide_texts(slide)
        assert "Data status" in text and "Data version" in text
        assert not CYRILLIC.search(text), "Cyrillic in the English deck"
        notes = slide.notes_slide.notes_text_frame.text
        assert "Sources:" in notes and "\n1. " in notes and "In the dashboard: /" in notes
    assert prs.core_properties.language == "en-GB"


def test_chosen_slides_in_russian(made, built_data):
    main, other = made["cities"]["main"], made["cities"]["other"]
    content, name, _ = made["deck_ru"]
    prs = open_pptx(content)
    slides = main_slides(prs, "ru")
    assert len(slides) == 4 and "-deck-ru-" in name
    titles = [slide_texts(s).splitlines()[0] for s in slides]
    from i18n import t

    assert titles == [
        t("present.overview.title", "ru"),
        name_of(built_data, other, "ru"),
        t("present.trends.title", "ru", variable=t("trends.var.tmean", "ru")),
        t("outlook.fan_heading", "ru", city=name_of(built_data, main, "ru")),
    ]
    for slide in prs.slides:
        assert CYRILLIC.search(slide_texts(slide)) and pictures(slide) == []
        notes = slide.notes_slide.notes_text_frame.text
        assert "Источники:" in notes and "Статус" in notes
    for slide in slides:
        assert len(charts(slide)) == 1
    assert "демонстрацион" in slides[2].notes_slide.notes_text_frame.text, (
        "illustrative climate series are named"
    )
    outlook = slides[3]
    hazard_names = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "src" / "categories.csv")
    hazard_names = hazard_names.loc[hazard_names["dimension"] == "hazard_exposure", "name_ru"]
    driver_and_more = slide_texts(outlook) + outlook.notes_slide.notes_text_frame.text
    assert any(n in driver_and_more for n in hazard_names) and "демонстрационных" in slide_texts(outlook), (
        "driver and status"
    )
    assert [s.name for s in outlook.shapes if s.has_chart] == [f"chart-outlook:{main}"]
    assert f"/outlook?lang=ru&cities={main}" in outlook.notes_slide.notes_text_frame.text


def test_comparison_uses_the_chosen_cities_and_weights(made, built_data):
    content, name, _ = made["compare_en"]
    prs = open_pptx(content)
    slides = main_slides(prs, "en")
    assert len(slides) == 2 and "-compare-en-" in name
    first = slide_texts(slides[0])
    assert first.startswith("Comparing cities")
    c = made["cities"]
    assert all(name_of(built_data, c[role], "en") in first for role in ("main", "third", "other"))
    assert name_of(built_data, c["left_out"], "en") not in first
    notes = slides[0].notes_slide.notes_text_frame.text
    assert "Vulnerability 2.5" in notes and "w_vulnerability=2.5" in notes
    assert slide_texts(slides[1]).startswith("How stable is the ranking?")


def test_city_profile_deck(made, built_data):
    content, name, _ = made["city_ru"]
    main = made["cities"]["main"]
    prs = open_pptx(content)
    slides = main_slides(prs, "ru")
    assert name.startswith(f"ccca-{main}-city-ru-") and len(slides) == 2
    assert slide_texts(slides[0]).startswith(name_of(built_data, main, "ru"))
    assert slide_texts(slides[1]).startswith(
        f"{name_of(built_data, main, 'ru')}: опасности и прошлые бедствия"
    )
    assert top_hazard_ru(built_data, main) in slides[1].notes_slide.notes_text_frame.text


def pdf_text(content: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "brief.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return text, pages, len(images.strip().splitlines()) - 2


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (scripts/install_system_deps.sh)"
)
def test_city_brief_pdf_in_both_languages(made, built_data, tmp_path):
    main, other = made["cities"]["main"], made["cities"]["other"]
    content, name, mime = made["pdf_ru"]
    assert mime == "application/pdf" and name.startswith(f"ccca-{main}-brief-ru-") and content[:5] == b"%PDF-"
    text, pages, images = pdf_text(content, tmp_path)
    assert 2 <= pages <= 5, pages  # 4 before the critical-infrastructure section (issue 19) was added
    assert images >= 3, "decomposition, hazard and outlook charts"
    for words in (
        name_of(built_data, main, "ru"),
        "Основные сведения",
        "Профиль опасностей",
        "Прошлые бедствия",
        "Источники",
        "Статус данных",
        top_hazard_ru(built_data, main),
        "Версия данных",
        "Прогноз риска до 2080 года",
        "SSP5-8.5",
    ):
        assert words in text, words
    assert re.search(r"\n\s*1\.\s+\S", text), "numbered sources"
    content, name, _ = made["pdf_en"]
    text, pages, images = pdf_text(content, tmp_path)
    assert 2 <= pages <= 5 and images >= 3  # 4 before issue 19
    for words in (
        name_of(built_data, other, "en"),
        "Key facts",
        "Hazard profile",
        "Past disasters",
        "Sources",
        "Data status",
        "Risk outlook to 2080",
        "SSP2-4.5",
    ):
        assert words in text, words
    assert not CYRILLIC.search(text.split("Sources")[0]), "English brief before the source titles"


def test_request_parameters_are_checked(built_data):
    from presentation.export_button import request_params

    member = built_data["cities"]["city_id"].iloc[0]
    kind, fmt, lang, query, city = request_params(
        {
            "fmt": "pptx",
            "search": f"?lang=en&cities={member}&w_vulnerability=2",
            "context": {
                "kind": "deck",
                "lang": "ru",
                "city": None,
                "override": {"slides": "overview,trends"},
            },
        }
    )
    assert (kind, fmt, lang, city) == ("deck", "pptx", "en", None)
    assert query["slides"] == "overview,trends" and query["cities"] == member
    for bad in (
        None,
        {},
        {"fmt": "exe", "context": {"kind": "deck"}},
        {"fmt": "pdf", "context": {"kind": "files"}},
    ):
        with pytest.raises(ValueError):
            request_params(bad)


def test_file_names_are_ascii():
    from datetime import date

    assert (
        dx.file_name("brief", "ru", "pdf", "new-city", date(2026, 3, 1))
        == "ccca-new-city-brief-ru-2026-03-01.pdf"
    )
    assert dx.file_name("deck", "en", "pptx", None, date(2026, 3, 1)) == "ccca-deck-en-2026-03-01.pptx"


def test_pdf_from_the_city_page_through_the_background_callback(dash_duo, dash_app, built_data):
    """Click 'PDF brief' on a city profile: progress, then a file in the browser's download folder."""
    city = chosen_cities(built_data)["third"]
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + f"/city/{city}?lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", name_of(built_data, city, "en"), timeout=20)
    button = dash_duo.wait_for_element("#export-pdf", timeout=10)
    assert button.text == "PDF brief"
    button.click()
    until(lambda: driver.find_element(By.ID, "export-cancel").is_displayed(), timeout=10)
    dash_duo.wait_for_contains_text("#export-status", f"Ready: ccca-{city}-brief-en-", timeout=120)
    folder = Path(dash_duo.download_path)
    until(lambda: any(p.suffix == ".pdf" for p in folder.iterdir()), timeout=20)
    pdf = next(p for p in folder.iterdir() if p.suffix == ".pdf")
    assert pdf.name.startswith(f"ccca-{city}-brief-en-") and pdf.read_bytes()[:5] == b"%PDF-"
    assert not driver.find_element(By.ID, "export-cancel").is_displayed()
    assert driver.find_element(By.ID, "export-pdf").is_enabled()
    assert dash_duo.get_logs() == []


def test_chip_text_reaches_4_5_to_1_on_every_hazard_and_class_colour(built_data):
    from domain.palette import contrast_ratio, text_colour

    colours = list(built_data["hazard_levels"]["colour"]) + list(built_data["risk_classes"]["colour"])
    for colour in colours:
        assert contrast_ratio(colour, text_colour(colour)) >= 4.5, colour
    assert round(contrast_ratio("#ffffff", "#000000"), 1) == 21.0 and text_colour("not a colour") == "#1f2933"


# --- PowerPoint: type sizes, text that fits, native charts (issue 22) ------------------------------

PPTX_FILES = ("deck_en", "deck_ru", "compare_en", "city_ru", "every_ru")


def text_shapes(slide) -> list:
    return [s for s in slide.shapes if s.has_text_frame]


def test_every_slide_kind_is_in_the_full_russian_deck(made):
    prs = open_pptx(made["every_ru"][0])
    kinds = {r.kind for r in made["every_refs"]}
    named = {
        s.name.split("-", 1)[1].split(":")[0] for slide in prs.slides for s in slide.shapes if s.has_chart
    }
    from domain.exports import KINDS

    assert kinds <= set(KINDS) and len(main_slides(prs, "ru")) == len(made["every_refs"])
    assert named <= kinds and len(named) >= len(kinds) - 1, (
        "every kind draws a native chart (resilience may have none)"
    )


@pytest.mark.parametrize("key", PPTX_FILES)
def test_every_run_is_18_pt_or_more_and_titles_are_larger(made, key):
    """Every run of every text box sets its size: 18 pt or more, the title larger still; no box
    shrinks its text to fit (that would undo the sizes in PowerPoint)."""
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    prs = open_pptx(made[key][0])
    for number, slide in enumerate(prs.slides, 1):
        shapes = text_shapes(slide)
        for shape in shapes:
            assert shape.text_frame.auto_size != MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE, (key, number)
            for para in shape.text_frame.paragraphs:
                for run in para.runs:
                    assert run.font.size is not None and run.font.size >= Pt(18), (
                        key,
                        number,
                        run.text,
                        run.font.size,
                    )
        title = shapes[0].text_frame.paragraphs[0].runs[0].font.size
        body = max(
            r.font.size
            for s in shapes[1:]
            for p in s.text_frame.paragraphs
            for r in p.runs
            if not r.font.bold
        )
        assert title > body and title >= Pt(28), (key, number)


@pytest.mark.parametrize("key", PPTX_FILES)
def test_text_fits_its_box_and_nothing_overlaps(made, key):
    """Each text box holds its text: the lines its paragraphs wrap into (DejaVu Sans widths from the
    font file, `services.slide_text`) times 1.2 x the size, plus paragraph spacing and the frame's
    margins, are no taller than the box; no word is wider than the box; boxes and the chart stay
    on the slide and apart. An estimate of PowerPoint's layout, read back from the saved file; the
    decks were also rendered with LibreOffice and looked at (screenshots of issue 22)."""
    from pptx.util import Emu

    from services import slide_text as st

    prs = open_pptx(made[key][0])
    width, height = Emu(prs.slide_width).inches, Emu(prs.slide_height).inches
    for number, slide in enumerate(prs.slides, 1):
        boxes = []
        for shape in slide.shapes:
            x, y, w, h = (Emu(v).inches for v in (shape.left, shape.top, shape.width, shape.height))
            assert x >= 0 and y >= 0 and x + w <= width + 1e-6 and y + h <= height + 1e-6, (
                key,
                number,
                shape.name,
            )
            boxes.append((x, y, w, h, shape.name))
            if not shape.has_text_frame:
                continue
            tf = shape.text_frame
            inner = w - Emu(tf.margin_left).inches - Emu(tf.margin_right).inches
            used = Emu(tf.margin_top).inches + Emu(tf.margin_bottom).inches
            paragraphs = tf.paragraphs
            for i, para in enumerate(paragraphs):
                text = "".join(r.text for r in para.runs)
                size, bold = para.runs[0].font.size.pt, bool(para.runs[0].font.bold)
                assert st.longest_word_fits(text, size, inner, bold), (key, number, text)
                after = para.space_after.pt if para.space_after is not None and i < len(paragraphs) - 1 else 0
                used += st.paragraph_height(text, size, inner, bold, after)
            assert used <= h + 0.01, (key, number, tf.text[:60], round(used, 2), round(h, 2))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = (
                    a[0] + a[2] <= b[0] + 1e-6
                    or b[0] + b[2] <= a[0] + 1e-6
                    or a[1] + a[3] <= b[1] + 1e-6
                    or b[1] + b[3] <= a[1] + 1e-6
                )
                assert apart, (key, number, a[4], b[4])


def test_points_that_do_not_fit_go_to_a_continuation_slide_not_smaller_type():
    from presentation import exports

    long_point = "word " * 120
    slide = dx.Slide(
        dx.SlideRef("overview"),
        "Title",
        "Subtitle",
        numbers=[("1", "one"), ("2", "two")],
        points=["short point", long_point, "another point"],
    )
    layout = exports.slide_layout(slide, "footer", "1 / 2", None)
    assert layout.more_points == [long_point, "another point"], (
        "order kept: the rest follows on the next slide"
    )
    placed = [p for box in layout.boxes for p in box.paragraphs]
    assert ("short point", exports.BODY_PT, False, exports.INK) in placed
    more = exports.continuation_layout(
        slide, "Title (continued)", layout.more_points, "footer", "2 / 2", None
    )
    assert more.left_out == [] and {p[0] for b in more.boxes for p in b.paragraphs} >= set(layout.more_points)
    assert min(p[1] for b in more.boxes + layout.boxes for p in b.paragraphs) >= 18


def chart_of(slide):
    found = charts(slide)
    assert len(found) == 1
    return found[0]


def category_values(chart, series_index: int = 0) -> dict[str, float | None]:
    plot = chart.plots[0]
    return dict(zip(plot.categories, plot.series[series_index].values))


def test_native_charts_hold_the_domain_figures(made, dash_app):
    """The chart objects carry the same numbers as the domain queries, for every city in the data."""
    from domain import climate
    from domain import outlook as ol
    from services import data_access

    prs = open_pptx(made["deck_en"][0])
    slides = dict(zip([r.token for r in made["deck_refs"]], main_slides(prs, "en")))
    with dash_app.server.app_context():
        data = data_access.get_data()
        ranked = data_access.ranking("en").dropna(subset=["risk"])
        overview = chart_of(slides["overview"])
        values = list(overview.plots[0].series[0].values)
        labels = list(overview.plots[0].categories)
        assert len(values) == len(ranked) == len(set(data["cities"]["city_id"]) & set(ranked["city_id"]))
        for _, row in ranked.iterrows():
            index = next(i for i, label in enumerate(labels) if label.startswith(row["name"]))
            assert values[index] == pytest.approx(row["risk"])
        assert values == sorted(values), (
            "highest risk at the top (PowerPoint draws the first category lowest)"
        )

        names = dict(zip(data["cities"]["city_id"], data["cities"]["name_en"]))
        cities = [
            c
            for c in data["cities"]["city_id"]
            if c in set(climate.cities_with(data, dx.DEFAULT_TREND_VARIABLE))
        ]
        horizons = data_access.climate_horizons(
            cities, dx.DEFAULT_TREND_VARIABLE, list(climate.PROJECTIONS), climate.DEFAULT_BASELINE
        )
        trends = chart_of(slides["trends"])
        assert trends.chart_type is not None and set(trends.plots[0].categories) == {names[c] for c in cities}
        from i18n import t

        for k, series in enumerate(trends.plots[0].series):
            scenario = next(s for s in climate.PROJECTIONS if t(f"trends.scen.{s}", "en") == series.name)
            expected = horizons[(horizons["scenario"] == scenario) & (horizons["year"] == dx.TREND_HORIZON)]
            got = category_values(trends, k)
            for _, row in expected.iterrows():
                assert got[names[row["city_id"]]] == pytest.approx(row["change"])

        table = ol.ranking_table(data_access.outlook(), dx.OUTLOOK_HORIZON).dropna(subset=["today_risk"])
        outlook = chart_of(slides["outlook"])
        today, later = outlook.plots[0].series
        by_label = dict(zip(outlook.plots[0].categories, zip(today.values, later.values)))
        for _, row in table.iterrows():
            label = next(k for k in by_label if k.startswith(names[row["city_id"]]))
            assert by_label[label][0] == pytest.approx(row["today_risk"])
            assert by_label[label][1] == pytest.approx(row[f"{dx.OUTLOOK_SCENARIO}_risk"])

        for city in ranked["city_id"]:
            decomp, _ = data_access.city_explained(city)
            cats = decomp[decomp["level"] == "category"]
            chart = chart_of(slides[f"city:{city}"])
            plot = chart.plots[0]
            city_series = next(s for s in plot.series if s.name == t("profile.this_city", "en"))
            category_names = dict(zip(data["categories"]["category_id"], data["categories"]["name_en"]))
            got = dict(zip(plot.categories, city_series.values))
            for _, row in cats.dropna(subset=["score"]).iterrows():
                assert got[category_names[row["id"]]] == pytest.approx(row["score"])


def test_native_charts_use_the_palette(made, dash_app):
    """Bars take the risk-class colours of the data (overview) and the dimension colours (comparison)."""
    from components.charts import DIMENSION_COLOURS
    from services import data_access

    prs = open_pptx(made["deck_en"][0])
    slides = dict(zip([r.token for r in made["deck_refs"]], main_slides(prs, "en")))
    with dash_app.server.app_context():
        ranked = data_access.ranking("en").dropna(subset=["risk"]).sort_values("risk")
    series = chart_of(slides["overview"]).plots[0].series[0]
    colours = [str(series.points[i].format.fill.fore_color.rgb) for i in range(len(ranked))]
    assert colours == [c.lstrip("#").upper() for c in ranked["colour"]]
    compare = chart_of(slides["compare"]).plots[0].series
    dimension_fills = {str(s.format.fill.fore_color.rgb) for s in compare}
    assert {c.lstrip("#").upper() for c in DIMENSION_COLOURS.values()} <= dimension_fills


# --- PDF: each climate figure says what it is measured from (issue 22) ------------------------------


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("-\n", "-"))


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (scripts/install_system_deps.sh)"
)
@pytest.mark.parametrize("key", ["pdf_ru", "pdf_en"])
def test_brief_names_the_baseline_of_each_climate_figure(made, key, dash_app, tmp_path):
    """The climate section's changes are from the baseline average, the outlook driver's from the
    outlook's reference year: each figure says which, right beside it, from the data."""
    from domain import climate
    from domain import outlook as ol
    from i18n import t
    from services import data_access

    lang = key[-2:]
    text = flat(pdf_text(made[key][0], tmp_path)[0])
    period = climate.DEFAULT_BASELINE.replace("-", "–")
    hot = text.split(t("trends.var.hot_days_35", lang).split(" (")[0], 1)[1].split("SSP5-8.5")[0]
    assert "35 °C" in hot and hot.count(period) == 2, (
        "the definition, the average's period and the change's baseline"
    )
    city = made["cities"]["main"] if lang == "ru" else made["cities"]["other"]
    with dash_app.server.app_context():
        result = data_access.outlook()
        info = ol.main_driver(result, city, dx.OUTLOOK_SCENARIO, dx.OUTLOOK_HORIZON)
    reference = dx.driver_reference(
        (info or {}).get("driver"),
        int(result.meta["reference_year"]),
        dx.OUTLOOK_HORIZON,
        climate.DEFAULT_BASELINE,
        lang,
    )
    if info and info.get("driver"):
        assert str(result.meta["reference_year"]) in reference and flat(reference) in text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_driver_reference_names_the_reference_year_not_the_baseline(lang):
    from i18n import t

    heat = dx.driver_reference("hot_days_35", 2025, 2050, "1991-2020", lang)
    assert (
        "2025" in heat
        and "2050" in heat
        and "1991–2020" in heat
        and t("trends.var.hot_days_35", lang) in heat
    )
    assert t("profile.climate", lang) in heat, "points to the section whose baseline differs"
    arid = dx.driver_reference("tmean+precip", 2025, 2080, "1991-2020", lang)
    assert t("trends.var.tmean", lang) in arid and t("trends.var.precip", lang) in arid and "2080" in arid
    people = dx.driver_reference("ssp_population", 2025, 2050, "1991-2020", lang)
    assert "2025" in people and "SSP" in people and "1991" not in people
    assert dx.driver_reference(None, 2025, 2050, "1991-2020", lang) == ""


@pytest.mark.parametrize("kind", ["resilience", "hazards", "infrastructure"])
def test_a_slide_with_nothing_to_chart_says_why_in_words(kind):
    from i18n import t
    from presentation import exports

    slide = dx.Slide(
        dx.SlideRef(kind, "any"), "Title", numbers=[("1", "one")], points=["a point"], status_line="status"
    )
    prs = open_pptx(exports.pptx_bytes([(slide, None)], "en", "deck", "version"))
    only = prs.slides[0]
    assert charts(only) == [] and pictures(only) == []
    assert t(exports.EMPTY_CHART[kind], "en") in slide_texts(only)
