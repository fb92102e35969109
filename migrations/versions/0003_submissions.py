"""Figures from the cities: submissions waiting for review, and the published builds.

Revision ID: 0003_submissions
Revises: 0002_city_plans
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_submissions"
down_revision = "0002_city_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("city_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.String(64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("build_id", sa.String(120), nullable=True),
        sa.CheckConstraint(
            "status in ('pending', 'approved', 'returned', 'published')", name="ck_submissions_status"
        ),
    )
    op.create_index("ix_submissions_city_id", "submissions", ["city_id"])
    op.create_index("ix_submissions_status", "submissions", ["status"])
    op.create_table(
        "published_builds",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("build_id", sa.String(120), nullable=False),
        sa.Column("published_by", sa.String(64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submissions", sa.Text(), nullable=False),
        sa.Column("ranks", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("published_builds")
    op.drop_table("submissions")
