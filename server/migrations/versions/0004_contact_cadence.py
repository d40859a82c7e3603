"""contacts.cadence_days: the user's own "keep in touch every N days"

R9 (keep warm) uses it instead of the tier's default interval when it is set.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 03:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contacts') as batch:
        batch.add_column(sa.Column('cadence_days', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contacts') as batch:
        batch.drop_column('cadence_days')
