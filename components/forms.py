"""The one shape of a form field on the editing pages: a label above its control, and (when asked)
a slot under it where the field's own error message appears."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component


def labelled_field(
    label: str, input_id: str, control: Component, error_id: str | None = None, class_name: str = ""
) -> html.Div:
    """`control` (whose id is `input_id`) under its label; an empty live region `error_id` below it."""
    children: list[Component] = [html.Label(label, htmlFor=input_id, className="control-label"), control]
    if error_id:
        children.append(html.Div(id=error_id, className="field-error", **{"aria-live": "polite"}))
    return html.Div(children, className=f"control {class_name}".strip())


def submit_row(label: str, button_id: str | dict, message_id: str | dict) -> list[html.Div]:
    """A form's primary button and, under it, the live region where its outcome is said."""
    return [
        html.Div(
            html.Button(label, id=button_id, className="button button-primary", n_clicks=0),
            className="admin-buttons",
        ),
        html.Div(id=message_id, **{"aria-live": "polite"}),
    ]
