"""The app shell: header with navigation and language switch, notices, footer."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from i18n import LANGUAGES, format_day, t


def link_with(path: str, query: dict[str, str], **changes: str) -> str:
    """`path` with the query string updated by `changes` (other choices kept, so views stay shareable)."""
    merged = {**query, **changes}
    merged = {k: v for k, v in merged.items() if v not in (None, "")}
    return f"{path}?{urlencode(merged)}" if merged else path


def nav_pages() -> list[dict]:
    """Registered pages shown in the navigation, in their declared order."""
    pages = [p for p in dash.page_registry.values() if p.get("nav_key")]
    return sorted(pages, key=lambda p: p.get("order") or 0)


def header(lang: str, pathname: str, query: dict[str, str]) -> list:
    """Header content: coalition name, navigation to every registered page, language switch."""
    keep = {"lang": lang}
    links = []
    for page in nav_pages():
        active = page["path"] == pathname
        label = [t(page["nav_key"], lang)]
        if active:  # dcc.Link takes no aria-current: say it in words for screen readers
            label.append(html.Span(f" ({t('shell.current_page', lang)})", className="visually-hidden"))
        links.append(
            dcc.Link(
                label,
                href=link_with(page["path"], keep),
                className="nav-link" + (" active" if active else ""),
            )
        )
    switch = []
    for code in LANGUAGES:
        label = code.upper()
        if code == lang:
            switch.append(html.Span(label, className="lang-current", **{"aria-current": "true"}))
        else:
            switch.append(
                dcc.Link(
                    label,
                    href=link_with(pathname or "/", query, lang=code),
                    className="lang-link",
                    title=t("shell.switch_to", code),
                )
            )
    return [
        html.Div(
            [
                dcc.Link(
                    [
                        html.Span("◆", className="brand-mark", **{"aria-hidden": "true"}),
                        html.Span(t("app.name", lang), className="brand-name"),
                    ],
                    href=link_with("/", keep),
                    className="brand",
                ),
                html.Div(
                    [
                        html.Div(
                            switch,
                            className="lang-switch",
                            role="group",
                            **{"aria-label": t("shell.language", lang)},
                        ),
                        # Phones only (assets/style.css): opens and closes the navigation (assets/shell.js).
                        html.Button(
                            [
                                html.Span("☰", className="menu-icon", **{"aria-hidden": "true"}),
                                html.Span(t("shell.menu", lang), className="menu-label"),
                            ],
                            className="menu-button",
                            type="button",
                            id="menu-button",
                            **{"aria-expanded": "false", "aria-controls": "main-nav"},
                        ),
                    ],
                    className="header-tools",
                ),
            ],
            className="header-top",
        ),
        html.Nav(links, className="main-nav", id="main-nav", **{"aria-label": t("shell.navigation", lang)}),
    ]


def footer(lang: str, manifest: dict | None) -> list:
    """Footer: data version (build id and date) and a link to the sources."""
    if manifest:
        built = format_day(manifest.get("built_at", "")[:10], lang, "medium")
        version = t("shell.data_version", lang, build=manifest["build_id"][:8], date=built)
    else:
        version = t("shell.no_data", lang)
    return [
        html.Span(version, className="data-version"),
        dcc.Link(t("shell.sources_link", lang), href=link_with("/data", {"lang": lang}, tab="sources")),
        html.Span(t("shell.licence", lang), className="footer-licence"),
    ]
