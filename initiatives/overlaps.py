"""Overlap detection: initiatives like the one a sponsor is describing, so teams join existing
work instead of building a second shadow system.

Similar means the same problem in other words (the share of significant words the two titles
and problems have in common), the same registered system, or the same vendor; the same site
ranks a match higher. The words are compared the same way on every backend, through an
inverted index (`InitiativeWord`, kept on save): the initiatives sharing enough words with the
description are found from the index, never by comparing it with every initiative, so the
answer costs the same at a thousand initiatives and at a hundred thousand. Whatever the
backend, only the initiatives the user may see are candidates (`restrict_to_visible`), so a
suggestion never shows — or hints at — an initiative hidden from her.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import (
    ACTIVE_STATUSES,
    Initiative,
    InitiativeWord,
    IntegrationPoint,
    Status,
    VendorCandidate,
)
from .permissions import restrict_to_visible

# Below this share of significant words in common (0–1, Jaccard) a shared problem is not
# claimed.
TEXT_THRESHOLD = 0.2
# Kept for the portfolio comparison, which has always used the same measure.
FALLBACK_TEXT_THRESHOLD = TEXT_THRESHOLD
# How many initiatives sharing the most words are scored, and how many linked ones (same
# system or vendor, most recently changed first) are weighed: a vendor half the portfolio
# uses must not make every page read half the portfolio.
TEXT_CANDIDATES = 1000
LINKED_CANDIDATES = 200
MAX_RESULTS = 8
MAX_WORD = InitiativeWord._meta.get_field("word").max_length
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


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _fold(word: str) -> str:
    """One form for singular and plural ("sensors" and "sensor", "batteries" and "battery")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        return word[:-1]
    return word


def _words(text: str) -> set[str]:
    return {_fold(w)[:MAX_WORD] for w in _WORD.findall(text.lower()) if w not in _STOP}


def words_of(title: str, problem: str) -> set[str]:
    """The significant words an initiative is compared by: its title's and its problem's."""
    return _words(f"{title} {problem}")


def index_words(initiatives: Iterable[Initiative], write: bool = True) -> list[int]:
    """Bring the word index of these initiatives in line with their title and problem: one
    read of what is stored, and only the difference written (nothing with `write=False`).
    Returns the ids of the initiatives whose stored words differed."""
    wanted = {i.pk: words_of(i.title, i.business_problem) for i in initiatives if i.pk}
    if not wanted:
        return []
    stored: dict[int, set[str]] = {pk: set() for pk in wanted}
    for pk, word in InitiativeWord.objects.filter(initiative_id__in=wanted).values_list(
        "initiative_id", "word"
    ):
        stored[pk].add(word)
    differed = [pk for pk, words in wanted.items() if stored[pk] != words]
    if not write or not differed:
        return differed
    gone = Q()
    new = []
    for pk in differed:
        if stale := stored[pk] - wanted[pk]:
            gone |= Q(initiative_id=pk, word__in=stale)
        new += [InitiativeWord(initiative_id=pk, word=w) for w in wanted[pk] - stored[pk]]
    if gone:
        InitiativeWord.objects.filter(gone).delete()
    InitiativeWord.objects.bulk_create(new, ignore_conflicts=True)
    return differed


def rebuild_words(write: bool = True, chunk: int = 1000) -> tuple[int, list[int]]:
    """Compare (and with `write`, rebuild) every initiative's word index, after writes that
    bypass `save()` such as a bulk load or `update()`: a chunk at a time, each chunk in its
    own transaction. Returns how many initiatives were read and those that differed."""
    last, done, differed = 0, 0, []
    while True:
        rows = list(
            Initiative.objects.filter(pk__gt=last)
            .only("pk", "title", "business_problem")
            .order_by("pk")[:chunk]
        )
        if not rows:
            return done, differed
        with transaction.atomic():
            differed += index_words(rows, write=write)
        last, done = rows[-1].pk, done + len(rows)


@receiver(post_save, sender=Initiative, dispatch_uid="overlaps-index-words")
def _keep_words(sender, instance: Initiative, created: bool, update_fields=None, **kwargs):
    if kwargs.get("raw"):
        return
    if update_fields is not None and not {"title", "business_problem"} & set(update_fields):
        return
    if created:
        words = words_of(instance.title, instance.business_problem)
        InitiativeWord.objects.bulk_create(
            [InitiativeWord(initiative_id=instance.pk, word=w) for w in words]
        )
    else:
        index_words([instance])


