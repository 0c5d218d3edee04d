"""deploy/k8s: what every overlay renders to, read the way the cluster would read it.

`make k8s-check` validates the rendered overlays against the schemas and scans them with
checkov; these tests check what the schemas cannot: the Python renderer agrees with kustomize,
the probes hit the real endpoints, every pod is locked down, the migration runs first, the
schedulers and the network policies do what the README says.
"""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("small", "production")

_spec = importlib.util.spec_from_file_location(
    "kustomize_build", ROOT / "scripts" / "kustomize_build.py"
)
kustomize_build = importlib.util.module_from_spec(_spec)
sys.modules["kustomize_build"] = kustomize_build
_spec.loader.exec_module(kustomize_build)


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request):
    return request.param, kustomize_build.build(K8S / "overlays" / request.param)


def find(resources, kind, name=None) -> list[dict]:
    return [
        r
        for r in resources
        if r["kind"] == kind and (name is None or r["metadata"]["name"] == name)
    ]


def one(resources, kind, name) -> dict:
    (resource,) = find(resources, kind, name)
    return resource


def pod_templates(resources):
    for r in resources:
        if r["kind"] in ("Deployment", "Job"):
            yield r["metadata"]["name"], r["spec"]["template"]


def settings_of(resources) -> dict:
    (config_map,) = find(resources, "ConfigMap")
    return config_map["data"]


# --- the renderer -------------------------------------------------------------------------------


@pytest.mark.parametrize("directory", ["base", "overlays/small", "overlays/production"])
def test_python_renderer_renders_what_kubectl_kustomize_renders(directory):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: nothing to compare the Python renderer with")
    expected = subprocess.run(
        [kubectl, "kustomize", str(K8S / directory)], capture_output=True, text=True, check=True
    ).stdout
    assert kustomize_build.build(K8S / directory) == list(yaml.safe_load_all(expected))


def test_config_map_name_suffix_is_kustomizes_hash():
    # From kubectl kustomize (kustomize v5.5.0): literals A=1 and B=two, any generator name.
    assert kustomize_build.config_map_hash({"A": "1", "B": "two"}) == "6b56fdfggc"


def test_renderer_refuses_what_it_does_not_implement(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("commonLabels: {team: it}\nresources: []\n")
    with pytest.raises(kustomize_build.KustomizeError, match="commonLabels"):
        kustomize_build.build(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [d.yaml]\npatches:\n- target: {kind: Deployment, name: d}\n"
        "  patch: |\n    spec: {replicas: 2}\n"
    )
    (tmp_path / "d.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n"
    )
    with pytest.raises(kustomize_build.KustomizeError, match="strategic merge"):
        kustomize_build.build(tmp_path)


# --- valid, and locked down -----------------------------------------------------------------


def test_every_resource_is_valid_against_the_kubernetes_schema(overlay):
    _name, resources = overlay
    for resource in resources:
        kubernetes_validate.validate(resource, "1.30.0", strict=True)


def test_every_pod_runs_restricted_with_requests_and_limits(overlay):
    name, resources = overlay
    namespace = one(resources, "Namespace", "harmony")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    templates = dict(pod_templates(resources))
    assert set(templates) == {
        "harmony-portal-web",
        "harmony-portal-relay",
        "harmony-portal-worker",
        "harmony-portal-scheduler",
        "harmony-portal-migrate",
    }
    for workload, template in templates.items():
        spec = template["spec"]
        assert spec["automountServiceAccountToken"] is False, workload
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] >= 10000
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert not any("hostPath" in v for v in spec["volumes"])
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            where = f"{name}/{workload}/{container['name']}"
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"] == {"drop": ["ALL"]}, where
            for kind in ("requests", "limits"):
                assert set(container["resources"][kind]) == {"cpu", "memory"}, where
            assert container["image"].startswith("registry.example.com/harmony-portal@sha256:")
            # The only writable place is the emptyDir on /tmp; secrets come in as files.
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts == {"/tmp": "tmp", "/etc/harmony/secrets": "secrets"}, where
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert volumes["secrets"]["secret"]["secretName"] == "harmony-portal-secrets"


def test_postgresql_redis_and_secrets_are_not_home_made(overlay):
    _name, resources = overlay
    kinds = {r["kind"] for r in resources}
    assert "StatefulSet" not in kinds and "PersistentVolumeClaim" not in kinds
    assert "Secret" not in kinds  # created from the company's secret store, never overwritten
    secrets = yaml.safe_load((K8S / "secret.example.yaml").read_text())["stringData"]
    assert not set(secrets) & set(settings_of(resources))


