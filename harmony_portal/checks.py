"""The portal's own system checks, run by `manage.py check` (and `check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_is_not_the_development_key(app_configs, **kwargs) -> list[Error]:
    """`check --deploy` fails while SECRET_KEY is the development key in the repository:
    Django's own check only looks at its length, and this one is long enough."""
    if settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY:
        return []
    return [
        Error(
            "SECRET_KEY is the development key published in the repository.",
            hint="Set SECRET_KEY in the environment to a long random value, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.',
            id="harmony.E001",
        )
    ]
