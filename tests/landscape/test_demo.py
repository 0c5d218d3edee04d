"""The demo's plant landscape: systems per site, integrations that pick them, a sprawl case,
a high-criticality system awaiting its owner, free text left for IT to map."""

import pytest
from django.core.management import call_command

from harmony_portal.models import DirectoryGroupMapping
from initiatives import selectors
from landscape.models import EnterpriseSystem
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_system_map(django_user_model):
    factories.ensure_catalogue()
    call_command("load_demo", verbosity=0)
    assert EnterpriseSystem.objects.values("site").distinct().count() == 3
    lead = django_user_model.objects.get(username="lena")
    historian = EnterpriseSystem.objects.get(name="AVEVA PI Server Brno")
    assert {(f.what, tuple(f.names)) for f in selectors.system_usage(lead, historian).sprawl} == {
        ("vendors", ("Augury", "Kaeser")),
        ("connectors", ("PI Integrator for BA", "PI Web API")),
    }
    mes = EnterpriseSystem.objects.get(site__name="Augsburg Plant", name="Siemens Opcenter MES")
    usage = selectors.system_usage(lead, mes)
    assert any(i.owner_acknowledged_at for i in usage.integrations)
    assert usage.unacknowledged
    assert selectors.unmapped_integrations().exists()
    # The directory groups of the demo company map to roles and plants.
    assert DirectoryGroupMapping.objects.filter(site__name="Brno Plant").exists()
    # Loading again changes nothing.
    count = EnterpriseSystem.objects.count()
    call_command("load_demo", verbosity=0)
    assert EnterpriseSystem.objects.count() == count