def test_settings_cover_the_readme_and_are_all_read_by_the_portal(overlay):
    _name, resources = overlay
    readme = (ROOT / "README.md").read_text()
    table = readme.split("| variable | default | meaning |")[1].split("\n\n")[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.MULTILINE))
    secrets = set(yaml.safe_load((K8S / "secret.example.yaml").read_text())["stringData"])
    configured = set(settings_of(resources)) | secrets
    # CELERY_BROKER_URL only overrides REDIS_URL, which the Secret sets.
    assert documented - {"CELERY_BROKER_URL"} <= configured
    sources = "".join(
        (ROOT / f).read_text() for f in ("harmony_portal/settings.py", "gunicorn.conf.py")
    )
    sources += (ROOT / "harmony_portal" / "sso.py").read_text()
    for key in configured:
        assert f'"{key}"' in sources or f"'{key}'" in sources, f"{key} is read by nothing"


# --- web, migration, scheduler ----------------------------------------------------------------


def test_web_probes_are_the_health_endpoints_and_pass_the_host_check(overlay):
    _name, resources = overlay
    web = one(resources, "Deployment", "harmony-portal-web")["spec"]["template"]["spec"]
    (container,) = web["containers"]
    probes = {kind: container[kind]["httpGet"] for kind in ("readinessProbe", "livenessProbe")}
    assert probes["readinessProbe"]["path"] == "/readyz"
    assert probes["livenessProbe"]["path"] == "/healthz"
    allowed = settings_of(resources)["ALLOWED_HOSTS"].split(",")
    for probe in probes.values():
        assert probe["port"] == "http"
        (host,) = [h["value"] for h in probe["httpHeaders"] if h["name"] == "Host"]
        assert host in allowed  # a probe by pod IP would get 400 from Django
    assert container["ports"] == [{"name": "http", "containerPort": 8000}]
    assert container["env"] == [{"name": "PORT", "value": "8000"}]
    service = one(resources, "Service", "harmony-portal-web")
    assert service["spec"]["selector"].items() <= web_labels(resources).items()


def web_labels(resources) -> dict:
    return one(resources, "Deployment", "harmony-portal-web")["spec"]["template"]["metadata"][
        "labels"
    ]


def test_migrations_run_in_a_job_and_every_pod_waits_for_them(overlay):
    _name, resources = overlay
    job = one(resources, "Job", "harmony-portal-migrate")["spec"]["template"]["spec"]
    assert job["containers"][0]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert job["restartPolicy"] == "Never"
    for deployment in find(resources, "Deployment"):
        (wait,) = deployment["spec"]["template"]["spec"]["initContainers"]
        assert "manage.py migrate --check" in wait["command"][-1]


