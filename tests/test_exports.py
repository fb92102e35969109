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
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
                                reason="kaleido needs the system Chromium (scripts/install_system_deps.sh)")


@pytest.fixture(scope="module")
def made(dash_app):
    """Every kind of file, made once with one chart renderer for the module (timings kept)."""
    from services import exports

    out: dict = {"seconds": {}}
    with dash_app.server.app_context():
        exports.ensure_renderer()
        try:
            def timed(key, fn, *args, **kwargs):
                started = time.perf_counter()
                out[key] = fn(*args, **kwargs)
                out["seconds"][key] = time.perf_counter() - started

            out["deck_refs"], _ = exports.deck_refs(None)
            timed("deck_en", exports.run_export, "deck", "pptx", "en", {}, keep_renderer=True)
            timed("deck_ru", exports.run_export, "deck", "pptx", "ru", {"slides": "overview,city:dushanbe,trends,outlook:osh"},
                  keep_renderer=True)
            timed("compare_en", exports.run_export, "compare", "pptx", "en",
                  {"cities": "osh,namangan,dushanbe", "w_vulnerability": "2.5", "lang": "en"}, keep_renderer=True)
            timed("city_ru", exports.run_export, "city", "pptx", "ru", {}, "osh", keep_renderer=True)
            timed("pdf_ru", exports.run_export, "city", "pdf", "ru", {}, "osh", keep_renderer=True)
            timed("pdf_en", exports.run_export, "city", "pdf", "en", {}, "dushanbe", keep_renderer=True)
        finally:
            exports.stop_renderer()
    print("export seconds:", {k: round(v, 2) for k, v in out["seconds"].items()},
          "bytes:", {k: len(v[0]) for k, v in out.items() if isinstance(v, tuple)})
    return out


def open_pptx(content: bytes):
    from pptx import Presentation
    return Presentation(io.BytesIO(content))


def slide_texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def pictures(slide) -> list:
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_full_deck_in_english(made):
    content, name, mime = made["deck_en"]
    assert name.endswith(".pptx") and "-deck-en-" in name and mime.endswith("presentationml.presentation")
    prs = open_pptx(content)
    refs = made["deck_refs"]
    assert len(prs.slides) == len(refs)
    assert prs.slide_width > prs.slide_height, "16:9"
    titles = [slide_texts(s).splitlines()[0] for s in prs.slides]
    assert titles[0] == "Disaster risk of the coalition's cities" and titles[1] == "Comparing cities"
    assert "Osh" in titles and "Dushanbe" in titles
    assert [r.token for r in refs].index("outlook") == titles.index("Risk outlook of the cities by 2050")
    for slide, ref in zip(prs.slides, refs):
        pics = pictures(slide)
        assert len(pics) == 1, ref
        blob = pics[0].image.blob
        assert blob[:8] == b"\x89PNG\r\n\x1a\n" and len(blob) > 20_000, ref
        assert pics[0].image.size[0] >= 2000, "charts drawn sharp enough for a projector"
        text = slide_texts(slide)
        assert "Data status" in text and "Data version" in text, ref
        assert not CYRILLIC.search(text), f"{ref.token}: Cyrillic in the English deck"
        notes = slide.notes_slide.notes_text_frame.text
        assert "Sources:" in notes and "\n1. " in notes and "In the dashboard: /" in notes, ref
    assert prs.core_properties.language == "en-GB"


def test_chosen_slides_in_russian(made):
    content, name, _ = made["deck_ru"]
    prs = open_pptx(content)
    assert len(prs.slides) == 4 and "-deck-ru-" in name
    titles = [slide_texts(s).splitlines()[0] for s in prs.slides]
    from i18n import t
    assert titles == [t("present.overview.title", "ru"), "Душанбе",
                      t("present.trends.title", "ru", variable=t("trends.var.tmean", "ru")),
                      t("outlook.fan_heading", "ru", city="Ош")]
    for slide in prs.slides:
        assert CYRILLIC.search(slide_texts(slide)) and len(pictures(slide)) == 1
        notes = slide.notes_slide.notes_text_frame.text
        assert "Источники:" in notes and "Статус" in notes
    assert "демонстрацион" in prs.slides[2].notes_slide.notes_text_frame.text, "illustrative climate series are named"
    outlook = prs.slides[3]
    hazard_names = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "src" / "categories.csv")
    hazard_names = hazard_names.loc[hazard_names["dimension"] == "hazard_exposure", "name_ru"]
    assert any(n in slide_texts(outlook) for n in hazard_names) and "демонстрационных" in slide_texts(outlook), "driver and status"
    assert pictures(outlook)[0].name == "chart-outlook:osh"
    assert "/outlook?lang=ru&cities=osh" in outlook.notes_slide.notes_text_frame.text


