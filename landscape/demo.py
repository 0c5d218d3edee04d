"""A plant landscape for the demo sites: the MES, ERP, historians, QMS and identity systems the
demo initiatives connect to, with IT owners and criticality. The initiatives demo loads it
before it registers initiatives (their integrations pick these systems)."""

from .models import Criticality, EnterpriseSystem, SystemKind

# (site, name, kind, IT owner's username, criticality, CMDB id, description)
SYSTEMS = (
    ("Augsburg Plant", "Siemens Opcenter MES", SystemKind.MES, "jonas", Criticality.HIGH,
     "CI0010231", "Execution for lines 1–6; genealogy and dispatch lists."),
    ("Augsburg Plant", "SAP S/4HANA", SystemKind.ERP, "ravi", Criticality.HIGH,
     "CI0010007", "Company ERP, plant 1100 (orders, material, PP)."),
    ("Augsburg Plant", "Corporate Entra ID", SystemKind.IDENTITY, "lena", Criticality.HIGH,
     "CI0000001", "Group identity provider; plant roles as groups."),
    ("Augsburg Plant", "Azure Data Lake (EU West)", SystemKind.DATA_PLATFORM, "ravi",
     Criticality.MEDIUM, "CI0020410", "Group data platform, curated plant zone."),
    ("Augsburg Plant", "Teamcenter PLM", SystemKind.PLM, "ravi", Criticality.MEDIUM,
     "CI0010388", "Product and process data, BOMs and routings."),
    ("Brno Plant", "Siemens Opcenter MES", SystemKind.MES, "jonas", Criticality.HIGH,
     "CI0030120", "Execution for the assembly halls."),
    ("Brno Plant", "AVEVA PI Server Brno", SystemKind.SCADA, "jonas", Criticality.HIGH,
     "CI0030144", "Process historian, 1 Hz tags of presses and compressors."),
    ("Brno Plant", "SAP PM", SystemKind.ERP, "ravi", Criticality.MEDIUM,
     "CI0030150", "Plant maintenance notifications and work orders."),
    ("Querétaro Plant", "QMS Querétaro", SystemKind.QMS, "ravi", Criticality.MEDIUM,
     "CI0040021", "Inspection results, X-ray and non-conformances."),
    ("Querétaro Plant", "Canary historian", SystemKind.SCADA, "jonas", Criticality.MEDIUM,
     "CI0040033", "Paint shop sensor history."),
    ("Querétaro Plant", "Fanuc robot controllers", SystemKind.SCADA, "jonas", Criticality.HIGH,
     "CI0040040", "Weld cell robots, read-only gateway."),
)  # fmt: skip


def load_systems(sites_by_name: dict, users: dict) -> dict:
    """Register the demo landscape (idempotent); {(site name, system name): system}."""
    systems = {}
    for site, name, kind, owner, criticality, cmdb_id, description in SYSTEMS:
        system, _ = EnterpriseSystem.objects.get_or_create(
            site=sites_by_name[site],
            name=name,
            defaults={
                "kind": kind,
                "it_owner": users.get(owner),
                "criticality": criticality,
                "cmdb_id": cmdb_id,
                "description": description,
            },
        )
        systems[(site, name)] = system
    return systems