def test_production_scales_web_and_keeps_some_of_everything_during_drains():
    resources = kustomize_build.build(K8S / "overlays" / "production")
    hpa = one(resources, "HorizontalPodAutoscaler", "harmony-portal-web")["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "harmony-portal-web",
    }
    assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]
    replicas = {d["metadata"]["name"]: d["spec"]["replicas"] for d in find(resources, "Deployment")}
    assert replicas == {
        "harmony-portal-web": 3,
        "harmony-portal-relay": 2,
        "harmony-portal-worker": 3,
        "harmony-portal-scheduler": 2,
    }
    for budget in find(resources, "PodDisruptionBudget"):
        selected = [
            d
            for d in find(resources, "Deployment")
            if budget["spec"]["selector"]["matchLabels"].items()
            <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(selected) == 1
        allowed_down = budget["spec"].get(
            "maxUnavailable",
            selected[0]["spec"]["replicas"] - budget["spec"].get("minAvailable", 0),
        )
        assert 1 <= allowed_down < selected[0]["spec"]["replicas"]
    assert len(find(resources, "PodDisruptionBudget")) == 4
    ingress = one(resources, "Ingress", "harmony-portal")["spec"]
    assert ingress["tls"] and ingress["rules"][0]["http"]["paths"][0]["backend"]["service"] == {
        "name": "harmony-portal-web",
        "port": {"name": "http"},
    }


def test_small_overlay_runs_one_of_each_without_autoscaler_or_budgets():
    resources = kustomize_build.build(K8S / "overlays" / "small")
    assert {d["spec"]["replicas"] for d in find(resources, "Deployment")} == {1}
    assert not find(resources, "HorizontalPodAutoscaler")
    assert not find(resources, "PodDisruptionBudget")


def test_schedulers_use_the_leader_lock_and_a_heartbeat_probe(overlay):
    _name, resources = overlay
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULER == "harmony_portal.scheduler:LeaderDatabaseScheduler"
    spec = one(resources, "Deployment", "harmony-portal-scheduler")["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    assert container["command"][:5] == ["celery", "-A", "harmony_portal", "-q", "beat"]
    assert "--scheduler" not in container["command"]  # the settings' leader scheduler
    heartbeat = settings_of(resources)["SCHEDULER_HEARTBEAT_FILE"]
    assert heartbeat.startswith("/tmp/")
    for probe in ("readinessProbe", "livenessProbe"):
        assert heartbeat in container[probe]["exec"]["command"][-1]
    # A takeover within a minute: the lock lives 30 s, a standby asks every 5 s.
    assert float(settings_of(resources)["SCHEDULER_LOCK_TTL"]) + 5 < 60


def test_relays_publish_the_outbox_with_a_heartbeat_probe(overlay):
    _name, resources = overlay
    spec = one(resources, "Deployment", "harmony-portal-relay")["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    command = container["command"]
    assert command[:3] == ["python", "manage.py", "relay_outbox"]
    heartbeat = command[command.index("--heartbeat-file") + 1]
    assert heartbeat.startswith("/tmp/")  # the only writable place
    for probe in ("readinessProbe", "livenessProbe"):
        assert heartbeat in container[probe]["exec"]["command"][-1]


# --- network policies -------------------------------------------------------------------------


def _selects(selector: dict, labels: dict) -> bool:
    return selector.get("matchLabels", {}).items() <= labels.items()


def _peer_matches(peer: dict, own_namespace: str, namespace: str, labels: dict) -> bool:
    if "ipBlock" in peer:
        return False  # the peers here are pods, known by namespace and labels
    if "namespaceSelector" in peer:
        if not _selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": namespace}):
            return False
    elif namespace != own_namespace:
        return False  # a podSelector alone means pods of the policy's own namespace
    return "podSelector" not in peer or _selects(peer["podSelector"], labels)


def allowed(policies, direction: str, pod: dict, peer_namespace: str, peer: dict, port: int):
    """Whether NetworkPolicy semantics let `pod` (labels) talk to or hear from a peer pod.

    A pod selected by no policy of a direction is open in it; once selected, only what some
    rule allows passes (rules and policies add up)."""
    kind = "Egress" if direction == "egress" else "Ingress"
    selecting = [
        p
        for p in policies
        if _selects(p["spec"]["podSelector"], pod) and kind in p["spec"]["policyTypes"]
    ]
    if not selecting:
        return True
    key = "to" if direction == "egress" else "from"
    for policy in selecting:
        for rule in policy["spec"].get(direction, []):
            own = policy["metadata"]["namespace"]
            peers_ok = key not in rule or any(
                _peer_matches(p, own, peer_namespace, peer) for p in rule[key]
            )
            ports_ok = "ports" not in rule or any(p["port"] == port for p in rule["ports"])
            if peers_ok and ports_ok:
                return True
    return False


def test_only_the_portals_processes_reach_the_database_and_broker(overlay):
    _name, resources = overlay
    policies = find(resources, "NetworkPolicy")
    database = {"cnpg.io/cluster": "harmony-db"}
    portal_pods = {name: t["metadata"]["labels"] for name, t in pod_templates(resources)}
    for name, labels in portal_pods.items():
        for port in (5432, 6379):
            assert allowed(policies, "egress", labels, "harmony-data", database, port), name
        dns = {"k8s-app": "kube-dns"}
        assert allowed(policies, "egress", labels, "kube-system", dns, 53), name
    # Anything else started in the namespace (a debugging shell, a compromised sidecar image).
    stranger = {"app.kubernetes.io/name": "harmony-portal", "app.kubernetes.io/component": "shell"}
    for port in (5432, 6379):
        assert not allowed(policies, "egress", stranger, "harmony-data", database, port)
    assert not allowed(policies, "egress", portal_pods["harmony-portal-web"], "x", {}, 22)


def test_only_the_ingress_controller_reaches_web_and_only_workers_send_mail(overlay):
    _name, resources = overlay
    policies = find(resources, "NetworkPolicy")
    pods = {name: t["metadata"]["labels"] for name, t in pod_templates(resources)}
    controller = {"app.kubernetes.io/name": "ingress-nginx"}
    web = pods["harmony-portal-web"]
    assert allowed(policies, "ingress", web, "ingress-nginx", controller, 8000)
    assert not allowed(policies, "ingress", web, "harmony", pods["harmony-portal-worker"], 8000)
    others = ("harmony-portal-relay", "harmony-portal-scheduler", "harmony-portal-migrate")
    for name in ("harmony-portal-worker", *others):
        assert not allowed(policies, "ingress", pods[name], "ingress-nginx", controller, 8000)
    assert allowed(policies, "egress", pods["harmony-portal-worker"], "mail", {}, 587)
    for name in ("harmony-portal-web", *others):
        assert not allowed(policies, "egress", pods[name], "mail", {}, 587), name
