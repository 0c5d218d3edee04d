from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = "AI initiatives"

    def ready(self) -> None:
        from core import access

        from . import overlaps, permissions  # noqa: F401  (overlaps keeps the word index on save)

        # The layers below (the audit trail, the shared "visible or 404") ask these rules.
        access.register(permissions.ACCESS_RULES)
