"""The plant system map's services: register, edit, and import a CMDB export (preview,
rejected rows with reasons, a re-import that changes nothing)."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core.errors import FieldRuleError, StaleEdit
from initiatives.roles import Role
from landscape import cmdb, permissions, services
from landscape.models import EnterpriseSystem
from tests.conftest import attempt

from .conftest import SERVICENOW_EXPORT

pytestmark = pytest.mark.django_db


def values(site, **extra):
    return {"site": site, "name": "SAP S/4HANA", "kind": "erp", **extra}


def test_the_group_names_are_the_portal_roles():
    assert permissions.IT_LEAD_GROUP == Role.IT_LEAD
    assert permissions.ADMINISTRATOR_GROUP == Role.ADMINISTRATOR
    assert set(permissions.IT_GROUPS) == {Role.REVIEWER, Role.IT_LEAD, Role.ADMINISTRATOR}


def test_an_it_lead_registers_a_system_and_it_is_audited(users, site):
    system = services.register_system(
        user=users["it_lead"], values=values(site, it_owner=users["reviewer"], criticality="high")
    )
    assert (system.site, system.kind, system.it_owner, system.criticality) == (
        site,
        "erp",
        users["reviewer"],
        "high",
    )
    event = AuditEvent.objects.get(action="system.registered")
    assert event.changes["it_owner"] == [None, "reviewer"]


@pytest.mark.parametrize("actor", ["sponsor", "reviewer", "executive", "norole"])
def test_only_it_leads_and_administrators_maintain_the_map(users, site, actor):
    with pytest.raises(PermissionDenied):
        services.register_system(user=users[actor], values=values(site))
    assert not EnterpriseSystem.objects.exists()
    services.register_system(user=users["admin"], values=values(site))


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"kind": "toaster"}, "kind"),
        ({"criticality": "extreme"}, "criticality"),
        ({"site": None}, "site"),
        ({"cmdb_id": "x" * 101}, "cmdb_id"),
    ],
)
def test_bad_values_are_refused_on_their_field(users, site, bad, field):
    with pytest.raises(FieldRuleError) as refused:
        services.register_system(user=users["it_lead"], values={**values(site), **bad})
    assert refused.value.field == field
    assert not EnterpriseSystem.objects.exists()


def test_the_owner_must_be_an_it_person(users, site):
    with pytest.raises(FieldRuleError) as refused:
        services.register_system(
            user=users["it_lead"], values=values(site, it_owner=users["sponsor"])
        )
    assert refused.value.field == "it_owner"


def test_a_site_has_one_system_of_a_name_and_a_cmdb_id_is_unique(users, site, other_site, mes):
    with pytest.raises(FieldRuleError) as refused:
        services.register_system(
            user=users["it_lead"], values=values(site, name="siemens opcenter mes")
        )
    assert refused.value.field == "name"
    with pytest.raises(FieldRuleError) as refused:
        services.register_system(user=users["it_lead"], values=values(other_site, cmdb_id="CI001"))
    assert refused.value.field == "cmdb_id"
    # The same name at another site is another system.
    services.register_system(
        user=users["it_lead"], values=values(other_site, name=mes.name, kind="mes")
    )


def test_an_edit_records_what_changed_and_refuses_a_stale_version(users, mes):
    updated = services.update_system(
        system=mes, user=users["it_lead"], values={"criticality": "medium"}, expected_version=1
    )
    assert updated.version == 2
    assert AuditEvent.objects.get(action="system.updated").changes == {
        "criticality": ["high", "medium"]
    }
    outcome = attempt(
        lambda: services.update_system(
            system=mes, user=users["it_lead"], values={"name": "Other"}, expected_version=1
        ),
        mes,
    )
    assert outcome.outcome == StaleEdit.__name__


def test_an_edit_that_changes_nothing_writes_nothing(users, mes):
    services.update_system(
        system=mes, user=users["it_lead"], values={"criticality": "high"}, expected_version=1
    )
    mes.refresh_from_db()
    assert mes.version == 1
    assert not AuditEvent.objects.filter(action="system.updated").exists()


# ---- the CMDB import ----------------------------------------------------------------------


def test_the_preview_writes_nothing_and_reports_every_row(users, site, other_site):
    report = services.import_systems(user=users["it_lead"], content=SERVICENOW_EXPORT, dry_run=True)
    assert report.counts == {"create": 3, "update": 0, "unchanged": 0, "rejected": 3}
    assert not EnterpriseSystem.objects.exists()
    assert not AuditEvent.objects.exists()
    rejected = {row.line: row.errors for row in report.rejected}
    assert rejected[4] == ["Unknown site “Atlantis Plant”."]
    assert rejected[5] == ["Unknown kind “Toaster”.", "No active portal user “ghost”."]
    assert rejected[6] == ["The same system appears earlier in the file."]


def test_the_import_registers_the_good_rows_and_a_reimport_changes_nothing(users, site, other_site):
    report = services.import_systems(
        user=users["it_lead"], content=SERVICENOW_EXPORT, dry_run=False
    )
    assert report.counts["create"] == 3 and report.counts["rejected"] == 3
    mes = EnterpriseSystem.objects.get(cmdb_id="CI001")
    assert (mes.kind, mes.criticality, mes.it_owner, mes.description) == (
        "mes",
        "high",
        users["reviewer"],
        "Lines 1-6",
    )
    assert EnterpriseSystem.objects.get(cmdb_id="CI002").it_owner == users["it_lead"]
    canary = EnterpriseSystem.objects.get(cmdb_id="CI005")
    assert (canary.kind, canary.criticality, canary.it_owner) == ("scada", "low", None)
    assert AuditEvent.objects.filter(action="system.imported").count() == 3

    before = list(EnterpriseSystem.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    again = services.import_systems(user=users["it_lead"], content=SERVICENOW_EXPORT, dry_run=False)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3, "rejected": 3}
    assert list(EnterpriseSystem.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_changed_row_updates_the_system_matched_by_cmdb_id(users, mes):
    export = (
        "cmdb_id,name,site,kind,owner,criticality\n"
        "CI001,Opcenter MES 2410,Augsburg Plant,mes,it_lead,medium\n"
    )
    preview = services.import_systems(user=users["it_lead"], content=export)
    assert preview.rows[0].changes == {
        "name": ["Siemens Opcenter MES", "Opcenter MES 2410"],
        "it_owner": ["reviewer", "it_lead"],
        "criticality": ["high", "medium"],
    }
    mes.refresh_from_db()
    assert mes.name == "Siemens Opcenter MES"
    services.import_systems(user=users["it_lead"], content=export, dry_run=False)
    mes.refresh_from_db()
    assert (mes.name, mes.it_owner, mes.version) == ("Opcenter MES 2410", users["it_lead"], 2)
    assert AuditEvent.objects.get(action="system.import_updated").changes["criticality"] == [
        "high",
        "medium",
    ]


def test_a_row_without_an_id_matches_by_site_and_name_and_keeps_the_known_id(users, mes):
    export = "name;site;kind;criticality\nSiemens Opcenter MES;Augsburg Plant;MES;high\n"
    report = services.import_systems(user=users["it_lead"], content=export, dry_run=False)
    assert report.counts["unchanged"] == 1
    mes.refresh_from_db()
    assert (mes.cmdb_id, mes.it_owner.username, mes.version) == ("CI001", "reviewer", 1)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\xff\xfe\x00b\x00a\x00d", "UTF-8"),
        ("name,kind\nX,mes\n", "site"),
        (b"PK\x03\x04\x00\x00", "CSV"),
    ],
)
def test_an_unreadable_file_is_refused_on_the_file_field(users, content, message):
    with pytest.raises(FieldRuleError) as refused:
        services.import_systems(user=users["it_lead"], content=content)
    assert refused.value.field == "file"
    assert message in str(refused.value)


def test_only_it_leads_import(users):
    with pytest.raises(PermissionDenied):
        services.import_systems(user=users["sponsor"], content=SERVICENOW_EXPORT)


@pytest.mark.parametrize(
    "text, kind",
    [("MES", "mes"), ("Historian", "scada"), ("data_platform", "data_platform"), ("PLM", "plm"),
     ("Data lake", "data_platform"), ("Identity", "identity"), ("fridge", None)],
)  # fmt: skip
def test_kinds_are_read_as_cmdbs_write_them(text, kind):
    assert cmdb.parse_kind(text) == kind
