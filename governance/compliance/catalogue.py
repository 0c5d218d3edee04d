"""The shipped framework references (`fixtures/framework_references.json`), loaded into the
database by a data migration. A new catalogue release adds what is missing and never
overwrites what IT leads edited in the portal."""

import json
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent / "fixtures" / "framework_references.json"


def read_catalogue(path: Path = CATALOGUE) -> dict:
    """The catalogue file: its release name, sources and references."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_catalogue(reference_model, question_model, path: Path = CATALOGUE) -> int:
    """Create the catalogue's references that are not in the database yet; the number created.

    Takes the models as arguments so a migration can pass its historical ones. Questions are
    matched by concern area and text.
    """
    data = read_catalogue(path)
    questions = {(q.area, q.text): q for q in question_model.objects.all()}
    created = 0
    for item in data["references"]:
        reference, made = reference_model.objects.get_or_create(
            framework=item["framework"],
            code=item["code"],
            defaults={
                "title": item["title"],
                "source": item["source"],
                "precision": item["precision"],
                "note": item["note"],
                "catalogue": data["catalogue"],
                "obligations": item["obligations"],
            },
        )
        if made:
            created += 1
            reference.questions.set(
                [questions[tuple(q)] for q in item["questions"] if tuple(q) in questions]
            )
    return created
