"""partial indexes for the visible nudges and the ones shown lately

Two per-user questions were answered by reading every nudge of the user, so their cost grew
with the account: the popup's list and the badge's counts (the visible nudges) and the
ten-a-day cap (the nudges shown since yesterday, asked after every write). Visible nudges are
few (one per contact at most, ten new ones a day), and so are the ones shown in the last two
days, so partial indexes on them stay small and make both questions independent of the
account's size.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 03:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# name: (columns, SQLite's condition, PostgreSQL's): each as the queries spell it, so that
# each database sees that the query implies it.
_PARTIAL = {
    'ix_nudges_user_id_priority': (['user_id', 'priority'], 'visible = 1', 'visible = true'),
    'ix_nudges_user_id_visible_since': (['user_id', 'visible_since'],
                                        'visible_since IS NOT NULL', 'visible_since IS NOT NULL'),
}


def upgrade() -> None:
    for name, (columns, sqlite, postgresql) in _PARTIAL.items():
        op.create_index(name, 'nudges', columns, unique=False,
                        sqlite_where=sa.text(sqlite), postgresql_where=sa.text(postgresql))


def downgrade() -> None:
    for name in _PARTIAL:
        op.drop_index(name, table_name='nudges')
