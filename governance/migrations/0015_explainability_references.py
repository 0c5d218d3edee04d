"""Link the framework references to the checklist questions of the seventh concern area,
explainability and operator trust, as the catalogue file now lists them. Only links to that
area's questions are added, so what IT leads edited on the other areas stays as it is."""

from django.db import migrations

AREA = "explainability"


def link(apps, schema_editor):
    from governance.compliance.catalogue import read_catalogue

    FrameworkReference = apps.get_model("governance", "FrameworkReference")
    ChecklistQuestion = apps.get_model("reviews", "ChecklistQuestion")
    questions = {q.text: q for q in ChecklistQuestion.objects.filter(area=AREA)}
    for item in read_catalogue()["references"]:
        wanted = [questions.get(text) for area, text in item["questions"] if area == AREA]
        wanted = [q for q in wanted if q is not None]
        if not wanted:
            continue
        reference = FrameworkReference.objects.filter(
            framework=item["framework"], code=item["code"]
        ).first()
        if reference is not None:
            reference.questions.add(*wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0014_delivery_kinds_of_both"),
        ("reviews", "0007_explainability_area"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
