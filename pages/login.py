"""Sign-in `/login` for city focal points and administrators.

A plain HTML form posted to `/auth/login` (services/auth.py): no Dash callback ever receives the
password, and the rate limit applies to the sign-in request itself.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from components.auth_forms import logout_form
from components.page import page_context, page_header, page_title
from components.shell import link_with
from i18n import t
from services import auth

dash.register_page(
    __name__,
    path="/login",
    title=page_title("title.login"),
    name="login",
    script_free=True,  # a plain HTML form: sent without Dash, rendered per visitor (services/first_view.py)
)

ERRORS = ("bad", "origin", "expired", "unavailable")


def layout(**kwargs):
    ctx = page_context(kwargs, allowed=("error", "signed_out"))
    lang, query = ctx.lang, ctx.query
    messages = []
    error = query.get("error")
    if error in ERRORS:
        messages.append(
            html.P(t(f"auth.error.{error}", lang), className="form-error", role="alert", id="login-error")
        )
    elif error:
        ctx.notices.append(t("notice.unknown_params", lang, names="error"))
    account = auth.current_user()
    if auth.database_unavailable() and error != "unavailable":
        messages.append(
            html.P(t("auth.error.unavailable", lang), className="form-error", role="alert", id="login-error")
        )
    if query.get("signed_out"):
        messages.append(
            html.P(t("auth.signed_out", lang), className="form-ok", role="status", id="login-signed-out")
        )
    if account is not None:
        body = [
            html.P(t("auth.signed_in_as", lang, user=account.username), id="login-current"),
            dcc.Link(t("auth.to_admin", lang), href=link_with("/admin", {"lang": lang}), className="button"),
            logout_form(lang, auth.CSRF_FIELD, auth.csrf_token()),
        ]
    else:
        body = [
            html.Form(
                [
                    dcc.Input(type="hidden", name="lang", value=lang),
                    dcc.Input(type="hidden", name=auth.CSRF_FIELD, value=auth.csrf_token()),
                    html.Label(t("auth.username", lang), htmlFor="login-username", className="control-label"),
                    dcc.Input(
                        id="login-username",
                        name="username",
                        type="text",
                        autoComplete="username",
                        required=True,
                        maxLength=64,
                        className="text-input",
                    ),
                    html.Label(t("auth.password", lang), htmlFor="login-password", className="control-label"),
                    dcc.Input(
                        id="login-password",
                        name="password",
                        type="password",
                        autoComplete="current-password",
                        required=True,
                        maxLength=256,
                        className="text-input",
                    ),
                    html.Button(
                        t("auth.sign_in", lang),
                        type="submit",
                        id="login-submit",
                        className="button button-primary",
                    ),
                ],
                method="POST",
                action="/auth/login",
                className="login-form",
                id="login-form",
            )
        ]
    return html.Div(
        [
            *page_header("title.login", "auth.intro", ctx),
            html.Section(
                [*messages, *body, html.P(t("auth.help", lang), className="note")],
                className="panel login-panel",
            ),
        ],
        className="page page-login",
    )
