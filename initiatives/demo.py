"""Demo users and a dozen realistic manufacturing AI initiatives, created through the services."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from landscape import demo as landscape_demo

from . import ai_act, integrations, services
from .models import BusinessUnit, Initiative, NamedRole, Site, Status

DEMO_PASSWORD = "harmony-demo-2026"

# username, first name, last name, role (group), e-mail
USERS = (
    ("sofia", "Sofia", "Brandt", "Business sponsor", "sofia.brandt@example.com"),
    ("marco", "Marco", "Rossi", "Business sponsor", "marco.rossi@example.com"),
    ("priya", "Priya", "Nair", "Business sponsor", "priya.nair@example.com"),
    ("ravi", "Ravi", "Iyer", "IT reviewer", "ravi.iyer@example.com"),
    ("jonas", "Jonas", "Weber", "IT reviewer", "jonas.weber@example.com"),
    ("lena", "Lena", "Vogel", "IT lead", "lena.vogel@example.com"),
    ("helen", "Helen", "Park", "Executive", "helen.park@example.com"),
    ("tom", "Tom", "Fischer", "", "tom.fischer@example.com"),
    ("admin", "Ada", "Admin", "Administrator", "admin@example.com"),
)

SITES = (("Augsburg Plant", "Germany"), ("Brno Plant", "Czechia"), ("Querétaro Plant", "Mexico"))
UNITS = (
    "Quality",
    "Maintenance",
    "Supply Chain",
    "Operations",
    "Facilities",
    "Procurement",
    "After-sales",
    "EHS",
)

# (key, sponsor, title, site, unit, phase, target status, months ago, confidential, extras)
INITIATIVES = (
    (
        "vqi",
        "sofia",
        "Visual quality inspection on Line 3",
        0,
        "Quality",
        "design",
        Status.IN_REVIEW,
        7,
        False,
        {
            "business_problem": "Manual inspection of machined housings misses 2–3 % of surface "
            "defects; escapes cost €400k a year in warranty and rework.",
            "expected_value": "Halve defect escapes, free two inspectors per shift for root-cause work.",
            "data": [
                ("Line 3 camera images", "internal", False, "Augsburg plant edge server"),
                ("MES defect codes", "confidential", False, "MES database, Augsburg data centre"),
            ],
            "integrations": [
                ("mes", "Siemens Opcenter MES", "Write inspection verdicts per serial"),
                ("identity", "Corporate Entra ID", "Operator sign-in at the station"),
            ],
            "vendors": [
                ("Cognex", "VisionPro Deep Learning"),
                ("Landing AI", "LandingLens"),
                ("In-house", "PyTorch on edge GPU"),
            ],
        },
    ),
    (
        "pdm",
        "marco",
        "Predictive maintenance for CNC spindles",
        1,
        "Maintenance",
        "idea",
        Status.IN_REVIEW,
        6,
        False,
        {
            "business_problem": "Unplanned spindle failures stop the 5-axis cell 6–8 times a year.",
            "expected_value": "Plan 80 % of spindle replacements; avoid ~120 hours of downtime.",
            "data": [
                (
                    "Spindle vibration and temperature",
                    "internal",
                    False,
                    "OSIsoft PI historian, Brno",
                ),
                ("Maintenance work orders", "internal", False, "SAP PM"),
            ],
            "integrations": [
                ("historian", "AVEVA PI Server Brno", "Read 1 Hz sensor tags"),
                ("cmms", "SAP PM", "Create notifications for planned replacement"),
            ],
            "vendors": [],
        },
    ),
    (
        "dfc",
        "priya",
        "Demand forecasting for spare parts",
        0,
        "Supply Chain",
        "vendor_selection",
        Status.IN_REVIEW,
        5,
        False,
        {
            "business_problem": "Spare-parts stock-outs delay customer repairs; overstock ties up €2.1M.",
            "expected_value": "Cut stock-outs by 30 % and inventory by 15 %.",
            "data": [
                ("Order history 2019–2026", "confidential", False, "SAP S/4HANA, EU data centre"),
                ("Installed base", "confidential", True, "Salesforce Service Cloud, EU"),
            ],
            "integrations": [
                ("erp", "SAP S/4HANA", "Read orders, write forecast to APO"),
                ("data_lake", "Azure Data Lake (EU West)", "Feature store"),
            ],
            "vendors": [
                ("o9 Solutions", "o9 Demand Planning"),
                ("Blue Yonder", "Luminate Demand"),
                ("SAP", "IBP for Demand"),
            ],
        },
    ),
    (
        "copilot",
        "sofia",
        "Shop-floor copilot for work instructions",
        0,
        "Operations",
        "idea",
        Status.DRAFT,
        1,
        False,
        {
            "business_problem": "New operators need 6 weeks to work unsupervised; instructions are PDFs.",
            "expected_value": "Halve onboarding time; fewer assembly errors.",
            "partial": True,
        },
    ),
    (
        "air",
        "marco",
        "Compressed-air energy optimisation",
        1,
        "Facilities",
        "pilot",
        Status.IN_REVIEW,
        8,
        False,
        {
            "business_problem": "Compressors run at full load nights and weekends; 11 % of site energy.",
            "expected_value": "Save 450 MWh a year.",
            "data": [("Compressor telemetry", "internal", False, "Vendor cloud (Frankfurt)")],
            "integrations": [
                ("scada", "Compressor master controller", "Setpoint write-back"),
                ("historian", "AVEVA PI Server Brno", "Energy meters"),
            ],
            "vendors": [("Kaeser", "Sigma Smart Air")],
        },
    ),
    (
        "weld",
        "sofia",
        "Weld seam defect detection",
        2,
        "Quality",
        "build",
        Status.IN_REVIEW,
        4,
        False,
        {
            "business_problem": "Porosity in robot welds is found only at end-of-line X-ray.",
            "expected_value": "Detect porosity in-process; scrap down 40 %.",
            "data": [
                ("Weld current and voltage traces", "internal", False, "Cell PLC, Querétaro"),
                ("X-ray results", "confidential", False, "QMS, Querétaro"),
            ],
            "integrations": [
                ("scada", "Fanuc robot controllers", "Read weld traces"),
                ("qms", "QMS Querétaro", "Write suspect flags"),
            ],
            "vendors": [("WeldAI Inc.", "SeamGuard")],
        },
    ),
    (
        "supplier",
        "priya",
        "Supplier risk early warning",
        0,
        "Procurement",
        "design",
        Status.SUBMITTED,
        2,
        True,
        {
            "business_problem": "Supplier insolvencies surprised us twice last year.",
            "expected_value": "Three months' warning on critical suppliers.",
            "data": [
                ("Supplier master and spend", "confidential", False, "SAP Ariba, EU"),
                ("News and credit feeds", "public", False, "Vendor SaaS, US"),
            ],
            "integrations": [("erp", "SAP Ariba", "Supplier master")],
            "vendors": [("Prewave", "Supplier risk"), ("Everstream", "Risk monitoring")],
            # Writes risk summaries with a vendor's large language model: Art. 50(2).
            "ai_act": {"ai_act_transparency": ["generates_content"], "ai_act_gpai": "uses"},
        },
    ),
    (
        "sched",
        "marco",
        "Production scheduling optimiser",
        0,
        "Operations",
        "vendor_selection",
        Status.READY_FOR_BUILD,
        9,
        False,
        {
            "business_problem": "Planners spend 2 days a week re-sequencing after rush orders.",
            "expected_value": "Re-plan in minutes; +4 % OEE on the bottleneck.",
            "data": [("Work orders and routings", "internal", False, "SAP PP, EU data centre")],
            "integrations": [
                ("erp", "SAP PP", "Read orders, write sequence"),
                ("mes", "Siemens Opcenter MES", "Dispatch list"),
            ],
            "vendors": [("DELMIA", "Ortems"), ("Asprova", "APS")],
        },
    ),
    (
        "paint",
        "sofia",
        "Paint shop anomaly detection",
        2,
        "Quality",
        "pilot",
        Status.READY_FOR_BUILD,
        10,
        False,
        {
            "business_problem": "Oven temperature drifts cause orange-peel defects found hours later.",
            "expected_value": "Alarm within 5 minutes of drift; rework down 25 %.",
            "data": [("Oven and booth sensors", "internal", False, "Historian, Querétaro")],
            "integrations": [("historian", "Canary historian", "Read sensor tags")],
            "vendors": [],
        },
    ),
    (
        "warranty",
        "priya",
        "Warranty claim text classification",
        0,
        "After-sales",
        "idea",
        Status.DRAFT,
        0,
        True,
        {
            "business_problem": "Engineers read 3,000 warranty claims a month to spot failure modes.",
            "expected_value": "Route claims automatically; spot emerging failure modes weeks earlier.",
            "partial": True,
        },
    ),
    (
        "ppe",
        "marco",
        "Operator PPE detection with cameras",
        1,
        "EHS",
        "design",
        Status.IN_REVIEW,
        3,
        False,
        {
            "business_problem": "Near-misses without safety glasses in the press shop.",
            "expected_value": "Fewer eye injuries; coaching instead of audits.",
            "data": [("Press-shop camera streams", "regulated", True, "On-premise, Brno only")],
            "integrations": [("identity", "Corporate Entra ID", "Supervisor access")],
            "vendors": [("Protex AI", "Safety analytics"), ("Intenseye", "EHS AI")],
            "safety_critical": "yes",
            "regulated": "yes",
            # Supervisors cannot see why an alert fired, and dismissing one leaves no trace.
            "explainability": {
                "output_explanation": "",
                "operator_view": "An alert with a snapshot; no confidence shown.",
                "override_logged": "no",
                "model_documentation": "",
            },
        },
    ),
    (
        "shift",
        "marco",
        "Shift allocation by skills and performance",
        1,
        "Operations",
        "design",
        Status.IN_REVIEW,
        2,
        False,
        {
            "business_problem": "Supervisors build the assembly shift plan by hand every week; "
            "skills matrices are out of date and overtime is unevenly spread.",
            "expected_value": "Plans in minutes, fewer skill gaps on the line, fairer overtime.",
            "data": [
                ("Skills matrix and training records", "confidential", True, "SuccessFactors, EU"),
                ("Line output per operator", "confidential", True, "MES, Brno"),
            ],
            "integrations": [
                ("erp", "SAP HCM time management", "Read shifts, write proposed plan"),
                ("mes", "Siemens Opcenter MES", "Output per operator"),
            ],
            "vendors": [("Quinyx", "Workforce management AI")],
            # Allocates tasks by individual performance: high-risk, Annex III 4(b).
            "ai_act": {"ai_act_annex_iii": ["workers_management"]},
        },
    ),
    (
        "cobot",
        "sofia",
        "Vision safety zone for the collaborative robot cell",
        0,
        "EHS",
        "build",
        Status.IN_REVIEW,
        4,
        False,
        {
            "business_problem": "Light curtains stop the cobot cell whenever a forklift passes; "
            "40 nuisance stops a shift.",
            "expected_value": "Slow down instead of stop when a person, not a forklift, enters.",
            "data": [("3D camera point clouds", "internal", False, "Safety PLC, cell 7")],
            "integrations": [("scada", "Safety PLC of cell 7", "Speed and separation input")],
            "vendors": [("SICK", "Safety vision"), ("Pilz", "PSENvip")],
            "safety_critical": "yes",
            "regulated": "yes",
            # A safety component of machinery that needs a notified body: Annex I, Art. 6(1).
            "ai_act": {
                "ai_act_role": "both",
                "ai_act_annex_i": "safety_component",
                "ai_act_third_party_assessment": "yes",
            },
        },
    ),
    (
        "toolwear",
        "sofia",
        "Tool wear prediction for milling",
        0,
        "Maintenance",
        "idea",
        Status.WITHDRAWN,
        6,
        False,
        {
            "business_problem": "Tools are changed on fixed counts, wasting 20 % of tool life.",
            "expected_value": "Extend tool life 15 %.",
            "data": [("Spindle load signals", "internal", False, "Machine controllers")],
            "integrations": [("mes", "Siemens Opcenter MES", "Tool counts")],
            "vendors": [],
        },
    ),
)


# How a demo integration connects: (initiative key, system name) → (purpose, vendor, connector).
# Brno's historian shows sprawl: two vendors read the same tags through two connectors.
INTEGRATION_DETAILS = {
    ("vqi", "Siemens Opcenter MES"): ("write_back", "Cognex", "Cognex MES connector"),
    ("vqi", "Corporate Entra ID"): ("identity", "", "OIDC"),
    ("sched", "Siemens Opcenter MES"): ("read_data", "DELMIA", "Opcenter REST API"),
    ("toolwear", "Siemens Opcenter MES"): ("read_data", "In-house", "OPC UA gateway"),
    ("pdm", "AVEVA PI Server Brno"): ("read_data", "Augury", "PI Integrator for BA"),
    ("air", "AVEVA PI Server Brno"): ("read_data", "Kaeser", "PI Web API"),
    ("shift", "Siemens Opcenter MES"): ("read_data", "Quinyx", "Opcenter REST API"),
    ("weld", "Fanuc robot controllers"): ("read_data", "WeldAI Inc.", "OPC UA gateway"),
    ("dfc", "SAP S/4HANA"): ("read_data", "o9 Solutions", "SAP OData"),
}


# The EU AI Act screening of an ordinary deployment: minimal risk.
DEMO_SCREENING = {
    "ai_act_role": "deployer",
    "ai_act_prohibited": ["none"],
    "ai_act_annex_i": "no",
    "ai_act_annex_iii": ["none"],
    "ai_act_transparency": ["none"],
    "ai_act_gpai": "no",
}


def _users(context):
    User = get_user_model()
    users = {}
    for username, first, last, role, email in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": email}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == "Administrator":
                user.is_staff = user.is_superuser = True
            user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        users[username] = user
    context["users"] = users
    return users


def load(context: dict) -> None:
    users = _users(context)
    sites = [Site.objects.get_or_create(name=n, defaults={"country": c})[0] for n, c in SITES]
    systems = landscape_demo.load_systems({s.name: s for s in sites}, users)
    context["systems"] = systems
    units = {n: BusinessUnit.objects.get_or_create(name=n)[0] for n in UNITS}
    lead = users["lena"]
    now = timezone.now()
    created = {}
    ready = {}
    for key, sponsor, title, site, unit, phase, status, months, confidential, extra in INITIATIVES:
        fields = {
            "title": title,
            "business_problem": extra["business_problem"],
            "expected_value": extra["expected_value"],
            "site": sites[site],
            "business_unit": units[unit],
            "phase": phase,
            "confidential": confidential,
        }
        initiative, _ = services.create_initiative(sponsor=users[sponsor], fields=fields)
        if not extra.get("partial"):
            _complete(initiative, users, extra, key, systems)
        if status != Status.DRAFT:
            initiative = services.submit_initiative(initiative=initiative, user=users[sponsor])
        if status in (Status.IN_REVIEW, Status.READY_FOR_BUILD):
            initiative = services.transition_initiative(
                initiative=initiative, user=lead, to_status=Status.IN_REVIEW
            )
        if status == Status.READY_FOR_BUILD:
            # Ready for build needs IT's review done first: the reviews demo marks it ready
            # once every concern is assessed (reviews.demo.make_ready), on this date.
            ready[key] = now - timedelta(days=30 * months + 3 - (4 + 20 + 10 * months))
        if status == Status.WITHDRAWN:
            initiative = services.transition_initiative(
                initiative=initiative,
                user=users[sponsor],
                to_status=Status.WITHDRAWN,
                reason="Machine supplier now offers this as a built-in option.",
            )
        _backdate(initiative, now, months, status)
        created[key] = initiative
    # The MES owner has acknowledged the inspection's write-back, not yet the scheduling read.
    vqi_mes = created["vqi"].integrations.filter(system__name="Siemens Opcenter MES").first()
    if vqi_mes is not None:
        integrations.acknowledge_integration(integration=vqi_mes, user=users["jonas"])
    context["initiatives"] = created
    context["ready_for_build"] = ready
    _acknowledge_roles(created, users)


# The named people confirm their roles, except on these: one still to confirm, one declined.
ROLE_PENDING = "ppe"
ROLE_DECLINED = ("weld", "Welding is run by the body shop; name its production manager instead.")


def _acknowledge_roles(initiatives: dict[str, Initiative], users) -> None:
    for key, initiative in initiatives.items():
        if key == ROLE_PENDING or initiative.status == Status.WITHDRAWN:
            continue
        for acknowledgement in initiative.role_acknowledgements.all():
            if key == ROLE_DECLINED[0] and acknowledgement.role == NamedRole.ACCOUNTABLE:
                services.decline_role(
                    initiative=initiative,
                    role=acknowledgement.role,
                    user=acknowledgement.person,
                    reason=ROLE_DECLINED[1],
                )
            else:
                services.acknowledge_role(
                    initiative=initiative, role=acknowledgement.role, user=acknowledgement.person
                )


def _complete(initiative: Initiative, users, extra, key="", systems=None) -> None:
    initiative.decision_owner = users["tom"]
    initiative.accountable_person = users["tom"]
    initiative.output_actors = "Shift supervisors and line operators"
    initiative.override_authority = "Shift supervisor, by releasing the part manually in the MES"
    initiative.allowed_actions = "Flag, recommend and create draft records for human approval."
    initiative.forbidden_actions = (
        "Never stop a line, change a machine setpoint or release product."
    )
    initiative.failure_fallback = "Manual process as today; the station shows 'AI offline'."
    initiative.safety_critical = extra.get("safety_critical", "no")
    initiative.regulated = extra.get("regulated", "no")
    initiative.sso_requirements = "Corporate Entra ID with plant roles; no local accounts."
    initiative.new_platforms = "Edge inference box per line" if extra.get("vendors") else ""
    initiative.maintained_by = "Plant digital team with vendor support"
    initiative.monitored_by = "Plant IT operations (24/7)"
    initiative.update_process = "Quarterly model release via change advisory board; rollback kept."
    # Explainability and operator trust: a good answer unless the initiative says otherwise.
    explainability = {
        "output_explanation": "Each recommendation shows the three inputs that drove it.",
        "operator_view": "The recommendation, its confidence (low / medium / high) and the "
        "evidence image or trend.",
        "override_logged": "yes",
        "model_documentation": "Vendor model card and our validation report in the QMS.",
        "drift_detection": "Weekly precision check against supervisor overrides; alert to the "
        "plant digital team below 90 %.",
        **extra.get("explainability", {}),
    }
    for name, value in explainability.items():
        setattr(initiative, name, value)
    # Step 6: an ordinary deployment unless the initiative says otherwise.
    screening = {**DEMO_SCREENING, **extra.get("ai_act", {})}
    for name, value in screening.items():
        setattr(initiative, name, value)
    initiative.ai_act_class = ai_act.classify_initiative(initiative).level
    initiative.save()
    services.sync_role_acknowledgements(initiative)
    for name, classification, personal, location in extra["data"]:
        initiative.data_assets.create(
            name=name,
            classification=classification,
            personal_data=personal,
            storage_location=location,
        )
    for system_type, name, description in extra["integrations"]:
        purpose, vendor, connector = INTEGRATION_DETAILS.get((key, name), ("read_data", "", ""))
        initiative.integrations.create(
            system=(systems or {}).get((initiative.site.name, name)),
            system_type=system_type,
            name=name,
            description=description,
            purpose=purpose,
            vendor=vendor,
            connector=connector,
        )
    for name, product in extra["vendors"]:
        initiative.vendors.create(name=name, product=product)


def _backdate(initiative: Initiative, now, months: int, status: str) -> None:
    """Spread the demo over the past year so trends and ages look like a real portfolio."""
    created_at = now - timedelta(days=30 * months + 3)
    updates = {"created_at": created_at}
    if initiative.submitted_at:
        submitted = created_at + timedelta(days=4)
        updates.update(submitted_at=submitted, it_first_involved_at=submitted)
    Initiative.objects.filter(pk=initiative.pk).update(**updates)
    initiative.refresh_from_db()
