"""Directory groups: how the identity provider's groups become portal roles and sites; and
the language a person chose (`LanguagePreference`).

IT leads map a group (as the groups claim names it: an Entra ID object id or a group name) to
a role, a site, or both. At every single sign-on the person's roles and sites are set from
the groups in their token (`harmony_portal.directory.apply_directory_groups`). The model sits
in the project package because it joins the initiatives app's roles and sites with sign-in.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from initiatives.roles import Role


class DirectoryGroupMapping(models.Model):
    group = models.CharField(
        max_length=200, help_text=_("The value in the groups claim: a group's name or object id.")
    )
    role = models.CharField(max_length=40, choices=Role.choices, blank=True)
    site = models.ForeignKey(
        "initiatives.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="") | Q(site__isnull=False), name="mapping_gives_role_or_site"
            ),
            models.UniqueConstraint(
                fields=["group", "role", "site"], name="unique_directory_mapping"
            ),
        ]

    def __str__(self) -> str:
        gives = " and ".join(str(x) for x in (self.role, self.site) if x)
        return f"{self.group} → {gives}"


class PersonSite(models.Model):
    """A site a person works for, as the directory says (set at each sign-on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_sites"
    )
    site = models.ForeignKey("initiatives.Site", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["site__name"]
        constraints = [models.UniqueConstraint(fields=["user", "site"], name="unique_person_site")]

    def __str__(self) -> str:
        return f"{self.user} at {self.site}"


class LanguagePreference(models.Model):
    """The language a person chose with the switcher. It follows them to every browser: at
    sign-in it is put into the session, which the language middleware reads before the
    browser's Accept-Language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
