"""solution models: one 3D model (glTF) per solution, its levels of detail and poster

Revision ID: f3b8c1d2e4a6
Revises: a3f5c7e9b1d4
Create Date: 2026-12-09 08:00:00

One new table. ``solution_id`` is unique (a solution shows one model); the row goes with its
solution, and ``uploaded_by`` is set to null when the uploader's account is erased.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aixplore.core.columns


revision: str = 'f3b8c1d2e4a6'
down_revision: str | None = 'a3f5c7e9b1d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('solution_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('solution_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('source_path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('source_bytes', sa.Integer(), nullable=False),
    sa.Column('triangles', sa.Integer(), nullable=False),
    sa.Column('lod0_path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('lod1_path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('lod2_path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('poster_path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('compressed_bytes', sa.Integer(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', aixplore.core.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('solution_id')
    )
    with op.batch_alter_table('solution_model', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solution_model_uploaded_by'), ['uploaded_by'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('solution_model', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solution_model_uploaded_by'))

    op.drop_table('solution_model')
