"""The plant system map: the enterprise systems of each site that AI initiatives connect to.

This app sits below `initiatives` so that an initiative's integrations can pick a registered
system. The one reference upward is the site, named lazily as "initiatives.Site" (the way
contrib apps name AUTH_USER_MODEL): no code here imports the initiatives app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SystemKind(models.TextChoices):
    MES = "mes", _("MES")
    ERP = "erp", _("ERP")
    SCADA = "scada", _("SCADA / historian")
    PLM = "plm", _("PLM")
    QMS = "qms", _("QMS")
    DATA_PLATFORM = "data_platform", _("Data platform")
    IDENTITY = "identity", _("Identity")
    OTHER = "other", _("Other")


class Criticality(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class EnterpriseSystem(models.Model):
    """One enterprise system at one site, with the IT person who owns it."""

    site = models.ForeignKey("initiatives.Site", on_delete=models.PROTECT, related_name="systems")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SystemKind.choices)
    it_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_systems",
        help_text=_("The IT person who owns the system; acknowledges what connects to it."),
    )
    criticality = models.CharField(
        max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    cmdb_id = models.CharField(
        "CMDB id",
        max_length=100,
        blank=True,
        help_text=_("The configuration item's id in the CMDB; an import matches rows by it."),
    )
    description = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="unique_system_per_site"),
            models.UniqueConstraint(
                fields=["cmdb_id"], condition=~Q(cmdb_id=""), name="unique_system_cmdb_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site})"

    @property
    def is_high_criticality(self) -> bool:
        return self.criticality == Criticality.HIGH
