"""Imports point down the layers: app -> pages -> presentation -> (components, services) -> domain -> i18n.

Components take plain data, so they do not import services, and services do not import components.
The presentation package (the files people take away and the buttons that ask for them) sits above
both: pages and the app import it, nothing below does. Read from the source with `ast` (nothing is imported): an import the layer may not
make, one page importing another, an `__import__` call, or an import inside a function without a
comment saying why fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what each layer may import; pages may not import one another (each page stands alone)
MAY_IMPORT = {
    "app": {"pages", "presentation", "components", "services", "domain", "i18n", "ids"},
    "pages": {"presentation", "components", "services", "domain", "i18n", "ids"},
    "presentation": {"presentation", "components", "services", "domain", "i18n", "ids"},
    "components": {"components", "domain", "i18n", "ids"},
    "services": {"services", "domain", "i18n"},
    "domain": {"domain", "i18n"},
    "i18n": {"i18n"},
    "ids": set(),
}


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to, or None for a library."""
    top = module.split(".")[0]
    return top if top in MAY_IMPORT else None


def layered_files() -> list[Path]:
    return [
        ROOT / "app.py",
        ROOT / "ids.py",
        *sorted(
            p
            for name in ("pages", "presentation", "components", "services", "domain", "i18n")
            for p in (ROOT / name).rglob("*.py")
        ),
    ]


def imported_modules(node: ast.AST) -> list[str]:
    """The project modules an import statement names (`from pkg import mod` names pkg.mod too)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def problems_in(path: Path) -> list[str]:
    """Upward imports, page-to-page imports, `__import__` and uncommented imports inside functions."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    mine = layer_of(path.relative_to(ROOT).with_suffix("").as_posix().replace("/", "."))
    own_module = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
    found = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    inner = {id(n) for f in functions for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)}
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            found.append(f"{where} calls __import__")
        for module in imported_modules(node):
            theirs = layer_of(module)
            if theirs is None or module == own_module:
                continue
            if theirs not in MAY_IMPORT[mine]:
                found.append(f"{where} {mine} imports {module} (not a layer below)")
        if id(node) in inner:
            said = lines[node.lineno - 1] + (lines[node.lineno - 2] if node.lineno > 1 else "")
            if "#" not in said:
                found.append(f"{where} imports inside a function without a comment saying why")
    return sorted(set(found))


def test_the_checker_sees_each_kind_of_problem(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_layers.ROOT", tmp_path)
    (tmp_path / "services").mkdir()
    bad = tmp_path / "services" / "bad.py"
    bad.write_text(
        "from components.charts import base_layout\n"
        "def f():\n    import pages.home\n    return __import__('pages.city')\n"
        "def g():\n    from domain import risk_index  # measured: 0.4 s at start-up\n"
    )
    problems = problems_in(bad)
    assert any("services imports components.charts" in p for p in problems)
    assert any("services imports pages.home" in p for p in problems)
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "panel.py").write_text(
        "from services import data_access\nimport domain.outlook\n"
    )
    assert problems_in(tmp_path / "components" / "panel.py") == [
        "components/panel.py:1 components imports services (not a layer below)",
        "components/panel.py:1 components imports services.data_access (not a layer below)",
    ]
    assert any(":4 calls __import__" in p for p in problems)
    assert any(":3 imports inside a function" in p for p in problems)
    assert not any(":6 " in p for p in problems), "a commented import inside a function is allowed"
    (tmp_path / "pages").mkdir()
    page = tmp_path / "pages" / "one.py"
    page.write_text("from pages.two import layout\nimport components.shell\n")
    assert problems_in(page) == [
        "pages/one.py:1 pages imports pages.two (not a layer below)",
        "pages/one.py:1 pages imports pages.two.layout (not a layer below)",
    ]
    (page.parent / "three.py").write_text("from presentation.export_button import export_group\n")
    assert problems_in(page.parent / "three.py") == [], "pages may use the presentation package"
    for layer in ("services", "components", "domain"):
        (tmp_path / layer).mkdir(exist_ok=True)
        below = tmp_path / layer / "uses_presentation.py"
        below.write_text("from presentation import exports\n")
        assert problems_in(below) == [
            f"{layer}/uses_presentation.py:1 {layer} imports presentation (not a layer below)",
            f"{layer}/uses_presentation.py:1 {layer} imports presentation.exports (not a layer below)",
        ]


@pytest.mark.parametrize("path", layered_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_point_down(path):
    assert problems_in(path) == []
