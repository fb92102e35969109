"""Publishing the cities' approved figures: a new data build made from the source tables
(`data/src`) with every approved submission laid over them, validated and written exactly as
`make data` does (`domain.build.build`: atomic, a failed build leaves the served one in place).

The app's workers see the new build at their next request (`services.data_access` follows the
`data/build` link), so nothing restarts. Every published build is kept (a `PUBLISHED` file in its
folder keeps it from being pruned) and recorded with the cities' index scores and ranks, for the
Data page's change log and the city page's "how the index moved".
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from domain.build import DEFAULT_SRC, build, read_source_tables
from domain.queries import load_build
from domain.schemas import DataValidationError
from domain.workbook import overlay
from services import db
from services.config import settings

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
STEPS = 4


def source_dir() -> Path:
    return Path(os.environ.get("DATA_SRC_DIR") or DEFAULT_SRC)


def ranks_of(build_dir: Path) -> dict[str, list]:
    """city_id -> [risk score, rank] of a build (cities without a score have None)."""
    risk = load_build(build_dir)["risk"]
    return {
        str(r["city_id"]): [
            None if pd.isna(r["risk"]) else round(float(r["risk"]), 3),
            None if pd.isna(r["rank"]) else int(r["rank"]),
        ]
        for _, r in risk.iterrows()
    }


def merged_source(src: Path, changes: list[dict[str, list[dict]]], into: Path) -> Path:
    """A copy of the source folder with the approved changes laid over its tables."""
    shutil.copytree(src, into)
    tables = read_source_tables(src)
    for name, frame in overlay(tables, changes).items():
        if name in {t for change in changes for t in change}:
            frame.to_csv(into / f"{name}.csv", index=False, encoding="utf-8")
    return into


def publish(
    engine, username: str, progress: Progress | None = None, src: Path | None = None, out: Path | None = None
) -> dict:
    """Build and publish; return {"ok", "build_id", "problems"}. A failed build changes nothing."""
    progress = progress or (lambda *_: None)
    src, out = src or source_dir(), out or settings.data_build_dir
    progress(1, STEPS, "collect")
    approved = db.approved_changes(engine)
    ids = [i for i, _ in approved]
    builds = out.parent / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".publish-", dir=builds))
    try:
        merged = merged_source(src, [c for _, c in approved], work / "src")
        progress(2, STEPS, "build")
        try:
            build(merged, out, keep=2)
        except DataValidationError as err:
            log.warning(
                "publishing refused: the build failed (%d problems); the served build stays",
                len(err.problems),
            )
            return {"ok": False, "build_id": None, "problems": [str(p) for p in err.problems[:50]]}
        folder = Path(os.path.realpath(out))
        (folder / "PUBLISHED").write_text(username, encoding="utf-8")
        progress(3, STEPS, "record")
        db.record_published_build(engine, folder.name, username, ids, ranks_of(folder))
        progress(4, STEPS, "done")
        log.info("published build %s with submissions %s by %s", folder.name, ids, username)
        return {"ok": True, "build_id": folder.name, "problems": []}
    finally:
        shutil.rmtree(work, ignore_errors=True)