def test_comparison_uses_the_chosen_cities_and_weights(made):
    content, name, _ = made["compare_en"]
    prs = open_pptx(content)
    assert len(prs.slides) == 2 and "-compare-en-" in name
    first = slide_texts(prs.slides[0])
    assert first.startswith("Comparing cities")
    assert "Osh" in first and "Namangan" in first and "Dushanbe" in first and "Ashgabat" not in first
    notes = prs.slides[0].notes_slide.notes_text_frame.text
    assert "Vulnerability 2.5" in notes and "w_vulnerability=2.5" in notes
    assert slide_texts(prs.slides[1]).startswith("How stable is the ranking?")


def test_city_profile_deck(made):
    content, name, _ = made["city_ru"]
    prs = open_pptx(content)
    assert name.startswith("ccca-osh-city-ru-") and len(prs.slides) == 2
    assert slide_texts(prs.slides[0]).startswith("Ош")
    assert slide_texts(prs.slides[1]).startswith("Ош: опасности и прошлые бедствия")
    assert "Землетрясение" in prs.slides[1].notes_slide.notes_text_frame.text


def pdf_text(content: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "brief.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return text, pages, len(images.strip().splitlines()) - 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (scripts/install_system_deps.sh)")
def test_city_brief_pdf_in_both_languages(made, tmp_path):
    content, name, mime = made["pdf_ru"]
    assert mime == "application/pdf" and name.startswith("ccca-osh-brief-ru-") and content[:5] == b"%PDF-"
    text, pages, images = pdf_text(content, tmp_path)
    assert 2 <= pages <= 5, pages  # 4 before the critical-infrastructure section (issue 19) was added
    assert images >= 3, "decomposition, hazard and outlook charts"
    for words in ("Ош", "Основные сведения", "Профиль опасностей", "Прошлые бедствия", "Источники",
                  "Статус данных", "Землетрясение", "Версия данных", "Прогноз риска до 2080 года", "SSP5-8.5"):
        assert words in text, words
    assert re.search(r"\n\s*1\.\s+\S", text), "numbered sources"
    content, name, _ = made["pdf_en"]
    text, pages, images = pdf_text(content, tmp_path)
    assert 2 <= pages <= 5 and images >= 3  # 4 before issue 19
    for words in ("Dushanbe", "Key facts", "Hazard profile", "Past disasters", "Sources", "Data status",
                  "Risk outlook to 2080", "SSP2-4.5"):
        assert words in text, words
    assert not CYRILLIC.search(text.split("Sources")[0]), "English brief before the source titles"


def test_request_parameters_are_checked():
    from components.export_button import request_params

    kind, fmt, lang, query, city = request_params({
        "fmt": "pptx", "search": "?lang=en&cities=osh&w_vulnerability=2",
        "context": {"kind": "deck", "lang": "ru", "city": None, "override": {"slides": "overview,trends"}}})
    assert (kind, fmt, lang, city) == ("deck", "pptx", "en", None)
    assert query["slides"] == "overview,trends" and query["cities"] == "osh"
    for bad in (None, {}, {"fmt": "exe", "context": {"kind": "deck"}}, {"fmt": "pdf", "context": {"kind": "files"}}):
        with pytest.raises(ValueError):
            request_params(bad)


def test_file_names_are_ascii():
    from datetime import date
    assert dx.file_name("brief", "ru", "pdf", "osh", date(2026, 3, 1)) == "ccca-osh-brief-ru-2026-03-01.pdf"
    assert dx.file_name("deck", "en", "pptx", None, date(2026, 3, 1)) == "ccca-deck-en-2026-03-01.pptx"


def test_pdf_from_the_city_page_through_the_background_callback(dash_duo, dash_app):
    """Click 'PDF brief' on a city profile: progress, then a file in the browser's download folder."""
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/city/namangan?lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", "Namangan", timeout=20)
    button = dash_duo.wait_for_element("#export-pdf", timeout=10)
    assert button.text == "PDF brief"
    button.click()
    until(lambda: driver.find_element(By.ID, "export-cancel").is_displayed(), timeout=10)
    dash_duo.wait_for_contains_text("#export-status", "Ready: ccca-namangan-brief-en-", timeout=120)
    folder = Path(dash_duo.download_path)
    until(lambda: any(p.suffix == ".pdf" for p in folder.iterdir()), timeout=20)
    pdf = next(p for p in folder.iterdir() if p.suffix == ".pdf")
    assert pdf.name.startswith("ccca-namangan-brief-en-") and pdf.read_bytes()[:5] == b"%PDF-"
    assert not driver.find_element(By.ID, "export-cancel").is_displayed()
    assert driver.find_element(By.ID, "export-pdf").is_enabled()
    assert dash_duo.get_logs() == []


def test_chip_text_reaches_4_5_to_1_on_every_hazard_and_class_colour(built_data):
    from domain.exports import contrast_ratio, text_colour
    colours = list(built_data["hazard_levels"]["colour"]) + list(built_data["risk_classes"]["colour"])
    for colour in colours:
        assert contrast_ratio(colour, text_colour(colour)) >= 4.5, colour
    assert round(contrast_ratio("#ffffff", "#000000"), 1) == 21.0 and text_colour("not a colour") == "#1f2933"
