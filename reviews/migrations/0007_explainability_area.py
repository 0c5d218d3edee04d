"""The seventh concern area, explainability and operator trust: its standard checklist, and a
*not started* assessment for every initiative that already has the other six (an initiative
gets its assessments when IT first assigns a reviewer, so the ones without any get all seven
then). Assignments need nothing: an assignment for "all areas" covers the new one.
"""

from django.db import migrations, models

QUESTIONS = [
    "How is an output explained to the people who act on it?",
    "What does the operator see with a recommendation, including its confidence?",
    "How is a recommendation overridden, and is every override logged (who, when, why)?",
    "Is there model documentation or a model card, and is it kept current?",
    "How does the business know the model drifted, and who acts on it?",
]


def add_area(apps, schema_editor):
    ChecklistQuestion = apps.get_model("reviews", "ChecklistQuestion")
    ConcernAssessment = apps.get_model("reviews", "ConcernAssessment")
    for position, text in enumerate(QUESTIONS, start=1):
        ChecklistQuestion.objects.update_or_create(
            area="explainability", text=text, defaults={"position": position, "active": True}
        )
    assessed = (
        ConcernAssessment.objects.order_by()
        .values_list("initiative_id", flat=True)
        .distinct()
    )
    have = set(
        ConcernAssessment.objects.filter(area="explainability").values_list(
            "initiative_id", flat=True
        )
    )
    ConcernAssessment.objects.bulk_create(
        [
            ConcernAssessment(initiative_id=pk, area="explainability", status="not_started")
            for pk in assessed
            if pk not in have
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


def remove_area(apps, schema_editor):
    # Going back: the assessments go (their answers with them); the questions are retired, not
    # deleted, because framework references may point at them.
    apps.get_model("reviews", "ConcernAssessment").objects.filter(area="explainability").delete()
    apps.get_model("reviews", "ChecklistQuestion").objects.filter(area="explainability").update(
        active=False
    )


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0006_not_applicable_and_fallback_tests"),
    ]

    operations = [
        migrations.AlterField(
            model_name='checklistquestion',
            name='area',
            field=models.CharField(choices=[('security', 'Security & data exposure'), ('ownership', 'Ownership & accountability'), ('architecture', 'Architecture & integration'), ('governance', 'Governance'), ('vendor', 'Vendor lock-in & survivability'), ('performance', 'Performance & reliability'), ('explainability', 'Explainability & operator trust')], max_length=20),
        ),
        migrations.AlterField(
            model_name='concernassessment',
            name='area',
            field=models.CharField(choices=[('security', 'Security & data exposure'), ('ownership', 'Ownership & accountability'), ('architecture', 'Architecture & integration'), ('governance', 'Governance'), ('vendor', 'Vendor lock-in & survivability'), ('performance', 'Performance & reliability'), ('explainability', 'Explainability & operator trust')], max_length=20),
        ),
        migrations.AlterField(
            model_name='designinput',
            name='area',
            field=models.CharField(choices=[('security', 'Security & data exposure'), ('ownership', 'Ownership & accountability'), ('architecture', 'Architecture & integration'), ('governance', 'Governance'), ('vendor', 'Vendor lock-in & survivability'), ('performance', 'Performance & reliability'), ('explainability', 'Explainability & operator trust')], max_length=20),
        ),
        migrations.AlterField(
            model_name='reviewassignment',
            name='concern_area',
            field=models.CharField(blank=True, choices=[('security', 'Security & data exposure'), ('ownership', 'Ownership & accountability'), ('architecture', 'Architecture & integration'), ('governance', 'Governance'), ('vendor', 'Vendor lock-in & survivability'), ('performance', 'Performance & reliability'), ('explainability', 'Explainability & operator trust')], help_text='Empty: all areas.', max_length=20),
        ),
        migrations.RunPython(add_area, remove_area),
    ]
