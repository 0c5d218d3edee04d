"""Render every overlay under deploy/k8s/overlays and check it offline (`make k8s-check`).

1. Render with `kubectl kustomize` when kubectl is installed, otherwise with
   scripts/kustomize_build.py; the output goes to var/k8s/<overlay>.yaml.
2. Validate every document against the Kubernetes schemas that kubernetes-validate ships
   (strict: unknown fields are errors), for each version in --kubernetes-versions.
3. Scan the rendered files with checkov (--checkov, its own virtualenv) without a network;
   any failed check fails the run. Offline, checkov knows no severities, so nothing is let
   through as "only low": a check that does not apply is skipped in the manifest with a reason.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[1]
OVERLAYS = ROOT / "deploy" / "k8s" / "overlays"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kustomize_build import build, dump  # noqa: E402


def render(overlay: Path, renderer: str) -> tuple[str, str]:
    """The overlay's YAML and what rendered it."""
    kubectl = shutil.which("kubectl") if renderer != "python" else None
    if kubectl:
        result = subprocess.run(
            [kubectl, "kustomize", str(overlay)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"kubectl kustomize {overlay} failed:\n{result.stderr}")
        return result.stdout, "kubectl kustomize"
    return dump(build(overlay)), "scripts/kustomize_build.py"


def validate(path: Path, versions: list[str]) -> list[str]:
    errors = []
    for document in yaml.safe_load_all(path.read_text()):
        name = f"{document['kind']}/{document['metadata']['name']}"
        for version in versions:
            try:
                kubernetes_validate.validate(document, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                errors.append(f"{path.name}: {name} (Kubernetes {version}): {error.message}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkov", required=True, help="path of the checkov executable")
    parser.add_argument("--kubernetes-versions", default="1.30.0,1.37.0")
    parser.add_argument("--output", default=str(ROOT / "var" / "k8s"))
    parser.add_argument(
        "--renderer", choices=["auto", "python"], default="auto", help="python: never kubectl"
    )
    args = parser.parse_args()
    versions = args.kubernetes_versions.split(",")
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    rendered = []
    for overlay in sorted(p for p in OVERLAYS.iterdir() if p.is_dir()):
        text, renderer = render(overlay, args.renderer)
        path = output / f"{overlay.name}.yaml"
        path.write_text(text)
        rendered.append(path)
        count = sum(1 for _ in yaml.safe_load_all(text))
        print(f"k8s: {overlay.name}: {count} resources rendered by {renderer}")

    errors = [e for path in rendered for e in validate(path, versions)]
    for error in errors:
        print(f"k8s: INVALID {error}")
    if not errors:
        print(f"k8s: every resource valid against the Kubernetes {', '.join(versions)} schemas")

    scan = subprocess.run(
        [args.checkov, "--framework", "kubernetes", "--skip-download", "--compact", "--quiet"]
        + [arg for path in rendered for arg in ("-f", str(path))],
        capture_output=True,
        text=True,
        check=False,
    )
    summary = [line for line in scan.stdout.splitlines() if line.startswith("Passed checks")]
    print(f"k8s: checkov: {summary[0] if summary else 'no summary'}")
    if scan.returncode != 0:
        print(scan.stdout + scan.stderr)
    print(f"k8s: checked in {time.monotonic() - started:.1f} s")
    return 1 if errors or scan.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
