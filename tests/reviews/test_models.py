"""Constraints of the review models that the database enforces on its own."""

import pytest

from reviews.models import EvaluationCriterion, VendorScore
from tests.reviews.conftest import _evaluation

pytestmark = pytest.mark.django_db


def test_database_refuses_scores_and_weights_out_of_range(users):
    from django.db import IntegrityError, transaction

    initiative, (a,), (crit,) = _evaluation(users, ["Alpha"], [("Security", 2)])
    with pytest.raises(IntegrityError), transaction.atomic():
        VendorScore.objects.create(criterion=crit, vendor=a, score=6, scored_by=users["reviewer"])
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationCriterion.objects.create(initiative=initiative, name="Heavy", weight=11)
