"""The submission notice: recorded in the outbox with the submission, sent by a real worker
through Redis, at most once however often the task runs."""

import pytest
from django.core import mail
from django.db import transaction

from harmony_portal.celery import app
from initiatives import services
from initiatives.models import Initiative
from initiatives.tasks import notify_it_of_submission
from outbox.models import Message
from outbox.relay import relay_due
from tests import factories
from tests.conftest import RealWorker, need_service

NOTICE = "initiatives.tasks.notify_it_of_submission"


@pytest.mark.django_db
def test_notification_is_sent_once_even_when_task_runs_twice(users, settings):
    users["it_lead"].email = "lead@example.com"
    users["it_lead"].save()
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    assert notify_it_of_submission(initiative.pk) is True
    assert notify_it_of_submission(initiative.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lead@example.com"]
    assert initiative.reference in mail.outbox[0].subject


@pytest.mark.django_db
def test_submitting_records_the_notice_in_the_outbox_of_the_same_transaction(users):
    initiative = factories.complete_initiative(sponsor=users["sponsor"])
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    message = Message.objects.get(task=NOTICE)
    assert message.kwargs == {"initiative_id": initiative.pk}
    assert message.key == f"submission-notice:{initiative.pk}"


@pytest.mark.django_db
def test_a_submission_that_rolls_back_leaves_no_notice(users):
    initiative = factories.complete_initiative(sponsor=users["sponsor"])
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit_initiative(initiative=initiative, user=users["sponsor"])
        raise RuntimeError("the request failed after the submission")
    assert not Message.objects.filter(task=NOTICE).exists()
    assert Initiative.objects.get(pk=initiative.pk).status == "draft"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_relay_hands_the_notice_to_a_real_worker_through_redis(redis_url):
    need_service("Redis broker", app.conf.broker_url.startswith("redis://"))
    users = factories.role_users()
    users["it_lead"].email = "lead@example.com"
    users["it_lead"].save()
    initiative = factories.complete_initiative(sponsor=users["sponsor"])
    # Clear anything earlier tests left in the queue; this worker must only see ours.
    app.control.purge()
    services.submit_initiative(initiative=initiative, user=users["sponsor"])
    with RealWorker(app) as worker:
        assert relay_due() >= 1
        worker.wait_for(NOTICE)
        # The same task again (a relay that published twice): the notice is not repeated.
        notify_it_of_submission.delay(initiative.pk)
        worker.wait_for(NOTICE, count=2)
    initiative.refresh_from_db()
    assert initiative.submission_notified_at is not None
    assert not Message.objects.filter(task=NOTICE).exists()
    assert len([m for m in mail.outbox if initiative.reference in m.subject]) == 1
