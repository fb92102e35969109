"""Download buttons for the exports (PowerPoint, PDF brief) with progress and a cancel button.

`export_group(kind, lang, ...)` returns the group a page places once in its layout: the buttons,
a progress bar, a cancel button and a `dcc.Download`. The callbacks below serve every page (only
one page is on screen at a time, so the ids are fixed):

1. a clientside callback turns a click into a request holding the format and the page's address
   as it is at that moment (pages keep their choices in the query string, some with
   `history.replaceState`, which Dash does not see), plus the page's context (kind, city);
2. `follow_export` puts the request in the export queue (`services/export_queue.py`: a fixed pool
   of processes, limits per client and in all, finished files kept), then polls the job's
   progress every 0.7 s and sends the file when it is ready; the cancel button stops it. When the
   queue is full the visitor reads when to try again, in the page's language.

Importing this module tells the queue how files are made (`presentation/exports.py`): the queue is
a service and may not import presentation itself.
"""

from __future__ import annotations

import logging
from pathlib import Path

import dash
import flask
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

import ids
from i18n import parse_query, resolve_lang, t
from presentation import exports
from services import data_access, export_queue
from services.callback_cache import CODE_VERSION

log = logging.getLogger(__name__)
export_queue.set_runner(export_queue.ExportRunner(make=exports.run_export, stop=exports.stop_renderer))
KINDS = ("deck", "compare", "city")
FORMATS = ("pptx", "pdf")


def export_group(
    kind: str,
    lang: str,
    city_id: str | None = None,
    formats: tuple[str, ...] = ("pptx",),
    override: dict | None = None,
    pptx_label: str | None = None,
    compact: bool = False,
) -> html.Div:
    """The download group of a page. `override` holds query values that the address does not
    (yet) have, e.g. the deck editor's current slides."""
    context = {
        "kind": kind,
        "lang": lang,
        "city": city_id,
        "override": override or {},
        "cancelled": t("export.cancelled", lang),
        "preparing": t("export.preparing", lang),
    }
    return html.Div(
        [
            dcc.Store(id=ids.EXPORT_CONTEXT, data=context),
            dcc.Store(id=ids.EXPORT_REQUEST),
            html.Span(t("export.group", lang), className="export-label"),
            html.Button(
                pptx_label or t("export.pptx", lang),
                id=ids.EXPORT_PPTX,
                n_clicks=0,
                className="button export-button",
                type="button",
                title=t("export.help", lang),
                **{"data-format": "pptx"},
            ),
            html.Button(
                t("export.pdf", lang),
                id=ids.EXPORT_PDF,
                n_clicks=0,
                className="button export-button",
                type="button",
                hidden="pdf" not in formats,
                title=t("export.help", lang),
                **{"data-format": "pdf"},
            ),
            html.Progress(
                id=ids.EXPORT_PROGRESS,
                max=10,
                value=0,
                hidden=True,
                className="export-progress",
                **{"aria-label": t("export.preparing", lang)},
            ),
            html.Span(id=ids.EXPORT_PROGRESS_TEXT, hidden=True, className="export-progress-text"),
            html.Button(
                t("export.cancel", lang),
                id=ids.EXPORT_CANCEL,
                n_clicks=0,
                hidden=True,
                type="button",
                className="button button-secondary export-cancel",
            ),
            html.Span(id=ids.EXPORT_STATUS, role="status", className="export-status"),
            html.Span(id=ids.EXPORT_NOTE, role="status", className="export-status"),
            dcc.Download(id=ids.EXPORT_DOWNLOAD),
            dcc.Store(id=ids.EXPORT_JOB),
            dcc.Interval(id=ids.EXPORT_POLL, interval=700, disabled=True),
        ],
        className="export-group" + (" export-compact" if compact else ""),
        role="group",
        **{"aria-label": t("export.group", lang), "data-kind": kind},
    )


