"""Demo data of regulation and evidence: the high-risk workers-management initiative with
evidence on its obligations (one closed), and the Annex I safety component with its CE
documentation tagged with the framework items it addresses."""

from django.core.files.uploadedfile import SimpleUploadedFile

from .models import FrameworkReference, Obligation
from .services import assign_obligation, close_obligation, upload_evidence

WORKS_COUNCIL_LETTER = """Information to the works council and the assembly team, Brno plant

From the next planning cycle, a workforce-management system proposes the weekly shift plan
of assembly lines 1-4 from the skills matrix and the output per operator. Supervisors
review and release every plan; nobody is assigned by the system alone. Questions: HR Brno.
"""

CE_RISK_ASSESSMENT = """Cell 7 vision safety zone: risk assessment summary (EN ISO 12100)

Hazard: operator enters the collaborative zone while the robot moves at full speed.
Measure: speed and separation monitoring with a safety-rated 3D camera (PL d), AI person
classifier only reduces nuisance stops; the safety function falls back to stop.
Conformity assessment with a notified body is planned before the pilot.
"""


def _text(name: str, body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="text/plain")


def load(context: dict) -> None:
    users, initiatives = context["users"], context["initiatives"]
    marco, lena, tom = users["marco"], users["lena"], users["tom"]

    shift = initiatives["shift"]
    informed = Obligation.objects.get(initiative=shift, code="workers_informed")
    upload_evidence(
        initiative=shift,
        user=marco,
        upload=_text("works-council-information.txt", WORKS_COUNCIL_LETTER),
        title="Information to the works council",
        target="obligation",
        target_object=informed,
        references=FrameworkReference.objects.filter(code__in=["Art. 26(7)", "GOVERN 5"]),
    )
    close_obligation(
        obligation=informed,
        user=marco,
        note="Works council and assembly team informed in writing before the pilot.",
    )
    oversight = Obligation.objects.get(initiative=shift, code="human_oversight")
    assign_obligation(obligation=oversight, user=lena, owner=tom)

    cobot = initiatives["cobot"]
    upload_evidence(
        initiative=cobot,
        user=users["sofia"],
        upload=_text("cell7-risk-assessment.txt", CE_RISK_ASSESSMENT),
        title="Cell 7 risk assessment (EN ISO 12100)",
        references=FrameworkReference.objects.filter(code__in=["MEASURE 2.6", "A.6.2.6"]),
    )