def text_scores(description: "Description", limit: int = TEXT_CANDIDATES) -> dict[int, float]:
    """The initiatives whose words are like the description's: {id: share of words in
    common} for those at or above TEXT_THRESHOLD, from the word index alone.

    Two word sets with a share of at least t have at least ceil(t · n) words in common, n the
    description's count. So only the initiatives holding that many of its words are
    candidates, found by one grouped read of the index; their own word counts then give the
    exact share. Of very many candidates (a two-word description while typing), the `limit`
    sharing the most words are scored."""
    words = words_of(description.title, description.problem)
    if not words:
        return {}
    need = max(1, math.ceil(TEXT_THRESHOLD * len(words)))
    # The candidates (holding `need` of the words) as a subquery; the outer read counts each
    # one's words in common and all its words in one pass over its own index rows.
    candidates = (
        InitiativeWord.objects.filter(word__in=words)
        .exclude(initiative_id=description.exclude_id or 0)
        .values("initiative_id")
        .annotate(shared=Count("*"))
        .filter(shared__gte=need)
        .order_by("-shared", "-initiative_id")
        .values("initiative_id")[:limit]
    )
    rows = (
        InitiativeWord.objects.filter(initiative_id__in=candidates)
        .values("initiative_id")
        .annotate(shared=Count("pk", filter=Q(word__in=words)), size=Count("pk"))
        .values_list("initiative_id", "shared", "size")
    )
    scores = {}
    for pk, shared, size in rows:
        score = shared / (len(words) + size - shared)
        if score >= TEXT_THRESHOLD:
            scores[pk] = score
    return scores


def _candidates(user, description: Description) -> QuerySet[Initiative]:
    qs = Initiative.objects.exclude(status=Status.WITHDRAWN)
    if description.exclude_id:
        qs = qs.exclude(pk=description.exclude_id)
    return restrict_to_visible(user, qs)


def _shared(ids: list[int], description: Description) -> dict[int, tuple[list[str], list[str]]]:
    """For each candidate, the description's systems it integrates and vendors it names
    (by name, sorted), read for the candidates only (no initiative is made for this)."""
    systems: dict[int, set[str]] = {pk: set() for pk in ids}
    theirs: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    if not (description.system_ids or description.vendor_names) or not ids:
        return {pk: ([], []) for pk in ids}
    if description.vendor_names:
        for pk, name in VendorCandidate.objects.filter(initiative_id__in=ids).values_list(
            "initiative_id", "name"
        ):
            theirs[pk][_norm(name)] = name
    # Systems and integration vendors in one read of the candidates' integrations.
    for pk, system_id, system, vendor in IntegrationPoint.objects.filter(
        initiative_id__in=ids
    ).values_list("initiative_id", "system_id", "system__name", "vendor"):
        if system_id in description.system_ids:
            systems[pk].add(system)
        if vendor and description.vendor_names:
            theirs[pk][_norm(vendor)] = vendor
    return {
        pk: (
            sorted(systems[pk]),
            sorted(n for key, n in theirs[pk].items() if key in description.vendor_names),
        )
        for pk in ids
    }


def similar_initiatives(user, description: Description, limit: int = MAX_RESULTS) -> list[Overlap]:
    """The initiatives the user may see that look like the description, best first, each with
    why (similar problem, same site, same system, same vendor).

    The candidates are scored from plain values (id, site, shared words, systems and
    vendors); only the few shown are read as initiatives."""
    if not user.is_authenticated:
        return []
    qs = _candidates(user, description)
    scores = text_scores(description)
    linked = _linked(description)
    sites: dict[int, int | None] = {}
    if scores or linked:
        # One read: the visible text matches, then the linked ones most recently changed
        # first, at most LINKED_CANDIDATES of those.
        text = Q(pk__in=list(scores))
        first = Case(When(text, then=Value(0)), default=Value(1))
        found = (
            qs.filter(text | linked if linked else text)
            .order_by(first, "-updated_at", "-pk")
            .values_list("pk", "site_id")[: len(scores) + LINKED_CANDIDATES]
        )
        sites.update(found)
    shared = _shared(list(sites), description)
    ranked = []
    for pk, site_id in sites.items():
        text_score = scores.get(pk, 0.0)
        systems, vendors = shared[pk]
        similar = text_score >= TEXT_THRESHOLD
        if not (similar or systems or vendors):
            continue
        reasons = []
        if similar:
            reasons.append("similar problem")
        if description.site_id and site_id == description.site_id:
            reasons.append("same site")
        reasons += [f"same system: {name}" for name in systems]
        reasons += [f"same vendor: {name}" for name in vendors]
        score = text_score + 0.3 * len(systems) + 0.2 * len(vendors)
        score += 0.1 if "same site" in reasons else 0.0
        ranked.append((round(score, 3), pk, reasons))
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    ranked = ranked[:limit]
    shown = Initiative.objects.select_related("site", "sponsor").in_bulk([r[1] for r in ranked])
    return [Overlap(shown[pk], score, reasons) for score, pk, reasons in ranked]


def _linked(description: Description) -> Q:
    """Initiatives integrating one of the description's systems or naming one of its vendors:
    each an index lookup (the vendor's name by `UPPER`), no join of the whole portfolio."""
    linked = Q()
    if description.system_ids:
        systems = IntegrationPoint.objects.filter(system_id__in=description.system_ids)
        linked |= Q(pk__in=systems.values("initiative_id"))
    if description.vendor_names:
        named = Q()
        for name in description.vendor_names:
            named |= Q(name__iexact=name)
        linked |= Q(pk__in=VendorCandidate.objects.filter(named).values("initiative_id"))
        integrated = Q()
        for name in description.vendor_names:
            integrated |= Q(vendor__iexact=name)
        linked |= Q(pk__in=IntegrationPoint.objects.filter(integrated).values("initiative_id"))
    return linked


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
