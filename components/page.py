"""What every page layout shares: language from the URL, bad-input notices, title and intro."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

import dash_mantine_components as dmc
import flask
from dash import html

from domain import page_state
from i18n import DEFAULT_LANG, parse_query, resolve_lang, t

ROUTING_STATE = "stored_lang"  # the remembered language, passed to layouts by Dash's router


@dataclass
class PageContext:
    """Language and the notices to show about parameters that were not understood."""

    lang: str
    query: dict[str, str]
    notices: list[str] = field(default_factory=list)


def page_context(kwargs: dict, allowed: tuple[str, ...] = ()) -> PageContext:
    """Read `lang` and the page's own parameters; unknown ones become notices, never errors."""
    stored = kwargs.pop(ROUTING_STATE, None)
    requested = kwargs.get("lang")
    lang, valid = resolve_lang(requested if requested is not None else stored)
    notices: list[str] = []
    if not valid:
        notices.append(t("notice.bad_lang", lang, value=str(requested)[:40]))
    query = {k: text for k, v in kwargs.items() if (text := page_state.query_text(v)) is not None}
    unknown = sorted(k for k in query if k not in allowed and k != "lang")
    if unknown:
        notices.append(t("notice.unknown_params", lang, names=", ".join(u[:30] for u in unknown[:5])))
    return PageContext(lang, {k: v for k, v in query.items() if k in allowed or k == "lang"}, notices)


def _lang_of_request() -> str:
    """The language a request asks for: `?lang=` on a page load, or the URL in a Dash callback."""
    if not flask.has_request_context():
        return DEFAULT_LANG
    req = flask.request
    if "lang" in req.args:
        return resolve_lang(req.args.get("lang"))[0]
    payload = req.get_json(silent=True) if req.is_json else None
    if isinstance(payload, dict):
        for item in payload.get("inputs", []):
            if isinstance(item, dict) and item.get("property") == "search":
                return resolve_lang(parse_query(item.get("value") or "").get("lang"))[0]
    return DEFAULT_LANG


def page_title(key: str) -> Callable[..., str]:
    """A title function for `register_page`: the page's name in the request's language."""

    def title(**_path_variables: object) -> str:
        lang = _lang_of_request()
        return f"{t(key, lang)} · {t('app.short_name', lang)}"

    return title


def page_header(title_key: str, intro_key: str, ctx: PageContext) -> list:
    """The page's heading, its one-line 'what this shows and how to read it', and any notices."""
    out: list = []
    if ctx.notices:
        out.append(html.Div([html.P(n) for n in ctx.notices], className="notice", role="status"))
    out.append(html.H1(t(title_key, ctx.lang), id="page-title"))
    out.append(html.P(t(intro_key, ctx.lang), className="page-intro"))
    return out


def json_attr(value: object) -> str:
    """Compact JSON for data attributes that tests and scripts can read."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def with_mantine(layout: Callable[..., object]) -> Callable[..., object]:
    """A page layout inside Mantine's provider: only pages with Mantine controls load that library
    (services/lazy_libraries.py), so the provider is theirs, not the shell's."""

    @wraps(layout)
    def wrapped(**kwargs: object) -> dmc.MantineProvider:
        return dmc.MantineProvider(layout(**kwargs))

    return wrapped
