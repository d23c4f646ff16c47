"""Trigram indexes for the staff list's name search, on PostgreSQL only.

``icontains`` becomes ``UPPER(col) LIKE UPPER('%term%')``, which no B-tree serves: over 100,000
people every search scanned the table. GIN trigram indexes on the same expressions answer it
from the index. SQLite has no such index and keeps scanning (see docs/decisions/0014).
Installing pg_trgm needs the right to create a trusted extension (PostgreSQL ≥ 13: the
database owner); without it the indexes are skipped and the search stays correct, only slower.
"""

from django.db import DatabaseError, migrations, transaction

COLUMNS = ("family_name", "given_names", "email")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:  # a refusal leaves the search as it was
        print(f"\n  pg_trgm not available ({error}); name search will scan the table.")
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS participant_{column}_trgm ON participants_participant "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS participant_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("participants", "0004_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
