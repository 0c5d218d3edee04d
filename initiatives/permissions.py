"""Who may see, edit and review an initiative. Pages and the API both ask these functions.

Visibility:
- IT leads, executives and administrators see the whole portfolio, confidential included.
- An initiative's own people (sponsor, co-sponsors, assigned reviewers, architecture owners)
  hold a django-guardian `view_initiative` permission on it.
- The people named decision owner and accountable person are its partners
  (`is_named_partner`): they see it, read its audit trail and may accept risk for it.
- Everyone else signed in sees submitted, non-confidential initiatives: portfolio transparency
  lets teams find overlapping work before they build a second shadow system.
- Drafts stay with their people until submitted.
"""

from django.db.models import Q, QuerySet

from core import access

from .models import Initiative, InitiativeUserObjectPermission, Status
from .roles import Role, has_role, sees_whole_portfolio

VIEW = "view_initiative"
CHANGE = "change_initiative"
REVIEW = "review_initiative"


def _object_perms(user, initiative: Initiative) -> set[str]:
    """Codenames the user holds on this initiative, cached per user for the request."""
    cache = user.__dict__.setdefault("_initiative_perm_cache", {})
    if initiative.pk not in cache:
        cache[initiative.pk] = set(
            InitiativeUserObjectPermission.objects.filter(
                user=user, content_object_id=initiative.pk
            ).values_list("permission__codename", flat=True)
        )
    return cache[initiative.pk]


def prime_object_perms(user, initiative_ids) -> None:
    """Load the user's rights on many initiatives in one query (lists that check each row)."""
    if not user.is_authenticated:
        return
    cache = user.__dict__.setdefault("_initiative_perm_cache", {})
    wanted = {pk for pk in initiative_ids if pk not in cache}
    if not wanted:
        return
    for pk in wanted:
        cache[pk] = set()
    rows = InitiativeUserObjectPermission.objects.filter(
        user=user, content_object_id__in=wanted
    ).values_list("content_object_id", "permission__codename")
    for pk, codename in rows:
        cache[pk].add(codename)


def forget_cached_perms(user) -> None:
    user.__dict__.pop("_initiative_perm_cache", None)


def can_register(user) -> bool:
    """Business sponsors (and administrators) register new initiatives."""
    return user.is_authenticated and has_role(user, Role.SPONSOR, Role.ADMINISTRATOR)


def is_member(user, initiative: Initiative) -> bool:
    """One of the initiative's own people (holds an object permission on it)."""
    return user.is_authenticated and VIEW in _object_perms(user, initiative)


def is_named_partner(user, initiative: Initiative) -> bool:
    """The person named decision owner or accountable person: a partner of the initiative.

    The one rule for what naming gives (issue 15, point 4): such a person sees the initiative
    (confidential too), reads its audit trail (`can_audit`) and may accept risk for it, on a
    design input and in the decision log alike (`has_risk_authority`).
    """
    return (
        user is not None
        and user.is_authenticated
        and user.pk is not None
        and user.pk in (initiative.decision_owner_id, initiative.accountable_person_id)
    )


def named_partner_filter(user, prefix: str = "") -> Q:
    """The Q of `is_named_partner` for querysets of initiatives (`prefix`: the path to the
    initiative from another model, e.g. "initiative__")."""
    return Q(**{f"{prefix}decision_owner": user}) | Q(**{f"{prefix}accountable_person": user})


def can_view(user, initiative: Initiative) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if sees_whole_portfolio(user) or is_member(user, initiative):
        return True
    if is_named_partner(user, initiative):
        return True
    return not initiative.confidential and initiative.status != Status.DRAFT


def can_edit(user, initiative: Initiative) -> bool:
    """Sponsor and co-sponsors edit their initiative while it is a draft."""
    return (
        user.is_authenticated
        and initiative.status == Status.DRAFT
        and CHANGE in _object_perms(user, initiative)
    )


def can_manage(user, initiative: Initiative) -> bool:
    """Sponsor-side actions outside drafts: withdraw, reopen for editing, answer IT."""
    return user.is_authenticated and CHANGE in _object_perms(user, initiative)


# Who may accept a risk on an initiative's behalf (design inputs and the decision log alike).
RISK_AUTHORITY_ROLES = (Role.IT_LEAD, Role.EXECUTIVE)