clientside_callback(
    ClientsideFunction(namespace="ccca_present", function_name="exportRequest"),
    Output(ids.EXPORT_REQUEST, "data"),
    Output(ids.EXPORT_NOTE, "children"),
    Input(ids.EXPORT_PPTX, "n_clicks"),
    Input(ids.EXPORT_PDF, "n_clicks"),
    Input(ids.EXPORT_CANCEL, "n_clicks"),
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


def _view(
    job: dict | None,
    *,
    running: bool,
    status: str = "",
    done: int = 0,
    total: int = 10,
    message: str = "",
    download=no_update,
) -> dict:
    """Every output of the export group for one state: waiting or running, or idle with a status."""
    return {
        "job": job,
        "poll_off": not running,
        "pptx_off": running,
        "pdf_off": running,
        "cancel_hidden": not running,
        "progress_hidden": not running,
        "progress_value": done,
        "progress_max": total,
        "progress_text": message,
        "text_hidden": not running,
        "status": status,
        "download": download,
    }


@callback(
    output={
        "job": Output(ids.EXPORT_JOB, "data"),
        "poll_off": Output(ids.EXPORT_POLL, "disabled"),
        "pptx_off": Output(ids.EXPORT_PPTX, "disabled"),
        "pdf_off": Output(ids.EXPORT_PDF, "disabled"),
        "cancel_hidden": Output(ids.EXPORT_CANCEL, "hidden"),
        "progress_hidden": Output(ids.EXPORT_PROGRESS, "hidden"),
        "progress_value": Output(ids.EXPORT_PROGRESS, "value"),
        "progress_max": Output(ids.EXPORT_PROGRESS, "max"),
        "progress_text": Output(ids.EXPORT_PROGRESS_TEXT, "children"),
        "text_hidden": Output(ids.EXPORT_PROGRESS_TEXT, "hidden"),
        "status": Output(ids.EXPORT_STATUS, "children"),
        "download": Output(ids.EXPORT_DOWNLOAD, "data"),
    },
    inputs={
        "request": Input(ids.EXPORT_REQUEST, "data"),
        "tick": Input(ids.EXPORT_POLL, "n_intervals"),
        "job": State(ids.EXPORT_JOB, "data"),
        "context": State(ids.EXPORT_CONTEXT, "data"),
    },
    prevent_initial_call=True,
)
def follow_export(request, tick, job, context):
    """Queue the requested file (or cancel it), then report its progress and send it when ready."""
    lang = resolve_lang((context or {}).get("lang") if isinstance(context, dict) else None)[0]
    job_id = job.get("id") if isinstance(job, dict) else None
    if dash.ctx.triggered_id == ids.EXPORT_REQUEST:
        if isinstance(request, dict) and request.get("cancel"):
            if job_id:
                export_queue.cancel(job_id)
            return _view(None, running=False, status=t("export.cancelled", lang))
        try:
            kind, fmt, lang, query, city = request_params(request)
        except ValueError as err:
            log.warning("export request refused: %s", err)
            return _view(
                None, running=False, status=t("export.failed", lang, reason=t("export.bad_request", lang))
            )
        wanted = export_queue.ExportRequest(kind, fmt, lang, tuple(sorted(query.items())), city)
        try:
            queued = export_queue.submit(
                wanted, flask.request.remote_addr or "unknown", data_access.get_data().build_id, CODE_VERSION
            )
        except export_queue.Busy as busy:
            return _view(None, running=False, status=t("export.busy", lang, seconds=busy.retry_after))
        job_id, lang = queued.job_id, lang
    current = export_queue.load_job(job_id) if job_id else None
    if current is None:
        raise PreventUpdate
    state = {"id": current.job_id, "lang": lang}
    if current.status == "done":
        try:
            content = Path(current.path).read_bytes()
        except OSError:
            return _view(None, running=False, status=t("export.failed", lang, reason=t("export.gone", lang)))
        return _view(
            None,
            running=False,
            status=t("export.done", lang, name=current.name),
            download=dcc.send_bytes(content, current.name, type=current.mime),
        )
    if current.status == "failed":
        return _view(None, running=False, status=t("export.failed", lang, reason=current.error))
    if current.status == "cancelled":
        return _view(None, running=False, status=t("export.cancelled", lang))
    message = current.message or t(
        "export.queued" if current.status == "queued" else "export.preparing", lang
    )
    return _view(state, running=True, done=current.done, total=current.total, message=message)
