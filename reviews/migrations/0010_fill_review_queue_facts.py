"""Fill the review queue's facts (initiatives 0010) of every existing initiative from its
assessments and design inputs; from here on the reviews app keeps them current."""

from django.db import migrations


def fill(apps, schema_editor):
    from reviews.services.queue_facts import fact_expressions

    Initiative = apps.get_model("initiatives", "Initiative")
    expressions = fact_expressions(
        assessments=apps.get_model("reviews", "ConcernAssessment"),
        inputs=apps.get_model("reviews", "DesignInput"),
    )
    Initiative.objects.update(**expressions)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0010_review_queue_facts"),
        ("reviews", "0009_design_inputs_awaiting_confirmation"),
    ]

    # Going back needs nothing: the columns go with initiatives 0010.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
