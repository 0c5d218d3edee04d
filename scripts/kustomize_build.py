"""`kubectl kustomize DIR` for the features deploy/k8s/ uses, when kubectl is not installed.

    python scripts/kustomize_build.py deploy/k8s/overlays/production > production.yaml

Supported, with kustomize's own semantics: `resources` (files and directories), `namespace`,
`configMapGenerator` (`envs`, `literals`, `behavior: create|merge|replace`, the content-hash
name suffix and the references to it), `images` (`newName`, `newTag`, `digest`), `replicas`,
and `patches` given as JSON 6902 operations with a `target`. Anything else in a kustomization
is refused rather than ignored, so the output never silently differs from kustomize's:
tests/deploy/test_k8s.py renders every overlay both ways where kubectl exists.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
from pathlib import Path

import yaml

SUPPORTED = {
    "apiVersion",
    "kind",
    "resources",
    "namespace",
    "configMapGenerator",
    "images",
    "replicas",
    "patches",
}
# kustomize's "legacy" output order (api/resid/gvk.go): these kinds first, in this order...
ORDER_FIRST = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
]
# ...these last, every other kind in between, ordered by group, version and kind.
ORDER_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "PriorityClass",
    "StorageClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod"}
SCALABLE = {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}


class KustomizeError(Exception):
    """A kustomization this renderer cannot build exactly as kustomize would."""


def build(directory: str | Path) -> list[dict]:
    """The resources of the kustomization in `directory`, in kustomize's output order."""
    resources, renames = _build(Path(directory))
    # Once, at the end: an overlay's merge renames a base's ConfigMap again.
    _rename_references(resources, renames)
    return sorted(resources, key=_order)


def dump(resources: list[dict]) -> str:
    """YAML documents as `kubectl kustomize` prints them (keys sorted, `---` between)."""
    return "---\n".join(
        yaml.safe_dump(r, sort_keys=True, default_flow_style=False, width=10**6) for r in resources
    )


