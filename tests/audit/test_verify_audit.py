"""`manage.py verify_audit` passes an intact chain and finds every kind of tampering."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.chain import HASHED_FIELDS, compute_hash
from initiatives import services
from tests.audit.conftest import events, tamper


@pytest.mark.django_db
class TestVerify:
    @pytest.fixture
    def trail(self, users, complete_initiative):
        services.submit_initiative(initiative=complete_initiative, user=complete_initiative.sponsor)
        services.grant_membership(
            complete_initiative, users["reviewer"], can_review=True, actor=users["it_lead"]
        )
        return events()

    def test_intact_chain_passes(self, trail, capsys):
        call_command("verify_audit")
        assert f"intact: {len(trail)} event(s)" in capsys.readouterr().out

    def test_altered_row_is_found(self, trail):
        target = trail[1]
        tamper(
            "UPDATE governance_auditevent SET changes = %s WHERE id = %s",
            [json.dumps({"status": ["draft", "ready_for_build"]}), target.pk],
        )
        with pytest.raises(CommandError, match=f"BROKEN at event #{target.seq} .*altered"):
            call_command("verify_audit")

    def test_altered_row_with_recomputed_hash_breaks_the_next_link(self, trail):
        target = trail[0]
        fields = {name: getattr(target, name) for name in HASHED_FIELDS}
        fields["object_repr"] = "forged"
        tamper(
            "UPDATE governance_auditevent SET object_repr = 'forged', hash = %s WHERE id = %s",
            [compute_hash(fields), target.pk],
        )
        with pytest.raises(CommandError, match=f"event #{trail[1].seq} .*prev_hash"):
            call_command("verify_audit")

    def test_deleted_row_is_found(self, trail):
        tamper("DELETE FROM governance_auditevent WHERE id = %s", [trail[1].pk])
        with pytest.raises(CommandError, match=f"#{trail[2].seq} .*missing"):
            call_command("verify_audit")

    def test_rows_cut_off_the_end_are_found(self, trail):
        tamper("DELETE FROM governance_auditevent WHERE id = %s", [trail[-1].pk])
        with pytest.raises(CommandError, match="removed from the end"):
            call_command("verify_audit")
