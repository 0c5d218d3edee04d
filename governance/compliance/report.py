"""The readiness report for a steering committee: per initiative and for the portfolio, as
print-styled HTML (templates/governance/compliance/report*.html) and as PDF (fpdf2, pure
Python: no system library, so `make run` needs nothing but Python).

`initiative_report` and `portfolio_report` gather everything once; the HTML template and
`render_pdf` read the same data, so the two never disagree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF

from governance.decisions.models import Decision
from governance.risk.selectors import current_state
from initiatives.models import Initiative
from reviews.models import OPEN_DESIGN_INPUT_STATUSES, ConcernArea, DesignInput, Severity
from reviews.selectors import assessments_for, design_inputs_for

from .models import EvidenceFile, Obligation, ObligationStatus
from .selectors import (
    ADDRESSED,
    OPEN,
    CoverageRow,
    PortfolioCoverage,
    coverage_for,
    coverage_summary,
    evidence_for,
    obligations_for,
    portfolio_coverage,
    portfolio_initiatives,
)


@dataclass
class ConcernLine:
    area: str
    label: str
    status: str
    score: int | None
    readiness: int | None
    reasons: list[str]


@dataclass
class InitiativeReport:
    initiative: Initiative
    generated_at: Any
    risk_level: str
    risk_reasons: list[str]
    concerns: list[ConcernLine]
    open_inputs: list[DesignInput]
    decisions: list[Decision]
    classification: Any
    obligations: list[Obligation]
    coverage: list[CoverageRow]
    coverage_summary: dict[str, dict[str, int]]
    evidence: list[EvidenceFile]
    figures: dict[str, Any] = field(default_factory=dict)


def initiative_report(initiative: Initiative) -> InitiativeReport:
    """Everything the steering committee reads about one initiative."""
    assessments = {a.area: a for a in assessments_for(initiative)}
    inputs = list(design_inputs_for(initiative))
    open_inputs = [d for d in inputs if d.status in OPEN_DESIGN_INPUT_STATUSES]
    concerns = []
    for area in ConcernArea:
        a = assessments.get(area.value)
        mine = [d for d in open_inputs if d.area == area.value]
        reasons = []
        if a is None or a.status == "not_started":
            reasons.append(gettext("Not assessed yet."))
        elif a.rationale:
            reasons.append(f"IT: {a.rationale}")
        if mine:
            high = sum(1 for d in mine if d.severity == Severity.HIGH)
            count = ngettext(
                "%(count)s open design input", "%(count)s open design inputs", len(mine)
            ) % {"count": len(mine)}
            if high:
                count += " " + gettext("(%(high)s high)") % {"high": high}
            reasons.append(f"{count}: " + "; ".join(d.title for d in mine) + ".")
        concerns.append(
            ConcernLine(
                area=area.value,
                label=area.label,
                status=a.get_status_display() if a else gettext("Not started"),
                score=a.score if a else None,
                readiness=a.readiness if a else None,
                reasons=reasons,
            )
        )
    state = current_state(initiative)
    obligations = obligations_for(initiative)
    coverage = coverage_for(initiative)
    evidence = evidence_for(initiative)
    summary = coverage_summary(coverage)
    assessed = [c.readiness for c in concerns if c.readiness is not None]
    report = InitiativeReport(
        initiative=initiative,
        generated_at=timezone.localtime(),
        risk_level=initiative.get_risk_level_display(),
        risk_reasons=list(state.reasons) if state else [],
        concerns=concerns,
        open_inputs=open_inputs,
        decisions=list(
            Decision.objects.filter(initiative=initiative).select_related(
                "decided_by", "accountable"
            )
        ),
        classification=initiative.ai_act,
        obligations=obligations,
        coverage=coverage,
        coverage_summary=summary,
        evidence=evidence,
    )
    report.figures = {
        "overall_readiness": round(sum(assessed) / len(assessed)) if assessed else None,
        "open_inputs": len(open_inputs),
        "open_high_inputs": sum(1 for d in open_inputs if d.severity == Severity.HIGH),
        "decisions": len(report.decisions),
        "obligations_open": sum(1 for o in obligations if o.status == ObligationStatus.OPEN),
        "obligations_closed": sum(1 for o in obligations if o.status == ObligationStatus.CLOSED),
        "references_addressed": sum(1 for r in coverage if r.status == ADDRESSED),
        "references_open": sum(1 for r in coverage if r.status == OPEN),
        "evidence_files": sum(1 for e in evidence if not e.is_removed),
    }
    return report


@dataclass
class PortfolioLine:
    initiative: Initiative
    overall_readiness: int | None
    open_inputs: int
    open_high_inputs: int
    obligations_open: int
    evidence_files: int


@dataclass
class PortfolioReport:
    generated_at: Any
    lines: list[PortfolioLine]
    by_class: dict[str, int]
    counted: int
    coverage: list[PortfolioCoverage]


def portfolio_report(user) -> PortfolioReport:
    """The portfolio the user may see (initiatives with IT), one line each, with the AI Act
    classes and the framework coverage. A fixed number of queries."""
    initiatives = (
        portfolio_initiatives(user)
        .select_related("site", "sponsor")
        .annotate(
            open_inputs=Count(
                "design_inputs",
                filter=Q(design_inputs__status__in=OPEN_DESIGN_INPUT_STATUSES),
                distinct=True,
            ),
            open_high_inputs=Count(
                "design_inputs",
                filter=Q(
                    design_inputs__status__in=OPEN_DESIGN_INPUT_STATUSES,
                    design_inputs__severity=Severity.HIGH,
                ),
                distinct=True,
            ),
        )
        .order_by("pk")
    )
    initiatives = list(initiatives)
    ids = [i.pk for i in initiatives]
    readiness: dict[int, list[int]] = {}
    from reviews.models import ConcernAssessment

    for pk, value in ConcernAssessment.objects.filter(
        initiative__in=ids, readiness__isnull=False
    ).values_list("initiative_id", "readiness"):
        readiness.setdefault(pk, []).append(value)
    open_obligations = dict(
        Obligation.objects.filter(initiative__in=ids, status=ObligationStatus.OPEN)
        .values("initiative_id")
        .annotate(n=Count("id"))
        .values_list("initiative_id", "n")
    )
    files = dict(
        EvidenceFile.objects.filter(initiative__in=ids, removed_at__isnull=True)
        .values("initiative_id")
        .annotate(n=Count("id"))
        .values_list("initiative_id", "n")
    )
    by_class: dict[str, int] = {}
    lines = []
    for i in initiatives:
        values = readiness.get(i.pk, [])
        by_class[i.ai_act_class] = by_class.get(i.ai_act_class, 0) + 1
        lines.append(
            PortfolioLine(
                initiative=i,
                overall_readiness=round(sum(values) / len(values)) if values else None,
                open_inputs=i.open_inputs,
                open_high_inputs=i.open_high_inputs,
                obligations_open=open_obligations.get(i.pk, 0),
                evidence_files=files.get(i.pk, 0),
            )
        )
    counted, coverage = portfolio_coverage(user)
    return PortfolioReport(timezone.localtime(), lines, by_class, counted, coverage)


# --- PDF ----------------------------------------------------------------------------------------

# The PDF's built-in fonts cover Latin-1; other characters are spelled out or decomposed.
_REPLACE = {
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "…": "...",
    "→": "->",
    "≥": ">=",
    "≤": "<=",
    "•": "-",
    "·": "-",
    "Ł": "L",
    "ł": "l",
    "\u00a0": " ",
    "€": "EUR",
}


def pdf_text(value: Any) -> str:
    """Text the PDF's Latin-1 fonts can show: typographic characters become plain ones, accents
    are kept where Latin-1 has them, anything else becomes "?"."""
    text = "" if value is None else str(value)
    text = "".join(_REPLACE.get(ch, ch) for ch in text)
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


class _Pdf(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = pdf_text(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(self.doc_title)
        self.set_creator("Harmony Portal")
        self.add_page()

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        page = gettext("page %(page)s/%(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, f"{self.doc_title} - {pdf_text(page)}", align="C")
        self.set_text_color(0)

    def heading(self, text: str, size: int = 13):
        self.ln(2)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=9)

    def para(self, text: str):
        self.set_font("Helvetica", size=9)
        self.multi_cell(0, 5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    def grid(self, header: list[str], rows: list[list[Any]], widths: tuple[int, ...], wrap="WORD"):
        self.set_font("Helvetica", size=8)
        with self.table(
            col_widths=widths, text_align="LEFT", line_height=4.5, wrapmode=wrap
        ) as table:
            head = table.row()
            for cell in header:
                head.cell(pdf_text(cell))
            for values in rows:
                row = table.row()
                for cell in values:
                    row.cell(pdf_text("-" if cell in (None, "") else cell))
        self.ln(2)


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "-"


def initiative_pdf(report: InitiativeReport) -> bytes:
    """The initiative report as a PDF document."""
    i = report.initiative
    pdf = _Pdf(gettext("%(reference)s readiness report") % {"reference": i.reference})
    pdf.heading(f"{i.reference} {i.title}", 16)
    pdf.para(
        gettext(
            "Readiness report for the steering committee, %(when)s. Sponsor %(sponsor)s; "
            "%(phase)s phase; %(status)s; risk status %(risk)s."
        )
        % {
            "when": formats.date_format(report.generated_at, "d M Y H:i"),
            "sponsor": _person(i.sponsor),
            "phase": i.get_phase_display(),
            "status": i.get_status_display(),
            "risk": report.risk_level,
        }
    )
    f = report.figures
    pdf.grid(
        [
            gettext("Overall readiness"),
            gettext("Open design inputs"),
            gettext("Open high"),
            gettext("Obligations open"),
            gettext("References addressed"),
            gettext("Evidence files"),
        ],
        [
            [
                f"{f['overall_readiness']}%"
                if f["overall_readiness"] is not None
                else gettext("n/a"),
                f["open_inputs"],
                f["open_high_inputs"],
                f["obligations_open"],
                gettext("%(addressed)s of %(total)s")
                % {
                    "addressed": f["references_addressed"],
                    "total": f["references_addressed"] + f["references_open"],
                },
                f["evidence_files"],
            ]
        ],
        (30, 30, 25, 30, 40, 25),
    )
    pdf.heading(gettext("Readiness per concern"))
    pdf.grid(
        [
            gettext("Concern"),
            gettext("Status"),
            gettext("Score"),
            gettext("Readiness"),
            gettext("Why"),
        ],
        [
            [
                c.label,
                c.status,
                c.score,
                f"{c.readiness}%" if c.readiness is not None else gettext("n/a"),
                " ".join(c.reasons),
            ]
            for c in report.concerns
        ],
        (38, 24, 12, 18, 88),
    )
    if report.risk_reasons:
        pdf.para(gettext("Risk status: %(reasons)s") % {"reasons": " ".join(report.risk_reasons)})
    pdf.heading(
        gettext("EU AI Act classification: %(class)s") % {"class": report.classification.label}
    )
    for reason in report.classification.reasons:
        pdf.para(f"- {reason}")
    if report.obligations:
        pdf.grid(
            [
                gettext("Article"),
                gettext("Obligation"),
                gettext("Status"),
                gettext("Owner"),
                gettext("Evidence"),
            ],
            [
                [
                    o.article,
                    o.title,
                    o.get_status_display(),
                    _person(o.owner),
                    ", ".join(e.title for e in o.live_evidence),
                ]
                for o in report.obligations
            ],
            (20, 70, 25, 30, 35),
        )
    pdf.heading(gettext("Open design inputs"))
    if report.open_inputs:
        pdf.grid(
            [
                gettext("Severity"),
                gettext("Concern"),
                gettext("Design input"),
                gettext("Owner"),
                gettext("Due"),
            ],
            [
                [
                    d.get_severity_display(),
                    d.get_area_display(),
                    d.title,
                    _person(d.owner),
                    d.due_date,
                ]
                for d in report.open_inputs
            ],
            (18, 38, 74, 30, 20),
        )
    else:
        pdf.para(gettext("None open."))
    pdf.heading(gettext("Decisions"))
    if report.decisions:
        pdf.grid(
            [
                gettext("Date"),
                gettext("Kind"),
                gettext("Decision"),
                gettext("Decided by"),
                gettext("Accountable"),
            ],
            [
                [
                    formats.date_format(d.decided_at, "d M Y"),
                    d.get_kind_display(),
                    d.summary,
                    _person(d.decided_by),
                    _person(d.accountable),
                ]
                for d in report.decisions
            ],
            (22, 32, 66, 30, 30),
        )
    else:
        pdf.para(gettext("No decisions recorded."))
    pdf.heading(gettext("Framework coverage"))
    pdf.grid(
        [gettext("Framework"), gettext("Item"), gettext("Status"), gettext("Addressed by")],
        [
            [
                r.reference.get_framework_display(),
                r.reference.code,
                r.status.replace("_", " "),
                "; ".join(r.addressed_by),
            ]
            for r in report.coverage
        ],
        (40, 24, 22, 94),
    )
    pdf.heading(gettext("Evidence (SHA-256 of each file)"))
    if report.evidence:
        pdf.grid(
            [
                gettext("Document"),
                gettext("Version"),
                gettext("For"),
                gettext("Uploaded"),
                gettext("SHA-256"),
            ],
            [
                [
                    e.title + (gettext(" (removed)") if e.is_removed else ""),
                    e.version,
                    e.get_target_display(),
                    f"{formats.date_format(e.uploaded_at, 'd M Y')} {_person(e.uploaded_by)}",
                    e.sha256,
                ]
                for e in report.evidence
            ],
            (40, 14, 26, 30, 70),
            wrap="CHAR",  # a hash has no spaces to break at
        )
    else:
        pdf.para(gettext("No evidence files."))
    return bytes(pdf.output())


def portfolio_pdf(report: PortfolioReport) -> bytes:
    """The portfolio report as a PDF document."""
    pdf = _Pdf(gettext("AI portfolio readiness report"))
    pdf.heading(gettext("AI portfolio readiness report"), 16)
    pdf.para(
        gettext("%(count)s initiatives with IT, %(when)s. EU AI Act classes: %(classes)s.")
        % {
            "count": len(report.lines),
            "when": formats.date_format(report.generated_at, "d M Y H:i"),
            "classes": ", ".join(
                f"{label} {report.by_class.get(value, 0)}" for value, label in _CLASSES
            ),
        }
    )
    pdf.grid(
        [
            gettext("Initiative"),
            gettext("Status"),
            gettext("Risk"),
            gettext("AI Act"),
            gettext("Readiness"),
            gettext("Open inputs (high)"),
            gettext("Obligations open"),
            gettext("Evidence"),
        ],
        [
            [
                f"{line.initiative.reference} {line.initiative.title}",
                line.initiative.get_status_display(),
                line.initiative.get_risk_level_display(),
                line.initiative.get_ai_act_class_display() or gettext("Not screened"),
                f"{line.overall_readiness}%"
                if line.overall_readiness is not None
                else gettext("n/a"),
                f"{line.open_inputs} ({line.open_high_inputs})",
                line.obligations_open,
                line.evidence_files,
            ]
            for line in report.lines
        ],
        (50, 20, 16, 22, 18, 20, 18, 16),
    )
    pdf.heading(gettext("Framework coverage across the portfolio"))
    pdf.grid(
        [
            gettext("Framework"),
            gettext("Item"),
            gettext("Addressed"),
            gettext("Open"),
            gettext("Not applicable"),
        ],
        [
            [
                c.reference.get_framework_display(),
                c.reference.code,
                c.addressed,
                c.open,
                c.not_applicable,
            ]
            for c in report.coverage
        ],
        (50, 30, 30, 30, 40),
    )
    return bytes(pdf.output())


_CLASSES = [
    ("prohibited", _("prohibited")),
    ("high_risk", _("high-risk")),
    ("transparency", _("transparency")),
    ("minimal", _("minimal")),
    ("", _("not screened")),
]
