"""Notices about degraded operation (services/data_access.py, services/auth.py), in the page's language."""

from __future__ import annotations

from dash import html

from i18n import t


def updates_unavailable(lang: str, element_id: str = "updates-unavailable") -> html.Div:
    """'Recent updates are unavailable, the baseline plans are shown' (the editing database is down)."""
    return html.Div(
        html.P(t("ops.updates_unavailable", lang)),
        className="notice notice-degraded",
        role="status",
        id=element_id,
    )


def save_unavailable(lang: str) -> html.Div:
    """'Could not save, nothing was written' (the database failed during a save)."""
    return html.Div(
        html.P(t("ops.save_unavailable", lang)),
        className="notice form-error",
        role="alert",
        id="admin-unavailable",
    )
