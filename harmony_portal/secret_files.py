"""Settings from a directory of files, the way Kubernetes mounts a Secret: one file per key.

`SECRETS_DIR=/etc/harmony/secrets` with a file `SECRET_KEY` holding the key sets SECRET_KEY.
The values reach the settings without entering the process environment, which child
processes inherit and crash reports print. A variable set in the environment wins, so an
operator can still override one value for a single run.
"""

import os
from collections.abc import Mapping
from pathlib import Path


def read_secret_files(directory: str | Path) -> dict[str, str]:
    """Each regular file's name and content (one trailing newline dropped).

    Kubernetes adds hidden entries (`..data`, `..2026_…`) beside the keys; names starting with a
    dot are skipped, and the key files themselves are symlinks, which are followed.
    """
    values = {}
    for path in sorted(Path(directory).iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        values[path.name] = text[:-1] if text.endswith("\n") else text
    return values


def environment_with_secret_files(
    directory: str, environ: Mapping[str, str] = os.environ
) -> Mapping[str, str]:
    """The environment with the secret files filled in beneath it (no directory: unchanged)."""
    if not directory:
        return environ
    return {**read_secret_files(directory), **environ}