def _build(directory: Path) -> tuple[list[dict], dict[str, str]]:
    kustomization = _load_kustomization(directory)
    unknown = set(kustomization) - SUPPORTED
    if unknown:
        raise KustomizeError(f"{directory}: not supported here: {', '.join(sorted(unknown))}")
    resources: list[dict] = []
    renames: dict[str, str] = {}  # ConfigMap name → generated name, from the bases
    for entry in kustomization.get("resources", []):
        path = directory / entry
        if path.is_dir():
            built, base_renames = _build(path)
            resources += built
            renames |= base_renames
        else:
            resources += [d for d in yaml.safe_load_all(path.read_text()) if d]

    for generator in kustomization.get("configMapGenerator", []):
        _generate_config_map(directory, generator, resources, renames)
    if "namespace" in kustomization:
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource.setdefault("metadata", {})["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        for container in _containers(resources):
            _set_image(container, image)
    for replica in kustomization.get("replicas", []):
        for resource in resources:
            if resource["kind"] in SCALABLE and _name(resource) == replica["name"]:
                resource["spec"]["replicas"] = replica["count"]
    for patch in kustomization.get("patches", []):
        _apply_patch(directory, patch, resources)
    return resources, renames


def _load_kustomization(directory: Path) -> dict:
    for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        if (directory / name).is_file():
            return yaml.safe_load((directory / name).read_text()) or {}
    raise KustomizeError(f"{directory}: no kustomization.yaml")


def _name(resource: dict) -> str:
    return resource.get("metadata", {}).get("name", "")


def _order(resource: dict) -> tuple:
    kind = resource["kind"]
    if kind in ORDER_FIRST:
        rank = ORDER_FIRST.index(kind)
    elif kind in ORDER_LAST:
        rank = len(ORDER_FIRST) + 1 + ORDER_LAST.index(kind)
    else:
        rank = len(ORDER_FIRST)
    group, _, version = resource["apiVersion"].rpartition("/")
    metadata = resource.get("metadata", {})
    return (
        rank,
        f"{group}_{version}_{kind}",
        metadata.get("namespace", ""),
        metadata.get("name", ""),
    )


# --- ConfigMap generator ------------------------------------------------------------------------


def _read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise KustomizeError(f"{path}: not KEY=VALUE: {line!r}")
        values[key.strip()] = value
    return values


def _generate_config_map(directory, generator, resources, renames) -> None:
    unknown = set(generator) - {"name", "envs", "literals", "behavior"}
    if unknown:
        raise KustomizeError(f"configMapGenerator: not supported here: {sorted(unknown)}")
    data: dict[str, str] = {}
    for env_file in generator.get("envs", []):
        data |= _read_env_file(directory / env_file)
    for literal in generator.get("literals", []):
        key, _, value = literal.partition("=")
        data[key] = value
    name = generator["name"]
    behavior = generator.get("behavior", "create")
    existing = [r for r in resources if r["kind"] == "ConfigMap" and renames.get(name) == _name(r)]
    if behavior == "create":
        if existing:
            raise KustomizeError(f"ConfigMap {name} exists already: use behavior merge/replace")
        config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
        resources.append(config_map)
    elif behavior in ("merge", "replace"):
        if not existing:
            raise KustomizeError(f"ConfigMap {name} to {behavior} is not in the bases")
        config_map = existing[0]
        if behavior == "merge":
            data = config_map.get("data", {}) | data
    else:
        raise KustomizeError(f"configMapGenerator behavior {behavior!r}")
    config_map["data"] = dict(sorted(data.items()))
    config_map["metadata"]["name"] = f"{name}-{config_map_hash(config_map['data'])}"
    renames[name] = config_map["metadata"]["name"]


def config_map_hash(data: dict[str, str]) -> str:
    """kustomize's name suffix (api/hasher): SHA-256 of the JSON of kind, name and data, its
    first ten hex digits with 0, 1, 3, a, e swapped for g, h, k, m, t. kustomize looks the
    name up as one field called "metadata/name", finds none and hashes an empty name."""
    encoded = json.dumps(
        {"data": data, "kind": "ConfigMap", "name": ""},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    # Go's encoding/json escapes these three for HTML safety.
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        encoded = encoded.replace(char, escaped)
    digest = hashlib.sha256(encoded.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _pod_specs(resources: list[dict]):
    for resource in resources:
        if resource["kind"] == "Pod":
            yield resource["spec"]
        elif resource["kind"] in WORKLOADS:
            yield resource["spec"]["template"]["spec"]
        elif resource["kind"] == "CronJob":
            yield resource["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def _containers(resources: list[dict]):
    for spec in _pod_specs(resources):
        yield from spec.get("initContainers", [])
        yield from spec.get("containers", [])


def _rename_references(resources: list[dict], renames: dict[str, str]) -> None:
    def renamed(reference: dict | None) -> None:
        if reference and reference.get("name") in renames:
            reference["name"] = renames[reference["name"]]

    for spec in _pod_specs(resources):
        for container in [*spec.get("initContainers", []), *spec.get("containers", [])]:
            for source in container.get("envFrom", []):
                renamed(source.get("configMapRef"))
            for variable in container.get("env", []):
                renamed(variable.get("valueFrom", {}).get("configMapKeyRef"))
        for volume in spec.get("volumes", []):
            renamed(volume.get("configMap"))
            for source in volume.get("projected", {}).get("sources", []):
                renamed(source.get("configMap"))


# --- images -------------------------------------------------------------------------------------


def _set_image(container: dict, image: dict) -> None:
    current = container["image"]
    if "@" in current:
        name, tag = current.split("@", 1)[0], "@" + current.split("@", 1)[1]
    else:
        head, _, last = current.rpartition("/")
        name, colon, tag = last.partition(":")
        name = f"{head}/{name}" if head else name
        tag = f":{tag}" if colon else ""
    if name != image["name"]:
        return
    name = image.get("newName", name)
    if "digest" in image:
        tag = "@" + image["digest"]
    elif "newTag" in image:
        tag = ":" + str(image["newTag"])
    container["image"] = name + tag


# --- JSON 6902 patches --------------------------------------------------------------------------


def _apply_patch(directory: Path, patch: dict, resources: list[dict]) -> None:
    unknown = set(patch) - {"path", "patch", "target"}
    if unknown or "target" not in patch:
        raise KustomizeError(f"patch: only JSON 6902 with a target is supported: {patch}")
    text = (directory / patch["path"]).read_text() if "path" in patch else patch["patch"]
    operations = yaml.safe_load(text)
    if not isinstance(operations, list):
        raise KustomizeError("patch: strategic merge patches are not supported here")
    target = patch["target"]
    matched = [
        r
        for r in resources
        if all(
            {"kind": r["kind"], "name": _name(r)}.get(field) == value
            for field, value in target.items()
        )
    ]
    if set(target) - {"kind", "name"} or not matched:
        raise KustomizeError(f"patch target {target} matches nothing here")
    for resource in matched:
        for operation in operations:
            _json_patch(resource, operation)


def _json_patch(document: dict, operation: dict) -> None:
    op = operation["op"]
    *parents, last = [
        p.replace("~1", "/").replace("~0", "~") for p in operation["path"].split("/")[1:]
    ]
    node = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if op in ("add", "replace"):
        value = copy.deepcopy(operation["value"])
        if isinstance(node, list):
            if last == "-":
                node.append(value)
            elif op == "add":
                node.insert(int(last), value)
            else:
                node[int(last)] = value
        else:
            if op == "replace" and last not in node:
                raise KustomizeError(f"replace of a missing {operation['path']}")
            node[last] = value
    elif op == "remove":
        del node[int(last) if isinstance(node, list) else last]
    else:
        raise KustomizeError(f"JSON patch op {op!r} is not supported here")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: kustomize_build.py DIRECTORY")
    sys.stdout.write(dump(build(sys.argv[1])))
