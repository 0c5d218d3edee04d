"""EU AI Act screening: the questions a sponsor answers at intake and the classification the
portal derives from them, with the reasons in words.

The rules are a pure function of the answers (`classify`), so pages, the API, the dashboard
and the tests ask the same thing. Source: Regulation (EU) 2024/1689 of 13 June 2024 laying
down harmonised rules on artificial intelligence (Artificial Intelligence Act), OJ L,
2024/1689, 12.7.2024. The article numbers below are that text's.

What the portal does not decide: the derogation of Art. 6(3) (an Annex III system that does not
pose a significant risk) is IT's judgement and is recorded in the screening review note; the
classification stays conservative until IT has reviewed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

NONE = "none"  # "none of these": an answered list that names nothing


class AiActRole(models.TextChoices):
    DEPLOYER = "deployer", _("Deployer: we use a system supplied by someone else")
    PROVIDER = "provider", _("Provider: we develop it (or have it developed) under our name")
    BOTH = "both", _("Both: we develop it and use it ourselves")


class ProhibitedPractice(models.TextChoices):
    """Art. 5(1): practices that may not be placed on the market, put into service or used."""

    NONE = NONE, _("None of these")
    MANIPULATION = (
        "manipulation",
        _("Subliminal, manipulative or deceptive techniques (Art. 5(1)(a))"),
    )
    EXPLOIT_VULNERABILITY = (
        "exploit_vulnerability",
        _(
            "Exploits vulnerabilities due to age, disability or social or economic situation "
            "(Art. 5(1)(b))"
        ),
    )
    SOCIAL_SCORING = "social_scoring", _("Social scoring of people (Art. 5(1)(c))")
    CRIME_PREDICTION = (
        "crime_prediction",
        _("Predicts that a person will commit a crime based solely on profiling (Art. 5(1)(d))"),
    )
    FACIAL_SCRAPING = (
        "facial_scraping",
        _("Builds facial recognition databases by untargeted scraping (Art. 5(1)(e))"),
    )
    WORKPLACE_EMOTION = (
        "workplace_emotion",
        _(
            "Infers emotions of people at the workplace, not for medical or safety reasons "
            "(Art. 5(1)(f))"
        ),
    )
    SENSITIVE_CATEGORISATION = (
        "sensitive_categorisation",
        _(
            "Categorises people by biometric data to infer race, political opinions, trade union "
            "membership, beliefs or sexual orientation (Art. 5(1)(g))"
        ),
    )


class AnnexI(models.TextChoices):
    """Art. 6(1) with Annex I: product-safety law such as the Machinery Regulation."""

    NO = "no", _("No: not part of a product covered by EU product-safety law")
    SAFETY_COMPONENT = (
        "safety_component",
        _("A safety component of a product covered by Annex I law (e.g. machinery)"),
    )
    PRODUCT = "product", _("Itself a product covered by Annex I law")


class AnnexIII(models.TextChoices):
    """Art. 6(2) with Annex III: the use cases relevant to industry."""

    NONE = NONE, _("None of these")
    BIOMETRIC_IDENTIFICATION = (
        "biometric_identification",
        _("Remote biometric identification of people (Annex III 1(a))"),
    )
    BIOMETRIC_CATEGORISATION = (
        "biometric_categorisation",
        _("Biometric categorisation by sensitive or protected attributes (Annex III 1(b))"),
    )
    EMOTION_RECOGNITION = (
        "emotion_recognition",
        _("Emotion recognition, e.g. for medical or safety reasons (Annex III 1(c))"),
    )
    CRITICAL_INFRASTRUCTURE = (
        "critical_infrastructure",
        _(
            "Safety component in the operation of critical infrastructure: digital "
            "infrastructure, road traffic, water, gas, heating or electricity (Annex III 2)"
        ),
    )
    RECRUITMENT = (
        "recruitment",
        _(
            "Recruitment or selection: job ads, filtering applications, evaluating candidates "
            "(Annex III 4(a))"
        ),
    )
    WORKERS_MANAGEMENT = (
        "workers_management",
        _(
            "Workers management: decisions on promotion or termination, allocating tasks by "
            "behaviour or traits, monitoring or evaluating performance (Annex III 4(b))"
        ),
    )
    ESSENTIAL_SERVICES = (
        "essential_services",
        _(
            "Access to essential services: public benefits, creditworthiness, life or health "
            "insurance pricing, emergency calls (Annex III 5)"
        ),
    )


# Annex III 5(b) and (c) (credit scoring, life and health insurance) oblige every deployer to
# assess the impact on fundamental rights (Art. 27(1)); so do public bodies and private
# providers of public services for the other Annex III points except point 2.
FRIA_CATEGORIES = frozenset({AnnexIII.ESSENTIAL_SERVICES})


class Transparency(models.TextChoices):
    """Art. 50: transparency obligations of providers and deployers of certain systems."""

    NONE = NONE, _("None of these")
    INTERACTS = "interacts", _("People interact with it directly, e.g. a chatbot (Art. 50(1))")
    GENERATES_CONTENT = (
        "generates_content",
        _("Generates synthetic audio, image, video or text (Art. 50(2))"),
    )
    EMOTION_OR_BIOMETRIC = (
        "emotion_or_biometric",
        _("Recognises emotions or categorises people biometrically (Art. 50(3))"),
    )
    DEEP_FAKE = (
        "deep_fake",
        _("Produces deep fakes or text published to inform the public (Art. 50(4))"),
    )


class GpaiUse(models.TextChoices):
    NO = "no", _("No general-purpose AI model")
    USES = (
        "uses",
        _("Built on a general-purpose AI model from a vendor (e.g. a large language model)"),
    )
    PROVIDES = "provides", _("We place a general-purpose AI model on the market")


class AiActClass(models.TextChoices):
    """The derived classification; empty = not screened yet."""

    PROHIBITED = "prohibited", _("Prohibited")
    HIGH_RISK = "high_risk", _("High-risk")
    TRANSPARENCY = "transparency", _("Transparency obligations")
    MINIMAL = "minimal", _("Minimal risk")


# The deployer obligations a high-risk classification adds as tracked items: (code, title,
# where the duty is written). The governance compliance domain turns them into obligations.
@dataclass(frozen=True)
class Duty:
    code: str
    title: str
    article: str


HUMAN_OVERSIGHT = Duty(
    "human_oversight",
    "Human oversight assigned to a named person with the competence, training and authority",
    "Art. 26(2)",
)
LOG_RETENTION = Duty(
    "log_retention",
    "Logs the system generates kept for at least six months",
    "Art. 26(6)",
)
WORKERS_INFORMED = Duty(
    "workers_informed",
    "Workers' representatives and affected workers informed before it is used at the workplace",
    "Art. 26(7)",
)
FRIA = Duty(
    "fria",
    "Fundamental-rights impact assessment before first use",
    "Art. 27",
)
AI_LITERACY = Duty(
    "ai_literacy",
    "AI literacy of the people who operate and use it",
    "Art. 4",
)
PROVIDER_CONFORMITY = Duty(
    "provider_conformity",
    "Provider duties: quality management, technical documentation, conformity assessment, "
    "registration",
    "Art. 16",
)
DUTIES = {
    d.code: d
    for d in (
        HUMAN_OVERSIGHT,
        LOG_RETENTION,
        WORKERS_INFORMED,
        FRIA,
        AI_LITERACY,
        PROVIDER_CONFORMITY,
    )
}


@dataclass(frozen=True)
class Screening:
    """The answers, as plain values (from an initiative, a form or a test table)."""

    role: str = ""
    prohibited: tuple[str, ...] = ()
    annex_i: str = ""
    third_party_assessment: str = ""  # "yes", "no" or "" (not known)
    annex_iii: tuple[str, ...] = ()
    transparency: tuple[str, ...] = ()
    gpai: str = ""

    @classmethod
    def of(cls, initiative) -> Screening:
        """The screening answers stored on an initiative."""
        return cls(
            role=initiative.ai_act_role,
            prohibited=tuple(initiative.ai_act_prohibited or ()),
            annex_i=initiative.ai_act_annex_i,
            third_party_assessment=initiative.ai_act_third_party_assessment,
            annex_iii=tuple(initiative.ai_act_annex_iii or ()),
            transparency=tuple(initiative.ai_act_transparency or ()),
            gpai=initiative.ai_act_gpai,
        )

    def missing(self) -> list[tuple[str, str]]:
        """(field, label) of the questions not answered yet."""
        questions = (
            ("ai_act_role", gettext("EU AI Act: provider or deployer"), self.role),
            ("ai_act_prohibited", gettext("EU AI Act: prohibited practices"), self.prohibited),
            ("ai_act_annex_i", gettext("EU AI Act: product-safety law (Annex I)"), self.annex_i),
            (
                "ai_act_annex_iii",
                gettext("EU AI Act: high-risk uses (Annex III)"),
                self.annex_iii,
            ),
            (
                "ai_act_transparency",
                gettext("EU AI Act: transparency cases (Art. 50)"),
                self.transparency,
            ),
            ("ai_act_gpai", gettext("EU AI Act: general-purpose AI model"), self.gpai),
        )
        return [(name, label) for name, label, value in questions if not value]


@dataclass
class Classification:
    level: str  # an AiActClass value, "" when not screened
    reasons: list[str] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    complete: bool = True

    @property
    def label(self) -> str:
        return AiActClass(self.level).label if self.level else gettext("Not screened")


def _labels(choices: type[models.TextChoices], values: Iterable[str]) -> list[str]:
    known = dict(choices.choices)
    return [str(known[v]) for v in values if v != NONE and v in known]


def classify(screening: Screening) -> Classification:
    """The AI Act classification of the answers and why, most severe class first.

    prohibited (Art. 5) > high-risk (Art. 6(1) with Annex I, Art. 6(2) with Annex III) >
    transparency obligations (Art. 50) > minimal risk. Transparency duties apply on top of a
    high-risk classification and are listed among its reasons. Unanswered questions make the
    classification incomplete; until then it reads "not screened".
    """
    if screening.missing():
        return Classification(
            level="",
            reasons=[gettext("The EU AI Act screening is not complete yet.")],
            complete=False,
        )
    reasons: list[str] = []
    prohibited = _labels(ProhibitedPractice, screening.prohibited)
    if prohibited:
        reasons += [
            gettext("Prohibited practice: %(practice)s.") % {"practice": label}
            for label in prohibited
        ]
        reasons.append(
            gettext(
                "Art. 5 prohibits it outright: it may not be put into service or used in the EU, "
                "whatever the safeguards."
            )
        )
        return Classification(level=AiActClass.PROHIBITED, reasons=reasons)

    high_risk = False
    if screening.annex_i in (AnnexI.SAFETY_COMPONENT, AnnexI.PRODUCT):
        component = screening.annex_i == AnnexI.SAFETY_COMPONENT
        if screening.third_party_assessment == "no":
            reasons.append(
                gettext(
                    "It is a safety component of a product covered by Annex I product-safety "
                    "law, but that product needs no third-party conformity assessment, so "
                    "Art. 6(1) does not make it high-risk."
                )
                if component
                else gettext(
                    "It is itself a product covered by Annex I product-safety law, but that "
                    "product needs no third-party conformity assessment, so Art. 6(1) does not "
                    "make it high-risk."
                )
            )
        else:
            high_risk = True
            reason = (
                gettext(
                    "High-risk under Art. 6(1): it is a safety component of a product covered "
                    "by Annex I product-safety law (e.g. the Machinery Regulation) that needs a "
                    "third-party conformity assessment"
                )
                if component
                else gettext(
                    "High-risk under Art. 6(1): it is itself a product covered by Annex I "
                    "product-safety law (e.g. the Machinery Regulation) that needs a "
                    "third-party conformity assessment"
                )
            )
            if screening.third_party_assessment != "yes":
                reason += gettext(" (treated as requiring one until that is confirmed)")
            reasons.append(reason + ".")
    annex_iii = _labels(AnnexIII, screening.annex_iii)
    if annex_iii:
        high_risk = True
        reasons += [
            gettext("High-risk under Art. 6(2), Annex III: %(use)s.") % {"use": label}
            for label in annex_iii
        ]

    transparency = _labels(Transparency, screening.transparency)
    reasons += [
        gettext("Transparency obligation: %(case)s.") % {"case": label} for label in transparency
    ]

    if screening.gpai == GpaiUse.USES:
        reasons.append(
            gettext(
                "Built on a general-purpose AI model: its provider owes the documentation of "
                "Art. 53; ask the vendor for it. This does not change the class by itself."
            )
        )
    elif screening.gpai == GpaiUse.PROVIDES:
        reasons.append(
            gettext(
                "Placing a general-purpose AI model on the market brings the provider "
                "obligations of Art. 53 (and Art. 55 for models with systemic risk)."
            )
        )

    if high_risk:
        duties = _deployer_duties(screening)
        reasons.append(
            gettext("As a high-risk system it needs: %(duties)s.")
            % {"duties": "; ".join(f"{d.title.lower()} ({d.article})" for d in duties)}
        )
        return Classification(level=AiActClass.HIGH_RISK, reasons=reasons, duties=duties)
    if transparency:
        return Classification(level=AiActClass.TRANSPARENCY, reasons=reasons)
    reasons.insert(
        0,
        gettext(
            "No prohibited practice, no high-risk use and no transparency case: minimal risk. "
            "AI literacy of its users (Art. 4) still applies."
        ),
    )
    return Classification(level=AiActClass.MINIMAL, reasons=reasons)


def _deployer_duties(screening: Screening) -> list[Duty]:
    duties = []
    if screening.role in (AiActRole.DEPLOYER, AiActRole.BOTH):
        duties += [HUMAN_OVERSIGHT, LOG_RETENTION, WORKERS_INFORMED]
        if FRIA_CATEGORIES & set(screening.annex_iii):
            duties.append(FRIA)
    if screening.role in (AiActRole.PROVIDER, AiActRole.BOTH):
        duties.append(PROVIDER_CONFORMITY)
    duties.append(AI_LITERACY)
    return duties


def describe(screening: Screening) -> list[tuple[str, str]]:
    """The answers in words, (question, answer), for pages and reports."""

    unanswered = gettext("not answered")

    def one(choices, value: str) -> str:
        return str(dict(choices.choices).get(value, unanswered)) if value else unanswered

    def many(choices, values) -> str:
        if not values:
            return unanswered
        return "; ".join(str(dict(choices.choices).get(v, v)) for v in values)

    third_party = {"yes": gettext("Yes"), "no": gettext("No")}.get(
        screening.third_party_assessment, gettext("Not known")
    )
    return [
        (gettext("Role"), one(AiActRole, screening.role)),
        (
            gettext("Prohibited practices (Art. 5)"),
            many(ProhibitedPractice, screening.prohibited),
        ),
        (gettext("Product-safety law (Annex I)"), one(AnnexI, screening.annex_i)),
        (gettext("Third-party conformity assessment"), third_party),
        (gettext("High-risk uses (Annex III)"), many(AnnexIII, screening.annex_iii)),
        (gettext("Transparency cases (Art. 50)"), many(Transparency, screening.transparency)),
        (gettext("General-purpose AI model"), one(GpaiUse, screening.gpai)),
    ]


def classify_initiative(initiative) -> Classification:
    """The classification of the screening stored on an initiative."""
    return classify(Screening.of(initiative))


def validate_choice_list(choices: type[models.TextChoices], values) -> str | None:
    """Why a list of answers is refused, or None: known values, "none" alone."""
    if not isinstance(values, list | tuple):
        return gettext("Send a list of choices.")
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        return gettext("Unknown choice(s): %(choices)s.") % {
            "choices": ", ".join(map(str, unknown))
        }
    if NONE in values and len(values) > 1:
        return gettext("“None of these” cannot be combined with other answers.")
    if len(set(values)) != len(values):
        return gettext("Each choice may be given once.")
    return None
