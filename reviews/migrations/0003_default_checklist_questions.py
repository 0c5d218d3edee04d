"""The standard questions IT asks per concern area, so a fresh portal has a checklist.

IT leads edit them afterwards in the portal; this migration only seeds the first version.
"""

from django.db import migrations

QUESTIONS = {
    "security": [
        "What happens if it is compromised?",
        "Which data does it expose, to whom, and where is it stored (residency)?",
        "How are credentials, secrets and service accounts managed?",
    ],
    "ownership": [
        "Who is accountable when the AI is wrong?",
        "Who owns the model, the data pipeline and the integration after go-live?",
        "Who may override the AI, and how is that recorded?",
    ],
    "architecture": [
        "Does it introduce a new platform or a shadow system?",
        "Which existing systems does it integrate with, and through which interfaces?",
        "Does it reuse the enterprise identity (SSO) and data platforms?",
    ],
    "governance": [
        "Is there an audit trail of the AI's outputs and actions?",
        "How are model and configuration changes controlled (change control)?",
        "Which regulations or internal policies apply?",
    ],
    "vendor": [
        "Is the vendor viable for the life of the solution?",
        "Can we export our data and models in an open format (data portability)?",
        "What is the exit plan if the vendor or product goes away?",
    ],
    "performance": [
        "What are the failure modes?",
        "What is the fallback (manual mode) when it fails or is unavailable?",
        "How is it monitored, and who is alerted?",
    ],
}


def seed(apps, schema_editor):
    ChecklistQuestion = apps.get_model("reviews", "ChecklistQuestion")
    for area, texts in QUESTIONS.items():
        for position, text in enumerate(texts, start=1):
            ChecklistQuestion.objects.get_or_create(
                area=area, text=text, defaults={"position": position}
            )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_score_history_checklists_vendor_scores_components")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
