"""search vocabulary for typo correction on PostgreSQL

Revision ID: f2a3b4c5d6e7
Revises: e1f2a3b4c5d6
Create Date: 2026-12-02 10:30:00

A table of the distinct words of published solutions (names, tags, taglines, descriptions),
kept by a trigger, with a trigram index: a misspelt word is corrected against a few thousand
words instead of trigram-matching every solution (SQLite does the same with FTS5's
vocabulary table). Words are only ever added; a word whose solutions were all unpublished
corrects to nothing that matches, and search then falls back to fuzzy matching.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f2a3b4c5d6e7"
down_revision: str | None = "e1f2a3b4c5d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words of one solution row (``r``): lower-cased by the 'simple' configuration, unstemmed.
_WORDS = (
    "SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple', "
    "coalesce({r}.name, '') || ' ' || coalesce({r}.tags_text, '') || ' ' || "
    "coalesce({r}.tagline, '') || ' ' || coalesce({r}.description_md, '')))) AS w "
    "WHERE length(w) BETWEEN 3 AND 40"
)

UPGRADE = [
    "CREATE TABLE search_word (word text PRIMARY KEY)",
    "CREATE INDEX ix_search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    "CREATE FUNCTION search_word_collect() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF NEW.status = 'published' THEN "
    f"INSERT INTO search_word (word) {_WORDS.format(r='NEW')} ON CONFLICT DO NOTHING; "
    "END IF; "
    "RETURN NULL; "
    "END $$",
    "CREATE TRIGGER search_word_collect AFTER INSERT OR UPDATE OF "
    "name, tagline, description_md, tags_text, status ON solution "
    "FOR EACH ROW EXECUTE FUNCTION search_word_collect()",
    "INSERT INTO search_word (word) SELECT DISTINCT x.w FROM solution s CROSS JOIN LATERAL ("
    f"{_WORDS.format(r='s')}) AS x WHERE s.status = 'published' ON CONFLICT DO NOTHING",
]
DOWNGRADE = [
    "DROP TRIGGER IF EXISTS search_word_collect ON solution",
    "DROP FUNCTION IF EXISTS search_word_collect()",
    "DROP TABLE IF EXISTS search_word",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
