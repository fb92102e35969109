"""HTTP routes with Flask's test client: pages, geometry, downloads, bad input."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?lang=en",
        "/data",
        "/data?lang=en&tab=sources",
        "/?lang=xx",
        "/?%%%&&==",
        "/no/such/page",
        "/data?tab=<script>",
    ],
)
def test_pages_answer_with_the_app_shell(client, path):
    response = client.get(path)
    unknown = path == "/no/such/page"
    assert response.status_code == (404 if unknown else 200)
    assert b"Traceback" not in response.data
    # The not-found page is script-free: the shell's header and main, without Dash's config.
    shell = (b'id="main"', b'class="site-footer"') if unknown else (b"_dash-config",)
    assert all(part in response.data for part in shell)


def test_page_titles_follow_the_language(client):
    assert "Обзор рисков".encode() in client.get("/").data
    assert b"Coalition city risk overview" in client.get("/?lang=en").data


def test_geometry_is_served_with_cache_headers(client):
    response = client.get("/geo/countries.geojson")
    assert response.status_code == 200
    assert "max-age" in response.headers["Cache-Control"]
    data = json.loads(response.data)
    response.close()
    assert data["type"] == "FeatureCollection" and len(data["features"]) > 5
    assert client.get("/geo/nothing.geojson").status_code == 404
    again = client.get(
        "/geo/countries.geojson", headers={"If-None-Match": response.headers["ETag"].strip('"')}
    )
    assert again.status_code == 304
    zipped = client.get("/geo/admin1.geojson", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers.get("Content-Encoding") == "gzip"


def test_csv_download_keeps_cyrillic(client, built_data):
    response = client.get("/download/cities.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert "city_id" in text.splitlines()[0]
    assert all(name in text for name in built_data["cities"]["name_ru"])  # every Russian name, unmangled


def test_excel_download_has_every_table(client, built_data):
    response = client.get("/download/all.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert {"cities", "indicators", "indicator_values", "risk", "sources"} <= set(book.sheetnames)
    assert book["cities"].max_row == len(built_data["cities"]) + 1
    book.close()


def test_unknown_download_is_404(client):
    assert client.get("/download/passwords.csv").status_code == 404
    assert client.get("/download/cities.exe").status_code == 404
    assert client.get("/download/all.csv").status_code == 404


TRACES_IN_BUNDLE = {"scatter", "bar", "heatmap", "scatterpolar"}


def test_partial_plotly_bundle_is_served_and_covers_every_trace_the_app_draws(client):
    response = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert response.status_code == 200 and b"partial bundle" in response.data[:300]
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    used = set()
    for folder in ("pages", "presentation", "components", "services", "domain"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            used |= {m.lower() for m in re.findall(r"\bgo\.([A-Z][a-z]+(?:polar)?)\(", text) if m != "Figure"}
            used |= set(
                re.findall(
                    r"\.add_(scatter|bar|heatmap|scatterpolar|pie|box|histogram|violin|"
                    r"scattergeo|choropleth|scattermap|choroplethmap|sankey|treemap|sunburst|"
                    r"parcoords|table|indicator|funnel|waterfall|contour|image)\(",
                    text,
                )
            )
            express = {
                "bar": "bar",
                "line": "scatter",
                "scatter": "scatter",
                "timeline": "bar",
                "density_heatmap": "heatmap",
                "line_polar": "scatterpolar",
                "scatter_polar": "scatterpolar",
            }
            used |= {express.get(m, f"px.{m}") for m in re.findall(r"\bpx\.([a-z_]+)\(", text)}
    assert used <= TRACES_IN_BUNDLE, (
        f"traces missing from assets/plotly-partial.min.js: {used - TRACES_IN_BUNDLE}"
    )
