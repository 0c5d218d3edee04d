"""Overlap detection: initiatives like the one a sponsor is describing, so teams join existing
work instead of building a second shadow system.

Similar means the same problem in other words (text similarity of title and problem), the
same registered system, or the same vendor; the same site ranks a match higher. On PostgreSQL
the text is compared by trigram similarity (pg_trgm, created by migration 0007); on SQLite
(`make run`) by the share of significant words in common. Whatever the backend, only the
initiatives the user may see are candidates (`restrict_to_visible`), so a suggestion never
shows — or hints at — an initiative hidden from her.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest

from .models import ACTIVE_STATUSES, Initiative, Status
from .permissions import restrict_to_visible

# Below this text similarity (0–1) a shared problem is not claimed: trigram similarity on
# PostgreSQL, the share of significant words in common elsewhere.
TEXT_THRESHOLD = 0.3
FALLBACK_TEXT_THRESHOLD = 0.2
# How many candidates the SQLite fallback compares in Python (most recently changed first).
FALLBACK_CANDIDATES = 500
MAX_RESULTS = 8
_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_STOP = frozenset(
    {
        "with",
        "from",
        "that",
        "this",
        "have",
        "will",
        "into",
        "their",
        "they",
        "them",
        "when",
        "what",
        "which",
        "where",
        "while",
        "than",
        "then",
        "also",
        "more",
        "most",
        "less",
        "each",
        "every",
        "over",
        "under",
        "about",
        "after",
        "before",
        "line",
        "plant",
        "using",
        "based",
        "need",
        "needs",
        "want",
        "wants",
        "help",
    }  # fmt: skip
)


@dataclass
class Overlap:
    initiative: Initiative
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Description:
    """What is known of the idea being described (all optional)."""

    title: str = ""
    problem: str = ""
    site_id: int | None = None
    system_ids: frozenset[int] = frozenset()
    vendor_names: frozenset[str] = frozenset()
    exclude_id: int | None = None

    @property
    def text(self) -> str:
        return f"{self.title} {self.problem}".strip()

    @classmethod
    def of(cls, initiative: Initiative, **overrides) -> "Description":
        """An initiative as saved: its text, site, registered systems and vendors."""
        values = {
            "title": initiative.title,
            "problem": initiative.business_problem,
            "site_id": initiative.site_id,
            "system_ids": frozenset(
                i.system_id for i in initiative.integrations.all() if i.system_id
            ),
            "vendor_names": frozenset(
                _norm(v.name) for v in initiative.vendors.all() if v.name.strip()
            )
            | frozenset(_norm(i.vendor) for i in initiative.integrations.all() if i.vendor),
            "exclude_id": initiative.pk,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _use_trigrams() -> bool:
    return connection.vendor == "postgresql"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _candidates(user, description: Description) -> QuerySet[Initiative]:
    qs = (
        Initiative.objects.exclude(status=Status.WITHDRAWN)
        .select_related("site", "sponsor")
        .prefetch_related("integrations__system", "vendors")
    )
    if description.exclude_id:
        qs = qs.exclude(pk=description.exclude_id)
    return restrict_to_visible(user, qs)


def _shared(initiative: Initiative, description: Description) -> tuple[list[str], list[str]]:
    systems = sorted(
        {
            i.system.name
            for i in initiative.integrations.all()
            if i.system_id and i.system_id in description.system_ids
        }
    )
    theirs = {_norm(v.name): v.name for v in initiative.vendors.all()}
    theirs.update({_norm(i.vendor): i.vendor for i in initiative.integrations.all() if i.vendor})
    vendors = sorted(name for key, name in theirs.items() if key in description.vendor_names)
    return systems, vendors


def _text_scores_postgres(qs: QuerySet, text: str) -> QuerySet:
    return qs.annotate(
        text_score=Greatest(
            TrigramSimilarity("title", Value(text)),
            Coalesce(TrigramSimilarity("business_problem", Value(text)), 0.0),
            output_field=FloatField(),
        )
    )


def similar_initiatives(user, description: Description, limit: int = MAX_RESULTS) -> list[Overlap]:
    """The initiatives the user may see that look like the description, best first, each with
    why (similar problem, same site, same system, same vendor)."""
    if not user.is_authenticated:
        return []
    qs = _candidates(user, description)
    text = description.text[:2000]
    linked = Q()
    if description.system_ids:
        linked |= Q(integrations__system_id__in=description.system_ids)
    rows: list[tuple[Initiative, float]]
    if text and _use_trigrams():
        scored = _text_scores_postgres(qs, text)
        keep = Q(text_score__gte=TEXT_THRESHOLD)
        if description.system_ids:
            keep |= Q(pk__in=qs.filter(linked).values("pk"))
        if description.vendor_names:
            keep |= Q(pk__in=_vendor_matches(qs, description).values("pk"))
        rows = [
            (i, i.text_score or 0.0)
            for i in scored.filter(keep).order_by(F("text_score").desc(nulls_last=True))[:200]
        ]
    else:
        words = _words(text)
        rows = []
        for initiative in qs.order_by("-updated_at")[:FALLBACK_CANDIDATES]:
            theirs = _words(f"{initiative.title} {initiative.business_problem}")
            score = len(words & theirs) / len(words | theirs) if words and theirs else 0.0
            rows.append((initiative, score))
    overlaps = []
    for initiative, text_score in rows:
        systems, vendors = _shared(initiative, description)
        threshold = TEXT_THRESHOLD if connection.vendor == "postgresql" else FALLBACK_TEXT_THRESHOLD
        similar = text_score >= threshold
        if not (similar or systems or vendors):
            continue
        reasons = []
        if similar:
            reasons.append("similar problem")
        if description.site_id and initiative.site_id == description.site_id:
            reasons.append("same site")
        reasons += [f"same system: {name}" for name in systems]
        reasons += [f"same vendor: {name}" for name in vendors]
        score = text_score + 0.3 * len(systems) + 0.2 * len(vendors)
        score += 0.1 if "same site" in reasons else 0.0
        overlaps.append(Overlap(initiative, round(score, 3), reasons))
    overlaps.sort(key=lambda o: (-o.score, -o.initiative.pk))
    return overlaps[:limit]


def _vendor_matches(qs: QuerySet, description: Description) -> QuerySet:
    q = Q()
    for name in description.vendor_names:
        q |= Q(vendors__name__iexact=name) | Q(integrations__vendor__iexact=name)
    return qs.filter(q)


@dataclass
class SiteOverlap:
    """Two initiatives at different sites that look like the same work."""

    first: Initiative
    second: Initiative
    score: float
    reasons: list[str] = field(default_factory=list)


# How many active initiatives the portfolio comparison looks at (most recently changed first);
# the pairs grow with the square, so the dashboard stays fast on a large portfolio.
PORTFOLIO_CANDIDATES = 300


def _profile(initiative: Initiative) -> tuple[set[str], dict[str, str], dict[str, str]]:
    words = _words(f"{initiative.title} {initiative.business_problem}")
    systems = {}
    for i in initiative.integrations.all():
        name = i.system.name if i.system_id else i.name
        systems[_norm(name)] = name
    vendors = {_norm(v.name): v.name for v in initiative.vendors.all() if v.name.strip()}
    vendors.update({_norm(i.vendor): i.vendor for i in initiative.integrations.all() if i.vendor})
    return words, systems, vendors


def cross_site_overlaps(user, limit: int = 10) -> list[SiteOverlap]:
    """Pairs of active initiatives at different sites that look like the same work: a similar
    problem (shared significant words), a system of the same name (each plant registers its
    own MES), or the same vendor. Only initiatives the user may see; best pairs first."""
    if not user.is_authenticated:
        return []
    qs = restrict_to_visible(
        user,
        Initiative.objects.filter(status__in=ACTIVE_STATUSES, site__isnull=False)
        .select_related("site")
        .prefetch_related("integrations__system", "vendors"),
    ).order_by("-updated_at")[:PORTFOLIO_CANDIDATES]
    profiles = [(initiative, _profile(initiative)) for initiative in qs]
    pairs = []
    for index, (a, (words_a, systems_a, vendors_a)) in enumerate(profiles):
        for b, (words_b, systems_b, vendors_b) in profiles[index + 1 :]:
            if a.site_id == b.site_id:
                continue
            union = words_a | words_b
            text = len(words_a & words_b) / len(union) if union else 0.0
            systems = sorted(systems_a[k] for k in systems_a.keys() & systems_b.keys())
            vendors = sorted(vendors_a[k] for k in vendors_a.keys() & vendors_b.keys())
            if text < FALLBACK_TEXT_THRESHOLD and not systems and not vendors:
                continue
            reasons = ["similar problem"] if text >= FALLBACK_TEXT_THRESHOLD else []
            reasons += [f"same system: {name}" for name in systems]
            reasons += [f"same vendor: {name}" for name in vendors]
            score = text + 0.3 * len(systems) + 0.2 * len(vendors)
            first, second = sorted((a, b), key=lambda i: i.pk)
            pairs.append(SiteOverlap(first, second, round(score, 3), reasons))
    pairs.sort(key=lambda p: (-p.score, p.first.pk, p.second.pk))
    return pairs[:limit]
