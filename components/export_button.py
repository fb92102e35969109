"""Download buttons for the exports (PowerPoint, PDF brief) with progress and a cancel button.

`export_group(kind, lang, ...)` returns the group a page places once in its layout: the buttons,
a progress bar, a cancel button and a `dcc.Download`. The callbacks below serve every page (only
one page is on screen at a time, so the ids are fixed):

1. a clientside callback turns a click into a request holding the format and the page's address
   as it is at that moment (pages keep their choices in the query string, some with
   `history.replaceState`, which Dash does not see), plus the page's context (kind, city);
2. a background callback (the app's `background_callback_manager`) makes the file with
   `services.exports.run_export`, reporting progress, and sends it; the cancel button stops it.
"""
from __future__ import annotations

import logging
import time

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

import ids
from i18n import parse_query, resolve_lang, t
from services.background import celery_enabled

log = logging.getLogger(__name__)
KINDS = ("deck", "compare", "city")
FORMATS = ("pptx", "pdf")


def export_group(kind: str, lang: str, city_id: str | None = None, formats: tuple[str, ...] = ("pptx",),
                 override: dict | None = None, pptx_label: str | None = None, compact: bool = False) -> html.Div:
    """The download group of a page. `override` holds query values that the address does not
    (yet) have, e.g. the deck editor's current slides."""
    context = {"kind": kind, "lang": lang, "city": city_id, "override": override or {},
               "cancelled": t("export.cancelled", lang), "preparing": t("export.preparing", lang)}
    return html.Div([
        dcc.Store(id=ids.EXPORT_CONTEXT, data=context),
        dcc.Store(id=ids.EXPORT_REQUEST),
        html.Span(t("export.group", lang), className="export-label"),
        html.Button(pptx_label or t("export.pptx", lang), id=ids.EXPORT_PPTX, n_clicks=0,
                    className="button export-button", type="button",
                    title=t("export.help", lang), **{"data-format": "pptx"}),
        html.Button(t("export.pdf", lang), id=ids.EXPORT_PDF, n_clicks=0, className="button export-button",
                    type="button", hidden="pdf" not in formats, title=t("export.help", lang),
                    **{"data-format": "pdf"}),
        html.Progress(id=ids.EXPORT_PROGRESS, max=10, value=0, hidden=True, className="export-progress",
                      **{"aria-label": t("export.preparing", lang)}),
        html.Span(id=ids.EXPORT_PROGRESS_TEXT, hidden=True, className="export-progress-text"),
        html.Button(t("export.cancel", lang), id=ids.EXPORT_CANCEL, n_clicks=0, hidden=True, type="button",
                    className="button button-secondary export-cancel"),
        html.Span(id=ids.EXPORT_STATUS, role="status", className="export-status"),
        html.Span(id=ids.EXPORT_NOTE, role="status", className="export-status"),
        dcc.Download(id=ids.EXPORT_DOWNLOAD),
    ], className="export-group" + (" export-compact" if compact else ""), role="group",
        **{"aria-label": t("export.group", lang), "data-kind": kind})


clientside_callback(
    ClientsideFunction(namespace="ccca_present", function_name="exportRequest"),
    Output(ids.EXPORT_REQUEST, "data"), Output(ids.EXPORT_NOTE, "children"),
    Input(ids.EXPORT_PPTX, "n_clicks"), Input(ids.EXPORT_PDF, "n_clicks"), Input(ids.EXPORT_CANCEL, "n_clicks"),
    State(ids.EXPORT_CONTEXT, "data"),
    prevent_initial_call=True,
)


def request_params(request: dict) -> tuple[str, str, str, dict, str | None]:
    """(kind, format, language, query, city) from a browser request; ValueError when malformed."""
    if not isinstance(request, dict):
        raise ValueError("no request")
    context = request.get("context") if isinstance(request.get("context"), dict) else {}
    kind = context.get("kind")
    fmt = request.get("fmt")
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"unknown export {kind!r} {fmt!r}")
    query = parse_query(str(request.get("search") or "")[:4000])
    override = context.get("override") if isinstance(context.get("override"), dict) else {}
    query.update({str(k): str(v) for k, v in override.items() if v is not None})
    lang, _ = resolve_lang(query.get("lang", context.get("lang")))
    city = context.get("city") if isinstance(context.get("city"), str) else None
    return kind, fmt, lang, query, city


@callback(
    Output(ids.EXPORT_DOWNLOAD, "data"), Output(ids.EXPORT_STATUS, "children"),
    Input(ids.EXPORT_REQUEST, "data"),
    background=True,
    running=[(Output(ids.EXPORT_PPTX, "disabled"), True, False), (Output(ids.EXPORT_PDF, "disabled"), True, False),
             (Output(ids.EXPORT_CANCEL, "hidden"), False, True), (Output(ids.EXPORT_PROGRESS, "hidden"), False, True),
             (Output(ids.EXPORT_PROGRESS_TEXT, "hidden"), False, True), (Output(ids.EXPORT_STATUS, "hidden"), True, False)],
    progress=[Output(ids.EXPORT_PROGRESS, "value"), Output(ids.EXPORT_PROGRESS, "max"),
              Output(ids.EXPORT_PROGRESS_TEXT, "children")],
    cancel=[Input(ids.EXPORT_CANCEL, "n_clicks")],
    interval=500,
    prevent_initial_call=True,
)
def make_export(set_progress, request):
    """Make the requested file in the background and send it."""
    if not request:
        raise PreventUpdate
    try:
        kind, fmt, lang, query, city = request_params(request)
    except ValueError as err:
        log.warning("export request refused: %s", err)
        return no_update, t("export.failed", "ru", reason=str(err)[:120])
    from services import exports

    set_progress((0, 10, t("export.preparing", lang)))
    started = time.perf_counter()

    def progress(done: int, total: int, message: str) -> None:
        set_progress((done, total, message))

    try:
        with dash.get_app().server.app_context():
            content, name, mime = exports.run_export(kind, fmt, lang, query, city, progress=progress,
                                                     keep_renderer=celery_enabled())
    except Exception as err:  # noqa: BLE001 - the user gets a message, the log the traceback
        log.exception("export %s %s failed", kind, fmt)
        return no_update, t("export.failed", lang, reason=str(err).splitlines()[0][:160] if str(err) else type(err).__name__)
    log.info("export %s %s %s sent: %s, %d bytes, %.1f s", kind, fmt, lang, name, len(content),
             time.perf_counter() - started)
    return dcc.send_bytes(content, name, type=mime), t("export.done", lang, name=name)
