"""The cities' own plans: actions written in the app, and the cities whose own plan replaced
the demonstration plan.

Revision ID: 0002_city_plans
Revises: 0001_editing
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_city_plans"
down_revision = "0001_editing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_actions",
        sa.Column("action_id", sa.String(80), primary_key=True),
        sa.Column("city_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title_ru", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("hazards", sa.Text(), nullable=False),
        sa.Column("sendai_priority", sa.Integer(), nullable=False),
        sa.Column("sendai_target", sa.String(1), nullable=False),
        sa.Column("mcr2030_essential", sa.Integer(), nullable=False),
        sa.Column("responsible_body_ru", sa.Text(), nullable=False),
        sa.Column("responsible_body_en", sa.Text(), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("budget_usd", sa.Float(), nullable=True),
        sa.Column("funded_usd", sa.Float(), nullable=True),
        sa.Column("funder", sa.String(64), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plan_actions_city_id", "plan_actions", ["city_id"])
    op.create_table(
        "city_plans",
        sa.Column("city_id", sa.String(64), primary_key=True),
        sa.Column("real_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("city_plans")
    op.drop_table("plan_actions")
