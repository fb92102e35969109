"""Small labels that say how far to trust a value: status badge and source link."""

from __future__ import annotations

import re

from dash import html

from i18n import t


def status_badge(status: str, lang: str, national: bool = False, scope: str | None = None) -> html.Span:
    """A coloured, worded badge for sourced / estimated / illustrative (never colour alone), with a
    second badge when the value is not the city's own: national (`scope` country) or regional."""
    children = [
        html.Span(
            t(f"status.{status}", lang),
            className=f"badge badge-{status}",
            title=t(f"status.{status}.help", lang),
        )
    ]
    stand_in = "national" if national or scope == "country" else "region" if scope == "region" else None
    if stand_in and status != stand_in:
        children.append(
            html.Span(
                t(f"status.{stand_in}", lang),
                className=f"badge badge-{stand_in}",
                title=t(f"status.{stand_in}.help", lang),
            )
        )
    return html.Span(children, className="badges")


def source_link(source_id: str, sources: dict[str, dict], lang: str) -> html.Span:
    """The source's short title, linked to its address when it has one."""
    src = sources.get(source_id)
    if not src:
        return html.Span(source_id, className="source")
    title = str(src.get("publisher") or src.get("title") or source_id)
    year = src.get("year")
    label = f"{title}, {int(year)}" if isinstance(year, (int, float)) and year == year else title
    url = src.get("url")
    # A source keeps its own name: say when it is not Russian, for screen readers and checks.
    own = {} if re.search("[А-Яа-яЁё]", label) else {"lang": "en"}
    if isinstance(url, str) and url.startswith("http"):
        return html.Span(
            html.A(
                label, href=url, target="_blank", rel="noopener noreferrer", title=str(src.get("title", ""))
            ),
            className="source",
            **own,
        )
    return html.Span(label, className="source", title=str(src.get("title", "")), **own)
