"""Stable OpenAPI names for the project's choice sets, found at schema-generation time.

drf-spectacular names an enum after the first field that uses it and warns when several
fields share one (`phase` and `phase_at_it_involvement`). Naming every `TextChoices` class of
the project's own apps after the class (`PhaseEnum`, `ConcernAreaEnum`) removes the guesswork,
also for the apps that add choices later. This module imports nothing from the apps at import
time, because settings refer to it.
"""

from collections.abc import Iterator, Mapping
from importlib import import_module


def project_choices() -> dict[str, str]:
    """{"PhaseEnum": "initiatives.models.Phase", …} for each Choices class of a local app."""
    from django.apps import apps
    from django.conf import settings
    from django.db.models import Choices

    found: dict[str, str] = {}
    seen: set[tuple] = set()
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(settings.BASE_DIR)):
            continue
        # The app's models module and every module its models are defined in (the governance
        # domains keep theirs in sub-packages).
        names = {f"{config.name}.models", *(m.__module__ for m in config.get_models())}
        for module_name in sorted(names):
            try:
                module = import_module(module_name)
            except ModuleNotFoundError:
                continue
            for attr, value in sorted(vars(module).items()):
                if not (isinstance(value, type) and issubclass(value, Choices)):
                    continue
                # A class imported from a module of its own app (initiatives.ai_act) counts
                # once, under the module that defines it.
                if not value.__module__.startswith(f"{config.name}."):
                    continue
                key = tuple(value.choices)
                if key in seen:
                    continue
                seen.add(key)
                name = f"{attr}Enum"
                if name in found:
                    name = f"{config.label.title()}{attr}Enum"
                found[name] = f"{value.__module__}.{value.__name__}"
    return found


class ProjectChoiceNames(Mapping):
    """A lazy ENUM_NAME_OVERRIDES: computed on first use, when the apps are loaded."""

    def __init__(self, extra: dict | None = None):
        self._extra = extra or {}
        self._names: dict | None = None

    def _load(self) -> dict:
        if self._names is None:
            self._names = {**project_choices(), **self._extra}
        return self._names

    def __getitem__(self, key):
        return self._load()[key]

    def __iter__(self) -> Iterator:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
