"""Component libraries that a page loads only when it shows one of their components.

Dash writes the script of every imported component library into every page. AG Grid and
Mantine are about 490 kB compressed together, and most pages show neither. Their main
bundles are marked dynamic here: Dash still serves them at the same fingerprinted address, but
leaves them out of the page; the page lists their addresses in a JSON block, and
assets/lazy_libraries.js loads a library when the renderer first needs one of its components.
"""

from __future__ import annotations

import json
import os
import sys
from types import ModuleType

from dash.fingerprint import build_fingerprint

SCRIPT_ID = "lazy-libraries"


def main_bundles(module: ModuleType) -> list[dict]:
    """The entries of a library's `_js_dist` that Dash would write into every page."""
    return [
        entry
        for entry in module._js_dist
        if not entry.get("dynamic")
        and not entry.get("async")
        and not str(entry.get("relative_package_path", "")).endswith(".map")
    ]


def defer_main_bundles(module: ModuleType) -> list[str]:
    """Mark a library's main bundles dynamic (served, not listed); their package-relative paths."""
    paths = []
    for entry in main_bundles(module):
        entry.pop("async", None)  # Dash refuses an entry with both `async` and `dynamic`
        entry["dynamic"] = True
        paths.append(entry["relative_package_path"])
    return paths


def bundle_url(prefix: str, namespace: str, relative_path: str) -> str:
    """The fingerprinted address at which Dash serves a library's file (as Dash builds it)."""
    module = sys.modules[namespace]
    modified = int(os.stat(os.path.join(os.path.dirname(module.__file__), relative_path)).st_mtime)
    fingerprint = build_fingerprint(relative_path, module.__version__, modified)
    return f"{prefix}_dash-component-suites/{namespace}/{fingerprint}"


def defer_libraries(modules: list[ModuleType], prefix: str) -> dict[str, list[str]]:
    """Take the libraries' main bundles out of every page; {namespace: [addresses, in order]}."""
    return {
        module.__name__: [bundle_url(prefix, module.__name__, path) for path in defer_main_bundles(module)]
        for module in modules
    }


def script_block(urls: dict[str, list[str]]) -> str:
    """The JSON block assets/lazy_libraries.js reads (data, never run: no CSP hash needed)."""
    text = json.dumps(urls, separators=(",", ":")).replace("</", "<\\/")
    return f'<script id="{SCRIPT_ID}" type="application/json">{text}</script>'
