"""`manage.py bench` at a tiny scale, so the loader and the measurements keep working."""

import json

import pytest
from django.core.management import CommandError, call_command

from audit.chain import verify_chain
from audit.models import AuditEvent
from audit.services import record_event
from benchmarks import loader, measure
from governance.notifications.models import Notification
from governance.sessions.models import WorkingSession
from initiatives.models import Initiative, InitiativeUserObjectPermission
from reviews.models import (
    ComponentOwnership,
    ConcernArea,
    ConcernAssessment,
    DesignInput,
    VendorScore,
)


def test_counts_scale_with_the_number_of_initiatives():
    counts = loader.scaled_counts(10_000)
    assert counts["initiatives"] == 10_000
    assert counts["assessments"] == 10_000 * len(ConcernArea)
    assert counts["design_inputs"] == 30_000
    assert counts["working_sessions"] == 5_000


@pytest.mark.django_db
def test_loader_writes_a_consistent_portfolio():
    lines = []
    dataset = loader.load_dataset(40, report=lines.append)
    assert Initiative.objects.count() == 40
    assert ConcernAssessment.objects.count() == 40 * len(ConcernArea)
    assert DesignInput.objects.count() == 120
    assert WorkingSession.objects.count() == dataset.counts["working_sessions"] == 20
    assert dataset.counts["guardian_rows"] == InitiativeUserObjectPermission.objects.count()
    # Every sponsor can change their own initiatives, as the services would have granted it.
    sponsor_grants = InitiativeUserObjectPermission.objects.filter(
        permission__codename="change_initiative"
    )
    assert sponsor_grants.count() == 40
    assert all(g.user_id == g.content_object.sponsor_id for g in sponsor_grants)
    # Long work shows progress.
    assert any("initiatives" in line and "100%" in line for line in lines)
    # Every table the pages read is filled, and the audit history is a chain the portal
    # verifies and appends to.
    assert AuditEvent.objects.count() == dataset.counts["audit_events"] == 400
    assert verify_chain().ok
    record_event(actor=None, action="bench.after", obj=Initiative.objects.first())
    assert verify_chain().ok and AuditEvent.objects.order_by("-seq").first().seq == 401
    assert Notification.objects.count() == dataset.counts["notifications"] == 120
    assert VendorScore.objects.count() == dataset.counts["vendor_scores"] > 0
    assert ComponentOwnership.objects.count() == dataset.counts["components"] > 0


@pytest.mark.parametrize("initiatives", [20, 1_000, 10_000, 100_000])
def test_people_do_not_grow_with_the_portfolio(initiatives):
    counts = loader.scaled_counts(initiatives)
    assert counts["reviewers"] == 30
    shares = loader.sponsor_shares(initiatives)
    assert sum(shares) == initiatives and len(shares) >= 3
    assert min(shares) >= 1 and shares[0] == max(shares)
    if initiatives >= 10_000:
        # From 5 to 200 initiatives a sponsor, the first sponsor holding the most.
        assert 195 <= shares[0] <= 205 and 4 <= min(shares) <= 6
    assert counts["audit_events"] == 10 * initiatives


@pytest.mark.django_db
def test_measure_reports_latency_and_queries_of_a_real_page():
    loader.load_dataset(20, report=lambda line: None)
    detail = next(e for e in measure.endpoints() if e.name == "initiative detail")
    result = measure.measure(detail, requests=3, warmup=1)
    assert result.available and result.status == 200
    assert result.p50_ms > 0 and result.p95_ms >= result.p50_ms
    assert result.queries > 0


@pytest.mark.django_db
def test_missing_pages_are_reported_not_available():
    result = measure.measure(measure.Endpoint("nowhere", "reviewer", None))
    assert not result.available and result.note == "not available in this build"


def test_bench_refuses_a_database_not_named_for_benchmarks(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "harmony")
    with pytest.raises(CommandError, match="contains 'bench'"):
        call_command("bench")


@pytest.mark.django_db(transaction=True)
def test_bench_command_prints_a_table_and_writes_json(tmp_path, capsys):
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        # Sizes at which the detail initiative has an overlap at both (a vendor in common):
        # its page then runs the same queries whatever the size.
        "--initiatives=160",
        "--small=80",
        "--requests=2",
        "--warmup=0",
        f"--output={output}",
        "--force-database",
    )
    printed = capsys.readouterr().out
    assert "endpoint" in printed and "p95 ms" in printed
    assert "initiative detail" in printed
    results = json.loads(output.read_text())
    assert results["large"]["counts"]["initiatives"] == 160
    assert results["small"]["counts"]["initiatives"] == 80
    detail = next(m for m in results["large"]["endpoints"] if m["name"] == "initiative detail")
    assert detail["status"] == 200 and detail["queries"] == detail["queries_small"]
    assert "risk_sweep" in results["large"]


@pytest.mark.django_db
def test_risk_sweep_is_timed_when_named(monkeypatch):
    import benchmarks.measure

    calls = []
    monkeypatch.setattr(benchmarks.measure, "_probe_sweep", lambda: calls.append(1), raising=False)
    result = measure.time_risk_sweep(runs=2, dotted_path="benchmarks.measure._probe_sweep")
    assert result["available"] and result["function"] == "benchmarks.measure._probe_sweep"
    assert len(result["seconds"]) == 2 and calls == [1, 1]


@pytest.mark.django_db(transaction=True)
def test_bench_loads_pages_through_gunicorn_with_wrk(tmp_path, capsys):
    """`bench --http`: a real gunicorn, loaded by wrk, page after page after /healthz."""
    from django.db import connection

    from tests.conftest import need_service

    need_service("PostgreSQL", connection.vendor == "postgresql")
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        "--initiatives=20",
        "--small=0",
        "--skip-sweep",
        "--only=nothing measured in-process",
        "--http",
        "--http-seconds=1",
        "--http-connections=2",
        "--http-workers=1",
        f"--output={output}",
        "--force-database",
    )
    printed = capsys.readouterr().out
    assert "req/s" in printed and "/healthz (baseline)" in printed
    http = json.loads(output.read_text())["http"]
    assert http["workers"] == 1 and http["connections"] == 2
    rows = {row["name"]: row for row in http["endpoints"]}
    assert list(rows)[0] == "/healthz (baseline)"
    assert {"reviewer queue", "executive dashboard", "initiative detail"} <= set(rows)
    for row in rows.values():
        # Each page answered itself (200, not a sign-in redirect) and under load every answer
        # was a success.
        assert row["status"] == 200, row
        assert row["requests"] > 0 and row["not_ok"] == 0, row
        assert row["requests_per_second"] > 0
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
    # A page costs the portal CPU; gunicorn's processes were measured, not this one.
    assert rows["executive dashboard"]["cpu_ms_per_request"] > 0


@pytest.mark.django_db
def test_an_incremental_sweep_is_timed_full_and_with_nothing_changed(monkeypatch):
    import benchmarks.measure

    calls = []
    monkeypatch.setattr(
        benchmarks.measure, "_probe_sweep", lambda full=False: calls.append(full), raising=False
    )
    result = measure.time_risk_sweep(runs=2, dotted_path="benchmarks.measure._probe_sweep")
    assert calls == [True, True, False]
    assert len(result["seconds"]) == 2 and result["incremental_queries"] == 0
    assert result["incremental_seconds"] >= 0