def has_risk_authority(person, initiative: Initiative) -> bool:
    """May this person accept risk for the initiative? IT leads, executives, or its named
    partners (`is_named_partner`: decision owner, accountable person)."""
    if person is None or not person.is_active:
        return False
    return has_role(person, *RISK_AUTHORITY_ROLES) or is_named_partner(person, initiative)


def can_review(user, initiative: Initiative) -> bool:
    """Assigned IT reviewers, and IT leads on every initiative."""
    if not user.is_authenticated:
        return False
    if has_role(user, Role.IT_LEAD):
        return True
    return REVIEW in _object_perms(user, initiative)


def member_initiative_ids(user) -> QuerySet:
    """Ids of the initiatives the user is one of the people of, as a subquery."""
    return InitiativeUserObjectPermission.objects.filter(
        user=user, permission__codename=VIEW
    ).values("content_object_id")


def visibility_filter(user, prefix: str = "") -> Q | None:
    """The Q that restricts initiatives to those the user may see; None means all of them.

    `prefix` is the path to the initiative from another model ("initiative__" for design
    inputs): the rules then test the joined initiative row of each row, instead of asking
    whether its initiative is among all the visible ones — a semi-join that hashed every
    visible initiative of the portfolio on every query (100,000 rows for 845 notifications)."""
    if sees_whole_portfolio(user):
        return None
    return (
        Q(**{f"{prefix}pk__in": member_initiative_ids(user)})
        | named_partner_filter(user, prefix)
        | (Q(**{f"{prefix}confidential": False}) & ~Q(**{f"{prefix}status": Status.DRAFT}))
    )


def restrict_to_visible(user, queryset: QuerySet, prefix: str = "") -> QuerySet:
    """Filter any queryset to rows whose initiative the user may see.

    `prefix` is the path to the initiative, e.g. "initiative__" for design inputs; it must
    lead along foreign keys (one initiative per row), so no row is repeated.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    q = visibility_filter(user, prefix)
    return queryset if q is None else queryset.filter(q)


def viewers(initiative: Initiative) -> QuerySet:
    """The active users who may see the initiative (the rules of `can_view`, as one query):
    for people pickers, which must never offer someone the initiative is hidden from, nor
    leave out someone who sees it (its named partners too)."""
    from django.contrib.auth import get_user_model

    from .roles import PORTFOLIO_ROLES

    users = get_user_model().objects.filter(is_active=True)
    if not initiative.confidential and initiative.status != Status.DRAFT:
        return users
    members = InitiativeUserObjectPermission.objects.filter(
        content_object_id=initiative.pk, permission__codename=VIEW
    ).values("user_id")
    partners = (initiative.decision_owner_id, initiative.accountable_person_id)
    return users.filter(
        Q(pk__in=members)
        | Q(pk__in=partners)  # `is_named_partner`; a role not named yet (None) matches nobody
        | Q(is_superuser=True)
        | Q(pk__in=users.filter(groups__name__in=PORTFOLIO_ROLES).values("pk"))
    )


def can_audit(user, initiative: Initiative) -> bool:
    """Who may read an initiative's audit trail (who did what): IT leads, executives and
    administrators (the whole portfolio), the initiative's own people (sponsor,
    co-sponsors, assigned reviewers) and its named partners (decision owner, accountable
    person), who should see what was recorded about their work. Others who merely see a
    public initiative do not see who did what."""
    return can_view(user, initiative) and (
        sees_whole_portfolio(user)
        or is_member(user, initiative)
        or is_named_partner(user, initiative)
    )


def audited_initiative_ids(user) -> QuerySet | None:
    """The initiatives whose audit trail the user may read, as a subquery; None means all."""
    if sees_whole_portfolio(user):
        return None
    return Initiative.objects.filter(
        Q(pk__in=member_initiative_ids(user)) | named_partner_filter(user)
    ).values("pk")


# What the layers below this app ask through `core.access` (registered in InitiativesConfig).
ACCESS_RULES = access.AccessRules(
    initiatives=Initiative.objects.all,
    restrict=restrict_to_visible,
    may_audit=can_audit,
    audited_initiative_ids=audited_initiative_ids,
)
