"""Background work for initiatives."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Initiative
from .roles import Role


@shared_task(acks_late=True)
def notify_it_of_submission(initiative_id: int) -> bool:
    """Tell IT leads that an initiative entered the IT queue. Sends at most once.

    The row lock plus `submission_notified_at` make a retried or duplicated task a no-op.
    """
    with transaction.atomic():
        initiative = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("sponsor", "site")
            .filter(pk=initiative_id, submission_notified_at__isnull=True)
            .first()
        )
        if initiative is None:
            return False
        leads = get_user_model().objects.filter(groups__name=Role.IT_LEAD, is_active=True)
        recipients = sorted({u.email for u in leads if u.email})
        if recipients:
            url = f"{settings.PORTAL_BASE_URL}{initiative.get_absolute_url()}"
            send_mail(
                subject=f"[Harmony] New AI initiative for IT partnership: {initiative}",
                message=(
                    f"{initiative.sponsor.get_full_name() or initiative.sponsor.username} "
                    f"submitted {initiative.reference} “{initiative.title}” "
                    f"({initiative.get_phase_display()} phase, {initiative.site or 'no site'}).\n\n"
                    f"Assign reviewers: {url}\n"
                ),
                from_email=None,
                recipient_list=recipients,
            )
        initiative.submission_notified_at = timezone.now()
        initiative.save(update_fields=["submission_notified_at"])
    return True
