"""Clearing what a test wrote to the editing database."""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services import db


def forget_submissions(username_pattern: str) -> None:
    """Delete the submissions sent by the accounts matching the SQL LIKE pattern, and the published
    builds that included any of them."""
    with Session(db.get_engine()) as session, session.begin():
        mine = session.scalars(
            select(db.SubmissionRow.id).where(db.SubmissionRow.submitted_by.like(username_pattern))
        ).all()
        for build_row in session.scalars(select(db.PublishedBuildRow)).all():
            if set(json.loads(build_row.submissions)) & set(mine):
                session.delete(build_row)
        session.execute(delete(db.SubmissionRow).where(db.SubmissionRow.id.in_(mine)))
