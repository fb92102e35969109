"""Unknown paths: a clear message in the current language with a way back, never a blank page."""

from __future__ import annotations

import dash
from dash import dcc, html

from components.page import page_context, page_title
from components.shell import link_with, nav_pages
from i18n import t

dash.register_page(
    __name__,
    path="/404",
    title=page_title("title.not_found"),
    name="not_found",
    public_answer=True,
    script_free=True,  # text and links only: sent as finished HTML without Dash (services/static_page.py)
)


def layout(**kwargs):
    ctx = page_context(kwargs)
    lang = ctx.lang
    return html.Div(
        [
            *[
                html.Div([html.P(n) for n in ctx.notices], className="notice", role="status")
                for _ in ctx.notices[:1]
            ],
            html.H1(t("title.not_found", lang), id="page-title"),
            html.P(t("notfound.text", lang)),
            html.Ul(
                [
                    html.Li(dcc.Link(t(p["nav_key"], lang), href=link_with(p["path"], {"lang": lang})))
                    for p in nav_pages()
                ],
                className="link-list",
            ),
        ],
        className="page page-404",
    )
