"""Trigram indexes on the text overlap detection compares (initiatives.overlaps): with them
PostgreSQL finds the initiatives whose title or problem is similar (`%`) by index instead of
computing the similarity of every initiative on every initiative page (500 ms at 10,000).
PostgreSQL only: SQLite (`make run`) has no pg_trgm and uses the word-overlap fallback."""

from django.db import migrations

INDEXES = {
    "initiative_title_trgm": "title",
    "initiative_problem_trgm": "business_problem",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON initiatives_initiative "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0010_review_queue_facts")]

    operations = [migrations.RunPython(create, drop)]
