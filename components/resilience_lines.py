"""The overview's two lines on the MCR2030 scorecard and the Sendai losses, each linking its page."""

from __future__ import annotations

from dash import dcc, html

from components.shell import link_with
from domain import losses as ls
from domain import scorecard as sc
from i18n import format_number, t, tn


def scorecard_line(data, lang: str) -> str:
    """'0 of 5 cities assessed' or 'N of M cities assessed; weakest essential: ...' (plural forms)."""
    city_ids = list(data["cities"]["city_id"])
    matrix = sc.essential_matrix(
        city_ids, data["scorecard_rounds"], data["scorecard_scores"], data["scorecard_questions"]
    )
    summary = sc.summary(matrix)
    if summary.assessed == 0:
        return t("scorecard.overview.none", lang, cities=tn("scorecard.cities", summary.cities, lang))
    essential = f"{t(f'scorecard.essential.{summary.weakest_essential}', lang)} ({format_number(summary.weakest_score, lang)})"
    return tn("scorecard.overview.some", summary.assessed, lang, total=summary.cities, essential=essential)


def losses_line(data, records, lang: str) -> str:
    """How many loss figures are the cities' own, in how many cities, and how many are kept apart
    (`records`: the build's loss records, `domain.losses.loss_records`)."""
    summary = ls.summary(records, list(data["cities"]["city_id"]))
    return tn(
        "losses.overview",
        summary.figures,
        lang,
        cities=tn("scorecard.cities", summary.cities_with_figures, lang),
        withheld=summary.withheld,
    )


def overview_lines(data, loss_records, lang: str) -> html.Section:
    """Both lines, each with a link to its page (language kept)."""
    query = {"lang": lang}
    return html.Section(
        [
            html.H2(t("scorecard.overview.heading", lang)),
            html.P(
                [
                    scorecard_line(data, lang),
                    " ",
                    dcc.Link(t("scorecard.open", lang), href=link_with("/scorecard", query)),
                ],
                id="overview-scorecard",
            ),
            html.P(
                [
                    losses_line(data, loss_records, lang),
                    " ",
                    dcc.Link(t("losses.open", lang), href=link_with("/losses", query)),
                ],
                id="overview-losses",
            ),
        ],
        className="panel",
        id="overview-resilience",
    )
