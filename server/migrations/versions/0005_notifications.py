"""reminders that arrive: digest and push settings, the notifications ledger, the schedule's pulse

users.daily_digest and users.push_urls are the user's opt-ins (SPEC §13). `notifications` holds
one row per (user, channel, slot): the claim taken before a digest or a push is sent, so that
two schedulers, a retry or a restart never send the same one twice. `scheduler_state` records
when the periodic schedule last ran, for GET /health.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('daily_digest', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('push_urls', sa.JSON(), nullable=False,
                                   server_default=sa.text("'[]'")))
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('slot', sa.String(length=64), nullable=False),
    sa.Column('nudge_ids', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.Column('handed_over_at', sa.DateTime(), nullable=True),
    sa.Column('failed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('delivered', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'channel', 'slot', name=op.f('uq_notifications_user_id_channel_slot'))
    )
    with op.batch_alter_table('notifications') as batch:
        batch.create_index(batch.f('ix_notifications_state_next_attempt_at'), ['state', 'next_attempt_at'], unique=False)
        batch.create_index(batch.f('ix_notifications_user_id_sent_at'), ['user_id', 'sent_at'], unique=False)
    op.create_table('scheduler_state',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('last_run_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_state'))
    )


def downgrade() -> None:
    op.drop_table('scheduler_state')
    with op.batch_alter_table('notifications') as batch:
        batch.drop_index(batch.f('ix_notifications_user_id_sent_at'))
        batch.drop_index(batch.f('ix_notifications_state_next_attempt_at'))
    op.drop_table('notifications')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('push_urls')
        batch.drop_column('daily_digest')
