"""The sign-out form shown on the sign-in page and in the admin header (the page passes its form token)."""

from __future__ import annotations

from dash import dcc, html

from i18n import t


def logout_form(lang: str, token_field: str, token: str) -> html.Form:
    """A POST to /auth/logout carrying the form token; the language comes back after signing out."""
    return html.Form(
        [
            dcc.Input(type="hidden", name="lang", value=lang),
            dcc.Input(type="hidden", name=token_field, value=token),
            html.Button(t("auth.sign_out", lang), type="submit", className="button", id="logout-button"),
        ],
        method="POST",
        action="/auth/logout",
        className="logout-form",
    )
