# ruff: noqa: E501 - written by alembic autogenerate: one constraint to a line reads best
"""The record's first tables: person, relationship, goal, check_in, review, goal_progress,
statutory_review, audit, setting.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('command', sa.String(length=40), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('fields', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('school', sa.String(length=200), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=True),
    sa.Column('stage', sa.String(length=30), nullable=True),
    sa.Column('supporter', sa.String(length=20), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('delete_after', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('staff_id', name=op.f('uq_person_staff_id'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('relationship',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_person_id', sa.Integer(), nullable=False),
    sa.Column('supporter_person_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.String(length=9), nullable=False),
    sa.Column('support', sa.String(length=20), nullable=False),
    sa.Column('recommended', sa.String(length=20), nullable=True),
    sa.Column('recommended_type', sa.String(length=40), nullable=True),
    sa.Column('decided_by', sa.String(length=20), nullable=True),
    sa.Column('delivered', sa.String(length=20), nullable=True),
    sa.Column('delivered_type', sa.String(length=40), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_run', sa.String(length=80), nullable=True),
    sa.Column('rules_hash', sa.String(length=80), nullable=True),
    sa.Column('focus', sa.String(length=40), nullable=True),
    sa.Column('cadence', sa.String(length=20), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('end_reason', sa.String(length=30), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('unmatched', 'proposed', 'active', 'paused', 'completed', 'ended_early')", name=op.f('ck_relationship_status')),
    sa.CheckConstraint("support IN ('coaching', 'mentoring')", name=op.f('ck_relationship_support')),
    sa.CheckConstraint('staff_person_id <> supporter_person_id', name=op.f('ck_relationship_not_self')),
    sa.ForeignKeyConstraint(['staff_person_id'], ['person.id'], name=op.f('fk_relationship_staff_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supporter_person_id'], ['person.id'], name=op.f('fk_relationship_supporter_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relationship')),
    sa.UniqueConstraint('staff_person_id', 'support', 'year', name='uq_relationship_need')
    )
    op.create_index(op.f('ix_relationship_staff_person_id'), 'relationship', ['staff_person_id'])
    op.create_index(op.f('ix_relationship_supporter_person_id'), 'relationship', ['supporter_person_id'])

    op.create_table('check_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('relationship_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['relationship_id'], ['relationship.id'], name=op.f('fk_check_in_relationship_id_relationship'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
    sa.UniqueConstraint('relationship_id', 'on_date', name='uq_check_in_date')
    )
    op.create_index(op.f('ix_check_in_relationship_id'), 'check_in', ['relationship_id'])

    op.create_table('goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('relationship_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('success', sa.Text(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['relationship_id'], ['relationship.id'], name=op.f('fk_goal_relationship_id_relationship'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal')),
    sa.UniqueConstraint('relationship_id', 'number', name='uq_goal_number')
    )
    op.create_index(op.f('ix_goal_relationship_id'), 'goal', ['relationship_id'])

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('relationship_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('self_rating', sa.Integer(), nullable=True),
    sa.Column('usefulness', sa.Integer(), nullable=True),
    sa.Column('practice_change', sa.String(length=20), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('confidentiality_agreed', sa.Boolean(), nullable=True),
    sa.CheckConstraint("stage IN ('agreement', 'mid_point', 'end')", name=op.f('ck_review_stage')),
    sa.CheckConstraint('self_rating BETWEEN 1 AND 5', name=op.f('ck_review_self_rating')),
    sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_review_usefulness')),
    sa.ForeignKeyConstraint(['relationship_id'], ['relationship.id'], name=op.f('fk_review_relationship_id_relationship'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('relationship_id', 'stage', name='uq_review_stage')
    )
    op.create_index(op.f('ix_review_relationship_id'), 'review', ['relationship_id'])

    op.create_table('statutory_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('relationship_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['relationship_id'], ['relationship.id'], name=op.f('fk_statutory_review_relationship_id_relationship'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statutory_review')),
    sa.UniqueConstraint('relationship_id', 'held_on', name='uq_statutory_date')
    )
    op.create_index(op.f('ix_statutory_review_relationship_id'), 'statutory_review', ['relationship_id'])

    op.create_table('goal_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('goal_number', sa.Integer(), nullable=False),
    sa.Column('progress', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_goal_progress_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_progress')),
    sa.UniqueConstraint('review_id', 'goal_number', name='uq_goal_progress')
    )
    op.create_index(op.f('ix_goal_progress_review_id'), 'goal_progress', ['review_id'])




def downgrade() -> None:
    op.drop_index(op.f('ix_goal_progress_review_id'), table_name='goal_progress')
    op.drop_table('goal_progress')
    op.drop_index(op.f('ix_statutory_review_relationship_id'), table_name='statutory_review')
    op.drop_table('statutory_review')
    op.drop_index(op.f('ix_review_relationship_id'), table_name='review')
    op.drop_table('review')
    op.drop_index(op.f('ix_goal_relationship_id'), table_name='goal')
    op.drop_table('goal')
    op.drop_index(op.f('ix_check_in_relationship_id'), table_name='check_in')
    op.drop_table('check_in')
    op.drop_index(op.f('ix_relationship_supporter_person_id'), table_name='relationship')
    op.drop_index(op.f('ix_relationship_staff_person_id'), table_name='relationship')
    op.drop_table('relationship')
    op.drop_table('setting')
    op.drop_table('person')
    op.drop_table('audit')
