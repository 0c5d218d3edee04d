"""`manage.py bench` at a tiny scale, so the loader and the measurements keep working."""

import json

import pytest
from django.core.management import CommandError, call_command

from benchmarks import loader, measure
from governance.sessions.models import WorkingSession
from initiatives.models import Initiative, InitiativeUserObjectPermission
from reviews.models import ConcernArea, ConcernAssessment, DesignInput


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
        "--initiatives=20",
        "--small=10",
        "--requests=2",
        "--warmup=0",
        f"--output={output}",
        "--force-database",
    )
    printed = capsys.readouterr().out
    assert "endpoint" in printed and "p95 ms" in printed
    assert "initiative detail" in printed
    results = json.loads(output.read_text())
    assert results["large"]["counts"]["initiatives"] == 20
    assert results["small"]["counts"]["initiatives"] == 10
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
