"""SQLite: the words of published solutions, unstemmed, for typo correction

Revision ID: 9e4f1a2b3c4d
Revises: 5b15712aaef7
Create Date: 2026-12-06 18:10:00

Typo correction compares a visitor's word with the words of published solutions. PostgreSQL
keeps them in ``search_word`` (migration f2a3b4c5d6e7); SQLite used the vocabulary of its
search index, which holds porter stems ("translat") of every solution, drafts included, so a
correction could only be a stem, never a word to show. ``search_word_fts`` is a contentless
FTS5 index (no stemming, rowids only) of published solutions' text, kept by triggers in the
writing transaction; ``search_word_vocab`` lists its words.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9e4f1a2b3c4d"
down_revision: str | None = "5b15712aaef7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The text of one solution row (``r``), as the index holds it.
_TEXT = (
    "coalesce({r}.name, '') || ' ' || coalesce({r}.tags_text, '') || ' ' || "
    "coalesce({r}.tagline, '') || ' ' || coalesce({r}.description_md, '')"
)
# A contentless index forgets what it was given: a row leaves it by being given again,
# exactly as it went in (the 'delete' command), which the old row of a trigger is. On an
# update the old words must leave before the new ones come (one trigger, in that order): a
# delete given after an insert of the same row would take the new words out too.
_ADD = (
    "INSERT INTO search_word_fts (rowid, words) "
    "SELECT new.id, {text} WHERE new.status = 'published';"
)
_DROP = (
    "INSERT INTO search_word_fts (search_word_fts, rowid, words) "
    "SELECT 'delete', old.id, {text} WHERE old.status = 'published';"
)
_OLD = _TEXT.format(r="old")
_NEW = _TEXT.format(r="new")

UPGRADE = [
    "CREATE VIRTUAL TABLE search_word_fts USING fts5(words, content='', detail=none, "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_word_vocab USING fts5vocab(search_word_fts, 'row')",
    f"CREATE TRIGGER search_word_ai AFTER INSERT ON solution BEGIN {_ADD.format(text=_NEW)} END",
    f"CREATE TRIGGER search_word_ad AFTER DELETE ON solution BEGIN {_DROP.format(text=_OLD)} END",
    "CREATE TRIGGER search_word_au AFTER UPDATE OF name, tagline, description_md, tags_text, "
    f"status ON solution BEGIN {_DROP.format(text=_OLD)} {_ADD.format(text=_NEW)} END",
    "INSERT INTO search_word_fts (rowid, words) "
    f"SELECT s.id, {_TEXT.format(r='s')} FROM solution s WHERE s.status = 'published'",
]
DOWNGRADE = [
    "DROP TRIGGER IF EXISTS search_word_au",
    "DROP TRIGGER IF EXISTS search_word_ad",
    "DROP TRIGGER IF EXISTS search_word_ai",
    "DROP TABLE IF EXISTS search_word_vocab",
    "DROP TABLE IF EXISTS search_word_fts",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in DOWNGRADE:
            op.execute(statement)
