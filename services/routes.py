"""Plain Flask routes: map geometry (sent once, cached by the browser) and table downloads."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from flask import Flask, Response, abort, request

from domain.queries import DERIVED_GEO_LAYERS, GEO_LAYERS, downloadable_tables
from services.data_access import get_data

EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_as_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens Cyrillic text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def tables_as_excel(tables: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, one sheet per table (sheet names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def register_routes(server: Flask) -> None:
    """Attach the geometry and download routes to the Flask server."""

    @server.route("/geo/<layer>.geojson")
    def geometry(layer: str):
        if layer not in GEO_LAYERS + DERIVED_GEO_LAYERS:
            abort(404)
        try:
            content = get_data().geometry(layer)  # the bytes checked against the manifest at load
        except KeyError:
            abort(404)
        response = Response(content, mimetype="application/geo+json")
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        response.add_etag()
        return response.make_conditional(request)

    @server.route("/download/<table>.<fmt>")
    def download(table: str, fmt: str):
        data = get_data()
        tables = downloadable_tables(data)
        if table != "all" and table not in tables:
            abort(404)
        chosen = tables if table == "all" else {table: tables[table]}
        stem = f"coalition-{table}-{data.build_id}"
        if fmt == "csv" and table != "all":
            body, mime = table_as_csv(chosen[table]), "text/csv; charset=utf-8"
        elif fmt == "xlsx":
            body, mime = tables_as_excel(chosen), EXCEL_MIME
        else:
            abort(404)
        return Response(
            body,
            mimetype=mime,
            headers={
                "Content-Disposition": f'attachment; filename="{stem}.{fmt}"',
                "Cache-Control": "public, max-age=3600",
            },
        )


def serve_plotly_bundle(server: Flask, bundle: Path) -> None:
    """Answer dcc.Graph's request for plotly.js with the app's partial bundle.

    dcc.Graph loads plotly.js on demand from a fixed path inside Dash's component suites; the
    partial bundle draws every trace the app uses at about a third of the size.
    """
    body = bundle.read_bytes()

    @server.before_request
    def partial_plotly():
        if request.path.startswith(
            "/_dash-component-suites/plotly/package_data/plotly"
        ) and request.path.endswith(".js"):
            response = Response(body, mimetype="application/javascript")
            response.cache_control.public = True
            response.cache_control.max_age = 31536000
            response.add_etag()
            return response.make_conditional(request)
        return None
