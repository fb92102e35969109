"""Glossary `/glossary`: the terms the dashboard uses, in Russian and English.

The terms are a plain data file (`i18n/glossary.csv`: term_id, group, term_ru, term_en,
definition_ru, definition_en, source), read as it is; Russian wording follows UNDRR's Sendai
Framework and MCR2030 terminology. Every term has an anchor (`#term-<term_id>`), so pages link
to it where the term appears.
"""

from __future__ import annotations

import dash
from dash import html

from components.explain import glossary_entries
from components.page import page_context, page_header, page_title
from i18n import t

dash.register_page(
    __name__,
    path="/glossary",
    order=95,
    nav_key="nav.glossary",
    title=page_title("title.glossary"),
    name="glossary",
    public_answer=True,
    script_free=True,  # text, links and tables only: sent without Dash's scripts (services/static_page.py)
)

GROUPS = ("index", "data", "climate", "frameworks")


def term_entry(entry: dict, lang: str) -> list:
    other = "en" if lang == "ru" else "ru"
    source = entry.get("source") or ""
    return [
        html.Dt(
            [
                entry[f"term_{lang}"],
                " ",
                html.Span(f"({entry[f'term_{other}']})", className="glossary-other", lang=other),
            ],
            id=f"term-{entry['term_id']}",
        ),
        html.Dd(
            [
                html.P(entry[f"definition_{lang}"]),
                html.P(t("glossary.source", lang, source=source), className="glossary-source")
                if source
                else None,
            ]
        ),
    ]


def layout(**kwargs):
    ctx = page_context(kwargs)
    lang = ctx.lang
    entries = glossary_entries()
    sections = []
    for group in GROUPS:
        items = sorted((e for e in entries if e["group"] == group), key=lambda e: e[f"term_{lang}"].lower())
        if not items:
            continue
        sections.append(
            html.Section(
                [
                    html.H2(t(f"glossary.group.{group}", lang), id=f"group-{group}"),
                    html.Dl([part for e in items for part in term_entry(e, lang)], className="glossary-list"),
                ],
                className="panel",
                **{"aria-labelledby": f"group-{group}"},
            )
        )
    contents = html.Nav(
        html.Ul(
            [html.Li(html.A(t(f"glossary.group.{g}", lang), href=f"#group-{g}")) for g in GROUPS],
            className="glossary-groups",
        ),
        **{"aria-label": t("glossary.contents", lang)},
    )
    return html.Div(
        [*page_header("title.glossary", "glossary.intro", ctx), contents, *sections],
        className="page page-glossary",
    )
