"""The production stack as files: docker-compose.yml and the Dockerfile. No Docker engine runs
here, so the structure is checked, and test_production.py runs the same command lines."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_stack_has_web_relay_worker_beat_database_broker_and_migrate(compose):
    assert set(compose["services"]) == {
        "db",
        "redis",
        "minio",
        "minio-init",
        "migrate",
        "web",
        "relay",
        "worker",
        "beat",
    }
    assert compose["services"]["db"]["image"] == "postgres:16"
    assert compose["services"]["redis"]["image"] == "redis:7"
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "miniodata"}
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "redisdata:/data" in compose["services"]["redis"]["volumes"]


def test_every_long_running_service_has_a_healthcheck(compose):
    for name in ("db", "redis", "minio", "web", "relay", "worker", "beat"):
        check = compose["services"][name]["healthcheck"]
        assert check["test"], name
    assert "/readyz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
    # The relay touches its heartbeat file after every pass; the check reads its age.
    relay = compose["services"]["relay"]
    assert relay["command"][:3] == ["python", "manage.py", "relay_outbox"]
    heartbeat = relay["command"][relay["command"].index("--heartbeat-file") + 1]
    assert heartbeat in " ".join(relay["healthcheck"]["test"])


def test_app_services_wait_for_healthy_database_broker_and_migrations(compose):
    for name in ("web", "relay", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert compose["services"]["migrate"]["command"] == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]


def test_commands_are_gunicorn_celery_worker_and_one_leader_database_beat(compose):
    services = compose["services"]
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "harmony_portal", "worker"]
    beats = [n for n, s in services.items() if "beat" in s.get("command", [])]
    assert beats == ["beat"]
    assert "harmony_portal.scheduler:LeaderDatabaseScheduler" in services["beat"]["command"]
    assert services["beat"]["deploy"]["replicas"] == 1
    # --beat inside a worker would make a second scheduler as soon as workers are scaled.
    assert "--beat" not in services["worker"]["command"]


def test_app_runs_in_production_mode_with_json_logs(compose):
    env = compose["services"]["web"]["environment"]
    assert env["DEBUG"] == "False"
    assert env["LOG_FORMAT"].endswith("json}")
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert "SECRET_KEY:?" in env["SECRET_KEY"]  # no default secret: compose refuses to start


def test_dockerfile_is_slim_non_root_and_collects_static_at_build():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert "RUN pip install ." in text
    assert "collectstatic --noinput" in text
    assert "compilemessages -l de" in text  # the German catalogue is in the image
    assert "CompressedManifestStaticFilesStorage" in text
    user_lines = [line for line in text.splitlines() if line.startswith("USER ")]
    assert user_lines and user_lines[-1] != "USER root"
    assert text.index("USER harmony") > text.index("collectstatic")


def test_evidence_lives_in_the_private_minio_bucket(compose):
    services = compose["services"]
    env = services["web"]["environment"]
    assert env["EVIDENCE_S3_ENDPOINT_URL"].endswith("http://minio:9000}")
    assert "MINIO_ROOT_PASSWORD:?" in env["EVIDENCE_S3_SECRET_ACCESS_KEY"]
    assert "ports" not in services["minio"]  # downloads go through the portal only
    assert "mc anonymous set none" in services["minio-init"]["command"][0]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["minio-init"]["condition"] == (
            "service_completed_successfully"
        )
