"""mail in: accounts, the messages read, and suggestions (issue 16)

`mail_accounts` holds one IMAP mailbox per user, its password encrypted with a key derived from
THRICE_SECRET_KEY, and per folder the UIDVALIDITY and last UID read. `suggestions` holds what
the detectors read in a message (a promise, a no, an interview) until the user accepts or
rejects it; one per (source interaction, kind), so a re-read adds none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 03:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.String(length=8), nullable=False),
    sa.Column('username', sa.String(length=255), nullable=False),
    sa.Column('password_encrypted', sa.Text(), nullable=False),
    sa.Column('folders', sa.JSON(), nullable=False),
    sa.Column('last_sync_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_accounts')),
    sa.UniqueConstraint('user_id', name=op.f('uq_mail_accounts_user_id'))
    )
    op.create_table('suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('source_interaction_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_suggestions_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_suggestions_opportunity_id_opportunities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_interaction_id'], ['interactions.id'], name=op.f('fk_suggestions_source_interaction_id_interactions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_suggestions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions')),
    sa.UniqueConstraint('source_interaction_id', 'kind', name=op.f('uq_suggestions_source_interaction_id_kind'))
    )
    with op.batch_alter_table('suggestions') as batch:
        batch.create_index(batch.f('ix_suggestions_user_id_state'), ['user_id', 'state'], unique=False)


def downgrade() -> None:
    op.drop_table('suggestions')
    op.drop_table('mail_accounts')
