"""Load the shipped framework references (governance/compliance/fixtures/, catalogue 2026.1)."""

from django.db import migrations


def load(apps, schema_editor):
    from governance.compliance.catalogue import load_catalogue

    load_catalogue(
        apps.get_model("governance", "FrameworkReference"),
        apps.get_model("reviews", "ChecklistQuestion"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0008_compliance"),
        ("reviews", "0003_default_checklist_questions"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
