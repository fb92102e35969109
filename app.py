"""Coalition of Sustainable Cities of Central Asia: climate and disaster risk dashboard.

`app:server` is the WSGI entry for gunicorn. Pages register themselves from `pages/`; the shell
(header, navigation, language switch, footer) is built from `dash.page_registry`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import dash
import dash_ag_grid
import dash_mantine_components
from dash import ClientsideFunction, Input, Output, State, callback, dcc, html

import ids
from components import shell
from components.charts import preload_figure_code
from components.page import ROUTING_STATE
from i18n import parse_query, resolve_lang, t
from services import background
from services.api import init_app as init_api
from services.auth import init_app as init_auth
from services.callback_cache import init_app as init_callback_cache
from services.compression import enable_compression
from services.config import settings
from services.data_access import cache, cache_config, get_data
from services.deferred_dash import SCRIPT as DEFERRED_JS
from services.first_view import install as install_first_view
from services.lazy_libraries import defer_libraries, script_block
from services.ops import init_app as init_ops
from services.request_guard import init_app as init_request_guard
from services.routes import register_routes, serve_plotly_bundle
from services.security import init_app as init_security
from services.static_page import SCRIPT as SCRIPT_FREE_JS
from services.warmup import warm_worker

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

PLOTLY_BUNDLE = "plotly-partial.min.js"
app = dash.Dash(
    # named, not __name__: an export worker spawned by `make run` (python app.py) runs this file
    # again as "__mp_main__", under which Dash cannot find its pages
    "app",
    use_pages=True,
    serve_locally=True,
    title="Коалиция устойчивых городов Центральной Азии",
    update_title=None,
    assets_ignore="|".join(name.replace(".", r"\.") for name in (PLOTLY_BUNDLE, SCRIPT_FREE_JS, DEFERRED_JS)),
    suppress_callback_exceptions=True,
    routing_callback_inputs={ROUTING_STATE: State(ids.LANG_STORE, "data")},
    background_callback_manager=background.manager(),  # the administrators' publishing job
    meta_tags=[
        {"name": "viewport", "content": "width=device-width, initial-scale=1"},
        {"name": "description", "content": "Climate and disaster risk of the coalition's cities"},
    ],
)
server = app.server
# A partial plotly.js bundle (only the traces the app draws, with the Russian locale; built by
# scripts/build_plotly_bundle.sh) is served where dcc.Graph fetches Dash's full 4.6 MB one.
serve_plotly_bundle(server, Path(__file__).parent / "assets" / PLOTLY_BUNDLE)
# AG Grid and Mantine load only on the pages that show one of their components. Leaflet stays in
# every page: its layers control finds its layers by their component type, which a stand-in hides.
LAZY_LIBRARIES = defer_libraries([dash_ag_grid, dash_mantine_components], app.config.requests_pathname_prefix)
# Dash's default page wraps its scripts in a second <footer> (a duplicate landmark) and has no
# <html lang>; this one starts in Russian and the shell switches the attribute with the language.
app.index_string = """<!DOCTYPE html>
<html lang="ru">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            LAZY_LIBRARIES
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>""".replace("LAZY_LIBRARIES", script_block(LAZY_LIBRARIES))
server.config["SECRET_KEY"] = settings.secret_key
server.config.update(cache_config())
enable_compression(server, cache)  # scripts: brotli made once, shared through the cache
cache.init_app(server)
register_routes(server)
init_auth(server)  # sessions, sign-in, rate limit, database (action plans)
init_api(server)  # /api/v1/ open-data API and data packages (services/api.py; shares auth's rate limiter)
init_security(app)  # CSP with Dash's inline-script hashes, security headers, cross-site write checks
init_request_guard(app)  # 4xx with a clear message for oversized or malformed requests, 404 for unknown pages
init_ops(server)  # GET /healthz for the load balancer (services/ops.py)
init_callback_cache(app)  # answers of callbacks declared public, from the cache (services/callback_cache.py)


def serve_layout() -> html.Div:
    """The shell around `dash.page_container`; its texts are filled by `render_shell`. Pages with
    Mantine controls wrap themselves in its provider (the library loads only there)."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Location(id=ids.REDIRECT, refresh="callback-nav"),
            dcc.Store(id=ids.LANG_STORE, storage_type="local"),
            html.A(id="skip-link", href="#main", className="skip-link", children="Перейти к содержанию"),
            html.Header(id=ids.HEADER, className="site-header"),
            html.Main(dash.page_container, id="main", className="site-main", tabIndex="-1"),
            html.Footer(id=ids.FOOTER, className="site-footer"),
            html.Div(id=ids.HTML_LANG, hidden=True),
        ],
        className="app-root",
    )


app.layout = serve_layout


@callback(
    Output(ids.HEADER, "children"),
    Output(ids.FOOTER, "children"),
    Output("skip-link", "children"),
    Input(ids.URL, "pathname"),
    Input(ids.URL, "search"),
    State(ids.LANG_STORE, "data"),
)
def render_shell(pathname: str | None, search: str | None, stored: str | None):
    """Header and footer in the language of the URL (or the remembered one)."""
    query = parse_query(search)
    lang, _ = resolve_lang(query.get("lang", stored))
    try:
        manifest = get_data().manifest
    except Exception:  # noqa: BLE001 - the footer says the data is missing instead of failing
        manifest = None
    return (shell.header(lang, pathname or "/", query), shell.footer(lang, manifest), t("shell.skip", lang))


def shell_parts(pathname: str, search: str) -> dict:
    """What `render_shell` puts into the shell, by id: for the server-rendered first view."""
    header, footer, skip = render_shell(pathname, search, None)
    return {ids.HEADER: header, ids.FOOTER: footer, "skip-link": skip}


install_first_view(app, shell_parts)  # public pages arrive as HTML, readable before any script runs

app.clientside_callback(
    ClientsideFunction(namespace="ccca", function_name="syncLanguage"),
    Output(ids.LANG_STORE, "data"),
    Output(ids.REDIRECT, "href"),
    Input(ids.URL, "search"),
    State(ids.URL, "pathname"),
    State(ids.LANG_STORE, "data"),
)

warm_worker(
    preload_figure_code
)  # the build's tables and plotly's code load now, not in a visitor's first request

if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=os.environ.get("DASH_DEBUG", "0") == "1",
    )
