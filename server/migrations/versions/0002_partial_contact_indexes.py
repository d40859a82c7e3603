"""partial indexes for dirty_at and import_key

Most contacts have no work pending and no import key: indexing only the rows that have one
keeps those indexes small and spares every other insert two B-trees (a saved contact touches
three of the contacts table's B-trees instead of five; SPEC §9 save throughput). The queries
that use them (the catch-up sweep's `dirty_at IS NOT NULL`, the import's `import_key IN (...)`)
imply the condition, so SQLite and PostgreSQL still use them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 02:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_PARTIAL = {
    'ix_contacts_dirty_at': (['dirty_at'], 'dirty_at IS NOT NULL'),
    'ix_contacts_user_id_import_key': (['user_id', 'import_key'], 'import_key IS NOT NULL'),
}


def upgrade() -> None:
    for name, (columns, where) in _PARTIAL.items():
        op.drop_index(name, table_name='contacts')
        op.create_index(name, 'contacts', columns, unique=False,
                        sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def downgrade() -> None:
    for name, (columns, _where) in _PARTIAL.items():
        op.drop_index(name, table_name='contacts')
        op.create_index(name, 'contacts', columns, unique=False)
