"""Demo directory groups: how the demo company's Entra ID groups map to roles and plants."""

from harmony_portal import directory
from initiatives.models import Site

# (directory group, role, site name)
MAPPINGS = (
    ("sg-harmony-it-reviewers", "IT reviewer", ""),
    ("sg-harmony-it-leads", "IT lead", ""),
    ("sg-harmony-executives", "Executive", ""),
    ("sg-plant-augsburg", "", "Augsburg Plant"),
    ("sg-plant-brno", "", "Brno Plant"),
    ("sg-plant-queretaro-digital", "Business sponsor", "Querétaro Plant"),
)


def load(context: dict) -> None:
    lead = context["users"]["lena"]
    sites = {site.name: site for site in Site.objects.all()}
    for group, role, site in MAPPINGS:
        directory.add_mapping(user=lead, group=group, role=role, site=sites.get(site))
