"""The README names only files that exist: a reader who follows a path finds the file."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# data/README.md is left out: it cites files of the research folder and of outside data sets by name
READMES = ["README.md", "bench/README.md"]
FILE_ENDINGS = "py|js|css|csv|json|md|sh|ini|txt|yaml|yml|toml|geojson|conf|jpg|png|po"
# a path inside the repository: one or more folders, then a file name with a known ending
NESTED = re.compile(rf"(?<![\w./<:-])((?:[\w-][\w.-]*/)+[\w.-]+\.(?:{FILE_ENDINGS}))(?![\w/])")
# a file name on its own, in backticks (`schemas.py`, `cities.csv`): it must exist somewhere
BARE = re.compile(rf"`([\w-][\w.-]*\.(?:{FILE_ENDINGS}))`")
# written by the app or the build at run time, not kept in git
GENERATED = {"datapackage.json", "manifest.json"}


def repository_files() -> list[Path]:
    """Every file of the working tree but the virtual environment, caches and git's own."""
    skip = {".git", ".venv", "__pycache__", ".ruff_cache", ".pytest_cache", "builds", ".cache"}
    return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def named_paths(text: str) -> tuple[set[str], set[str]]:
    """The nested paths and the bare file names a Markdown text mentions (web addresses left out)."""
    text = re.sub(r"https?://\S+", " ", text)
    return set(NESTED.findall(text)), set(BARE.findall(text)) - GENERATED


def test_the_pattern_finds_paths_and_leaves_web_routes_out():
    nested, bare = named_paths(
        "see `assets/x.js`, (docs/a.jpg) and `cities.csv`; not /download/all.xlsx "
        "nor https://example.org/a/b.json nor /api/v1/openapi.json"
    )
    assert nested == {"assets/x.js", "docs/a.jpg"} and bare == {"cities.csv"}


def test_every_path_the_readmes_name_exists():
    names = {p.name for p in repository_files()}
    missing = []
    for readme in READMES:
        folder = (ROOT / readme).parent
        nested, bare = named_paths((ROOT / readme).read_text(encoding="utf-8"))
        missing += [
            f"{readme}: {p}" for p in sorted(nested) if not (ROOT / p).exists() and not (folder / p).exists()
        ]
        missing += [f"{readme}: {n}" for n in sorted(bare) if n not in names]
    assert not missing, missing
