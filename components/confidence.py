"""How sure a city's score is, beside the score: the label as a badge, the rank range and the
inputs by scope (words from `domain/confidence_words.py`, thresholds in `domain/confidence.py`)."""

from __future__ import annotations

from dash import html

from domain.confidence_words import level_text, method_text, rank_range_text, scope_text


def confidence_block(row, lang: str, compact: bool = False) -> html.Div:
    """The label as a badge, then the rank range and the inputs by scope, beside a score."""
    level = row.get("confidence")
    if not isinstance(level, str):
        return html.Div()
    return html.Div(
        [
            html.Span(level_text(row, lang), className=f"conf-badge conf-{level}", title=method_text(lang)),
            html.Span(rank_range_text(row, lang), className="conf-rank"),
            html.Span(scope_text(row, lang), className="conf-scope"),
        ],
        className="confidence" + (" compact" if compact else ""),
    )
