"""Choosing cities with plain links that keep the choice in the address (`?cities=a,b`)."""

from __future__ import annotations

from collections.abc import Callable

from dash import html

from components.page import PageContext, page_header
from components.shell import link_with
from i18n import t


def parse_cities(value: str | None, known: list[str]) -> tuple[list[str], list[str]]:
    """(chosen known city ids in data order, unknown ids asked for); no value means every city."""
    if not value:
        return list(known), []
    asked = [c.strip() for c in str(value).split(",") if c.strip()]
    unknown = [c[:40] for c in asked if c not in known]
    chosen = [c for c in known if c in asked]
    return (chosen or list(known)), unknown


def chosen_cities(query: dict[str, str], names: dict[str, str], notices: list[str], lang: str) -> list[str]:
    """The cities `?cities=` asks for (all when none); unknown ones become a notice on the page."""
    chosen, unknown = parse_cities(query.get("cities"), list(names))
    if unknown:
        notices.append(t("scorecard.unknown_city", lang, value=", ".join(unknown[:5])))
    return chosen


def city_choice(
    path: str,
    query: dict[str, str],
    chosen: list[str],
    names: dict[str, str],
    lang: str,
    label_key: str,
    all_key: str,
) -> html.Nav:
    """One link per city that adds or removes it from the choice, and one for all cities."""
    links = [
        html.Li(
            html.A(
                t(all_key, lang),
                href=link_with(path, query, cities=""),
                className="chip" + (" chip-on" if len(chosen) == len(names) else ""),
            )
        )
    ]
    for city_id, name in names.items():
        on = city_id in chosen and len(chosen) < len(names)
        rest = (
            [c for c in chosen if c != city_id] if on else [c for c in names if c in chosen or c == city_id]
        )
        if len(chosen) == len(names):
            rest = [city_id]
        links.append(
            html.Li(
                html.A(
                    name,
                    href=link_with(path, query, cities=",".join(rest)),
                    className="chip" + (" chip-on" if on else ""),
                    **({"aria-current": "true"} if on else {}),
                )
            )
        )
    return html.Nav(
        [html.Span(t(label_key, lang), className="choice-label"), html.Ul(links, className="chip-list")],
        className="city-choice",
        **{"aria-label": t(label_key, lang)},
    )


def cities_page(
    page: str, ctx: PageContext, names: dict[str, str], view: Callable[[list[str]], list]
) -> html.Div:
    """A page about the cities chosen with ``?cities=`` (/losses, /scorecard): its header, one link per
    city, then ``view`` of the chosen cities; the keys ``title.<page>``, ``<page>.intro``,
    ``<page>.choose`` and ``<page>.all`` name it."""
    chosen = chosen_cities(ctx.query, names, ctx.notices, ctx.lang)
    return html.Div(
        [
            *page_header(f"title.{page}", f"{page}.intro", ctx),
            city_choice(f"/{page}", ctx.query, chosen, names, ctx.lang, f"{page}.choose", f"{page}.all"),
            *view(chosen),
        ],
        className=f"page page-{page}",
    )
