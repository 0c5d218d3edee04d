import pytest

from landscape.models import EnterpriseSystem
from tests import factories


@pytest.fixture
def site(db):
    return factories.SiteFactory(name="Augsburg Plant")


@pytest.fixture
def other_site(db):
    return factories.SiteFactory(name="Brno Plant")


@pytest.fixture
def mes(site, users):
    return EnterpriseSystem.objects.create(
        site=site,
        name="Siemens Opcenter MES",
        kind="mes",
        it_owner=users["reviewer"],
        criticality="high",
        cmdb_id="CI001",
    )


# A CMDB export as ServiceNow writes it: sys_id, location, sys_class_name, managed_by, and
# business_criticality in its own words. Line 4 names an unknown site, line 5 an unknown
# kind and owner, line 6 repeats line 2's id.
SERVICENOW_EXPORT = (
    "sys_id,name,location,sys_class_name,managed_by,business_criticality,short_description\n"
    """CI001,Siemens Opcenter MES,Augsburg Plant,MES,reviewer,1 - most critical,Lines 1-6
CI002,SAP S/4HANA,Augsburg Plant,ERP,it_lead@example.com,2 - somewhat critical,
CI003,AVEVA PI,Atlantis Plant,Historian,reviewer,1 - most critical,
CI004,Mystery box,Brno Plant,Toaster,ghost,3 - less critical,
CI001,Siemens Opcenter MES again,Augsburg Plant,MES,reviewer,1 - most critical,
CI005,Canary historian,Brno Plant,SCADA / historian,,4 - not critical,Paint shop
"""
)
