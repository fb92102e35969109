"""Resilience scorecard `/scorecard`: the cities' MCR2030 self-assessments (preliminary level).

Shows who has assessed, all cities side by side per essential (heatmap, "not assessed" cells grey
and labelled), and per chosen city its ten essentials, weakest questions, change between rounds
and low-scoring essentials without an action in its plan. Choices in the address: `cities`, `lang`.
Scores come from the source tables (scorecard_rounds, scorecard_scores); see domain/scorecard.py.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

import ids
from components.badges import source_link, status_badge
from components.charts import graph_config
from components.city_links import cities_page
from components.page import page_context, page_title
from components.resilience_charts import essentials_bar, essentials_heatmap
from components.tables import simple_table
from domain import scorecard as sc
from domain.queries import city_names
from i18n import format_day, format_number, t, tn
from services import data_access

dash.register_page(
    __name__,
    path="/scorecard",
    order=62,
    nav_key="nav.scorecard",
    title=page_title("title.scorecard"),
    name="scorecard",
    public_answer=True,
)

PARAMS = ("cities",)


def _sources(data) -> dict:
    return data["sources"].set_index("source_id").to_dict("index")


def status_table(
    city_ids: list[str], names: dict, rounds: pd.DataFrame, states: dict, sources: dict, lang: str
) -> html.Section:
    rows = []
    for city in city_ids:
        mine = rounds[rounds["city_id"] == city].sort_values("date")
        last = mine.iloc[-1] if len(mine) else None
        rows.append(
            [
                dcc.Link(names[city], href=f"/city/{city}?lang={lang}"),
                html.Span(
                    t(f"scorecard.state.{states[city]}", lang), className=f"sc-state sc-{states[city]}"
                ),
                format_day(last["date"], lang) if last is not None else "—",
                html.Span(
                    [
                        status_badge(last["data_status"], lang),
                        " ",
                        source_link(last["source_id"], sources, lang),
                    ]
                )
                if last is not None
                else "—",
            ]
        )
    headers = [t(f"scorecard.col.{k}", lang) for k in ("city", "state", "round", "source")]
    return html.Section(
        [
            html.H2(t("scorecard.status_heading", lang)),
            simple_table(headers, rows, t("scorecard.status_heading", lang)),
        ],
        className="panel",
        id=ids.SCORECARD_STATUS,
    )


def heatmap_section(matrix: pd.DataFrame, names: dict, lang: str) -> html.Section:
    body: list = [
        html.H2(t("scorecard.heatmap_heading", lang)),
        html.P(t("scorecard.heatmap_help", lang), className="note"),
    ]
    if matrix.dropna(how="all").empty:
        body.append(html.P(t("scorecard.heatmap_none", lang), className="sc-none"))
        return html.Section(body, className="panel", id=ids.SCORECARD_HEATMAP)
    body.append(
        dcc.Graph(
            figure=essentials_heatmap(matrix, names, lang), config=graph_config(lang), className="sc-heatmap"
        )
    )
    body.append(
        html.P(
            [html.Span(className="swatch sc-swatch"), t("scorecard.not_assessed_key", lang)],
            className="note sc-legend",
        )
    )
    body.append(
        html.Ol(
            [html.Li(t(f"scorecard.essential.{e}", lang).split(". ", 1)[-1]) for e in sc.ESSENTIALS],
            className="sc-key",
            **{"aria-label": t("scorecard.col.essential", lang)},
        )
    )
    return html.Section(body, className="panel", id=ids.SCORECARD_HEATMAP)


def weakest_table(weak: pd.DataFrame, lang: str) -> html.Div:
    rows = [
        [
            f"{r.undrr_ref} {getattr(r, f'title_{lang}')}",
            t(f"scorecard.essential.{r.essential}", lang),
            str(int(r.score)),
            r.comment if isinstance(r.comment, str) else "—",
            html.A(
                t("scorecard.evidence_link", lang),
                href=r.evidence_url,
                target="_blank",
                rel="noopener noreferrer",
            )
            if isinstance(r.evidence_url, str)
            else "—",
        ]
        for r in weak.itertuples()
    ]
    headers = [
        t(f"scorecard.col.{k}", lang) for k in ("question", "essential", "score", "comment", "evidence")
    ]
    return simple_table(headers, rows, t("scorecard.weakest_heading", lang))


def change_block(change: pd.DataFrame, lang: str) -> list:
    if change.empty:
        return [html.P(t("scorecard.change_none", lang), className="muted")]
    rows = [
        [
            t(f"scorecard.essential.{r.essential}", lang),
            format_number(r.before, lang),
            format_number(r.after, lang),
            ("+" if (r.change or 0) > 0 else "") + format_number(r.change, lang),
        ]
        for r in change.itertuples()
    ]
    headers = [t(f"scorecard.col.{k}", lang) for k in ("essential", "before", "after", "change")]
    return [simple_table(headers, rows, t("scorecard.change_heading", lang))]


def gaps_block(city: str, matrix: pd.DataFrame, actions: pd.DataFrame, lang: str) -> list:
    gaps = sc.gaps_without_plan(city, matrix, actions)
    out: list = [
        html.P(t("scorecard.gaps_help", lang, low=format_number(sc.LOW_SCORE, lang)), className="note")
    ]
    if sc.plan_is_demonstration(city, actions):
        out.append(
            html.P(
                [status_badge("illustrative", lang), " ", t("scorecard.gaps_demo", lang)], className="note"
            )
        )
    if not gaps:
        out.append(html.P(t("scorecard.gaps_none", lang)))
    else:
        out.append(
            html.Ul(
                [
                    html.Li(
                        f"{t(f'scorecard.essential.{g.essential}', lang)}: {format_number(g.score, lang)}"
                    )
                    for g in gaps
                ],
                className="sc-gaps",
            )
        )
    return out


def city_section(
    city: str, name: str, state: str, data, matrix: pd.DataFrame, actions: pd.DataFrame, lang: str
) -> html.Section:
    rounds, scores, questions = (
        data["scorecard_rounds"],
        data["scorecard_scores"],
        data["scorecard_questions"],
    )
    head = html.H2(t("scorecard.city_heading", lang, city=name))
    section_id = f"{ids.SCORECARD_CITY}-{city}"
    if state != sc.ASSESSED:
        body: list = [
            head,
            html.P(t("scorecard.not_assessed_text", lang, city=name), className="sc-not-assessed"),
        ]
        held = rounds[rounds["city_id"] == city].sort_values("date")
        for r in held.itertuples():
            body.append(
                html.P(
                    t(
                        "scorecard.held_text",
                        lang,
                        date=format_day(r.date, lang),
                        participants=getattr(r, f"participants_{lang}"),
                    )
                )
            )
        return html.Section(body, className="panel sc-city", id=section_id, **{"data-state": state})
    round_id = sc.latest_round_ids(rounds)[city]
    this = rounds.set_index("round_id").loc[round_id]
    demo = [status_badge(this["data_status"], lang)] if this["data_status"] != "sourced" else []
    return html.Section(
        [
            head,
            html.P(
                [
                    *demo,
                    " ",
                    t(
                        "scorecard.bar_help",
                        lang,
                        date=format_day(this["date"], lang),
                        participants=this[f"participants_{lang}"],
                    ),
                ],
                className="note",
            ),
            dcc.Graph(figure=essentials_bar(matrix.loc[city], lang), config=graph_config(lang)),
            html.H3(t("scorecard.weakest_heading", lang)),
            weakest_table(sc.weakest_questions(scores, questions, round_id), lang),
            html.H3(t("scorecard.change_heading", lang)),
            *change_block(sc.round_change(city, rounds, scores, questions), lang),
            html.H3(t("scorecard.gaps_heading", lang)),
            *gaps_block(city, matrix, actions, lang),
        ],
        className="panel sc-city",
        id=section_id,
        **{"data-state": state},
    )


def catalogue_section(questions: pd.DataFrame, lang: str) -> html.Section:
    ordered = sc.question_order(questions)
    rows = [
        [r.undrr_ref, getattr(r, f"title_{lang}"), getattr(r, f"guidance_{lang}")]
        for r in ordered.itertuples()
    ]
    headers = [t(f"scorecard.col.{k}", lang) for k in ("code", "question", "guidance")]
    return html.Section(
        html.Details(
            [
                html.Summary(
                    html.H2(
                        t(
                            "scorecard.catalogue_heading",
                            lang,
                            count=tn("scorecard.questions", len(ordered), lang),
                        ),
                        className="details-heading",
                    )
                ),
                html.P(t("scorecard.catalogue_help", lang), className="note"),
                simple_table(headers, rows, t("scorecard.catalogue_heading", lang)),
            ]
        ),
        className="panel",
        id=ids.SCORECARD_CATALOGUE,
    )


def scorecard_view(data, actions: pd.DataFrame, chosen: list[str], names: dict, lang: str) -> list:
    """The page's sections for the chosen cities, from a build and the plans' current actions."""
    rounds, scores, questions = (
        data["scorecard_rounds"],
        data["scorecard_scores"],
        data["scorecard_questions"],
    )
    states = sc.assessment_state(chosen, rounds)
    matrix = sc.essential_matrix(chosen, rounds, scores, questions)
    return [
        status_table(chosen, names, rounds, states, _sources(data), lang),
        heatmap_section(matrix, names, lang),
        *[city_section(c, names[c], states[c], data, matrix, actions, lang) for c in chosen],
        catalogue_section(questions, lang),
    ]


def layout(**kwargs):
    ctx = page_context(kwargs, PARAMS)
    lang = ctx.lang
    data = data_access.get_data()
    names = city_names(data, lang)
    return cities_page(
        "scorecard",
        ctx,
        names,
        lambda chosen: scorecard_view(data, data_access.actions_current(), chosen, names, lang),
    )
