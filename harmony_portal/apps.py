from django.apps import AppConfig


class HarmonyPortalConfig(AppConfig):
    name = "harmony_portal"
    verbose_name = "Harmony Portal"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the portal's system checks)
            languages,  # noqa: F401  (the language preference at sign-in)
        )
