"""pg_trgm for overlap detection (initiatives.overlaps). CreateExtension does nothing on other
databases, so SQLite (`make run`) migrates too and uses the word-overlap fallback."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0006_system_map")]

    operations = [TrigramExtension()]
