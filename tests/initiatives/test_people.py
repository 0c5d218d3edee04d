"""The people pickers (issue 18, point 5): who each role allows, the JSON endpoint the
combobox searches, the forms' select with display names, and the field errors."""

import pytest
from django.template import Context, Template

from initiatives import people
from initiatives.forms import OwnershipForm, UserField, UserListField
from initiatives.models import Initiative
from tests import factories


@pytest.fixture
def named(users):
    """Real names on the role users, so the pickers have something to search."""
    names = {
        "sponsor": ("Sam", "Sponsor"),
        "co_sponsor": ("Cora", "Cosponsor"),
        "reviewer": ("Ravi", "Kumar"),
        "other_reviewer": ("Olga", "Reviewer"),
        "it_lead": ("Lena", "Lead"),
        "executive": ("Erik", "Executive"),
        "norole": ("Nora", "Nobody"),
    }
    for key, (first, last) in names.items():
        user = users[key]
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return users


def names(response):
    return [p["name"] for p in response.json()]


@pytest.mark.django_db
class TestRoles:
    def test_it_role_holds_only_it_reviewers_and_leads(self, named):
        found = set(people.people_for_role(people.IT).values_list("username", flat=True))
        assert found == {"reviewer", "other_reviewer", "it_lead"}

    def test_risk_role_adds_the_initiatives_partners(self, named):
        initiative = factories.draft_initiative(
            sponsor=named["sponsor"], decision_owner=named["norole"]
        )
        found = set(
            people.people_for_role(people.RISK, initiative).values_list("username", flat=True)
        )
        assert found == {"it_lead", "executive", "norole"}
        without = set(people.people_for_role(people.RISK).values_list("username", flat=True))
        assert without == {"it_lead", "executive"}

    def test_risk_role_offers_exactly_who_has_risk_authority(self, named):
        """The picker's query and `has_risk_authority` state one rule twice: they agree."""
        from django.contrib.auth import get_user_model

        from initiatives.permissions import has_risk_authority

        initiative = factories.draft_initiative(
            sponsor=named["sponsor"],
            decision_owner=named["norole"],
            accountable_person=named["reviewer"],
        )
        offered = set(people.people_for_role(people.RISK, initiative))
        everyone = get_user_model().objects.all()
        assert offered == {u for u in everyone if has_risk_authority(u, initiative)}
        assert named["norole"] in offered and named["sponsor"] not in offered

    def test_inactive_people_are_never_offered(self, named):
        named["other_reviewer"].is_active = False
        named["other_reviewer"].save(update_fields=["is_active"])
        assert named["other_reviewer"] not in people.people_for_role(people.IT)
        assert named["other_reviewer"] not in people.people_for_role(people.PERSON)


@pytest.mark.django_db
class TestEndpoint:
    url = "/api/people/"

    def test_anonymous_is_refused(self, api_as):
        response = api_as("anonymous").get(self.url, {"role": "it"})
        assert response.status_code == 401

    def test_returns_display_names_of_the_role_only(self, named, api_as):
        response = api_as("it_lead").get(self.url, {"role": "it"})
        assert response.status_code == 200
        assert names(response) == ["Lena Lead", "Olga Reviewer", "Ravi Kumar"]
        assert {"username", "name"} == set(response.json()[0])

    def test_filters_by_every_word_of_the_query(self, named, api_as):
        client = api_as("it_lead")
        assert names(client.get(self.url, {"role": "it", "q": "rav"})) == ["Ravi Kumar"]
        assert names(client.get(self.url, {"role": "it", "q": "Ravi Ku"})) == ["Ravi Kumar"]
        assert names(client.get(self.url, {"role": "it", "q": "Ravi Lead"})) == []
        # Sam Sponsor is a portal user, but not an IT person.
        assert names(client.get(self.url, {"role": "it", "q": "Sam"})) == []
        assert names(client.get(self.url, {"role": "person", "q": "Sam"})) == ["Sam Sponsor"]

    def test_risk_role_on_an_initiative_includes_its_decision_owner(self, named, api_as):
        initiative = factories.submitted_initiative(
            sponsor=named["sponsor"], decision_owner=named["norole"]
        )
        response = api_as("sponsor").get(self.url, {"role": "risk", "initiative": initiative.pk})
        # The complete initiative names its sponsor accountable person.
        assert initiative.accountable_person == named["sponsor"]
        assert names(response) == ["Erik Executive", "Lena Lead", "Nora Nobody", "Sam Sponsor"]

    def test_nobody_from_a_hidden_confidential_initiative(self, named, api_as):
        hidden = factories.submitted_initiative(
            sponsor=named["other_sponsor"], confidential=True, decision_owner=named["norole"]
        )
        response = api_as("sponsor").get(self.url, {"role": "risk", "initiative": hidden.pk})
        assert response.status_code == 400
        assert response.json()["errors"]["initiative"] == ["No such initiative."]
        assert "Nora" not in response.content.decode()
        missing = api_as("sponsor").get(self.url, {"role": "risk", "initiative": 999999})
        assert missing.status_code == 400
        assert missing.json()["errors"] == response.json()["errors"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"role": "boss"}, "role"),
            ({"role": "it", "initiative": "abc"}, "initiative"),
            ({"role": "it", "q": "x" * 101}, "q"),
        ],
    )
    def test_bad_parameters_are_specific_errors(self, named, api_as, params, field):
        response = api_as("it_lead").get(self.url, params)
        assert response.status_code == 400
        assert field in response.json()["errors"]


@pytest.mark.django_db
class TestFields:
    def test_select_offers_display_names_and_the_search_url(self, named):
        field = UserField(role=people.IT)
        html = field.widget.render("reviewer", "reviewer", attrs={"id": "r"})
        assert '<option value="reviewer" selected>Ravi Kumar</option>' in html
        assert "Sam Sponsor" not in html
        assert 'data-people-url="/api/people/?role=it"' in html
        assert 'data-person-picker="one"' in html

    def test_a_person_outside_the_role_is_a_specific_field_error(self, named):
        field = UserField(role=people.IT)
        with pytest.raises(Exception) as error:
            field.clean("sponsor")
        assert error.value.messages == [
            "Sam Sponsor is not an IT reviewer or IT lead; only IT people can be chosen here."
        ]
        assert field.clean("reviewer@example.com") == named["reviewer"]

    def test_list_field_takes_several_values_or_a_comma_list(self, named):
        field = UserListField()
        assert field.clean(["reviewer", "it_lead"]) == [named["reviewer"], named["it_lead"]]
        assert field.clean("reviewer, it_lead") == [named["reviewer"], named["it_lead"]]
        with pytest.raises(Exception) as error:
            UserListField(role=people.IT).clean(["reviewer", "sponsor", "ghost"])
        assert error.value.messages == [
            "Unknown portal user(s): ghost.",
            "Sam Sponsor is not an IT reviewer or IT lead; only IT people can be chosen here.",
        ]

    def test_list_field_refuses_too_many_people(self, named):
        with pytest.raises(Exception) as error:
            UserListField().clean([f"person{i}" for i in range(101)])
        assert error.value.messages == ["Choose at most 100 people."]

    def test_series_form_shows_its_participants_chosen_by_name(self, named):
        from governance.sessions.forms import SeriesForm

        initiative = factories.submitted_initiative(sponsor=named["sponsor"])
        series = factories.working_series(
            initiative=initiative, user=named["it_lead"], participants=[named["reviewer"]]
        )
        html = str(SeriesForm(instance=series)["participants"])
        assert '<option value="reviewer" selected>Ravi Kumar</option>' in html
        assert 'data-person-picker="multiple"' in html and " multiple" in html

    def test_a_chosen_person_no_longer_allowed_is_shown_not_dropped(self, named):
        initiative = factories.draft_initiative(
            sponsor=named["sponsor"], decision_owner=named["norole"]
        )
        named["norole"].is_active = False
        named["norole"].save(update_fields=["is_active"])
        form = OwnershipForm(instance=initiative)
        assert '<option value="norole" selected>Nora Nobody</option>' in str(form["decision_owner"])
        assert "Nora Nobody" not in str(form["accountable_person"])

    def test_ownership_step_shows_the_chosen_person_by_name(self, named):
        initiative = factories.draft_initiative(
            sponsor=named["sponsor"], decision_owner=named["reviewer"]
        )
        html = str(OwnershipForm(instance=initiative)["decision_owner"])
        assert '<option value="reviewer" selected>Ravi Kumar</option>' in html

    def test_template_tag_renders_a_picker_for_hand_written_forms(self, named):
        initiative = factories.submitted_initiative(sponsor=named["sponsor"])
        html = Template(
            '{% load portal %}{% person_picker "reviewer" role="it" initiative=initiative '
            'id="assign" required=True %}'
        ).render(Context({"initiative": initiative}))
        assert 'id="assign"' in html and "required" in html
        assert f"initiative={initiative.pk}" in html
        assert "Ravi Kumar" in html and "Sam Sponsor" not in html


@pytest.mark.django_db
class TestIntakeForm:
    def test_pickers_on_the_ownership_step_save_and_refuse(self, named, client):
        initiative = factories.draft_initiative(sponsor=named["sponsor"])
        client.force_login(named["sponsor"])
        url = f"/initiatives/{initiative.pk}/edit/2/"
        page = client.get(url).content.decode()
        assert 'data-person-picker="one"' in page
        assert 'id="portal-users"' not in page  # the old username datalist is gone
        # Free-text answers that often name a person offer the picker to fill them.
        assert page.count('data-person-fill-url="/api/people/?role=person"') == 2
        response = client.post(
            url, {"version": initiative.version, "decision_owner": "ghost", "save": ""}
        )
        assert response.context["form"].errors["decision_owner"] == [
            "No active portal user with the username or e-mail “ghost”."
        ]
        assert Initiative.objects.get(pk=initiative.pk).decision_owner is None
        client.post(
            url,
            {"version": initiative.version, "decision_owner": "reviewer", "save": ""},
        )
        assert Initiative.objects.get(pk=initiative.pk).decision_owner == named["reviewer"]

    def test_co_sponsors_are_several_values(self, named, client):
        initiative = factories.draft_initiative(sponsor=named["sponsor"], title="Co")
        client.force_login(named["sponsor"])
        data = {
            "version": initiative.version,
            "title": "Co",
            "business_problem": initiative.business_problem,
            "expected_value": initiative.expected_value,
            "phase": initiative.phase,
            "co_sponsors": ["co_sponsor", "other_sponsor"],
            "save": "",
        }
        response = client.post(f"/initiatives/{initiative.pk}/edit/1/", data)
        assert response.status_code == 302
        assert set(initiative.co_sponsors.values_list("username", flat=True)) == {
            "co_sponsor",
            "other_sponsor",
        }
        page = client.get(f"/initiatives/{initiative.pk}/edit/1/").content.decode()
        assert '<option value="co_sponsor" selected>Cora Cosponsor</option>' in page

    def test_rows_added_without_a_round_trip_are_all_saved(self, named, client):
        """What portal.js posts after "Add data source" twice: TOTAL_FORMS raised, rows 0–2."""
        initiative = factories.draft_initiative(sponsor=named["sponsor"])
        client.force_login(named["sponsor"])
        url = f"/initiatives/{initiative.pk}/edit/3/"
        page = client.get(url).content.decode()
        assert '<template class="formset-empty">' in page
        assert 'name="data-__prefix__-name"' in page
        assert "Add data source" in page
        data = {
            "version": initiative.version,
            "data-TOTAL_FORMS": "3",
            "data-INITIAL_FORMS": "0",
            "data-MIN_NUM_FORMS": "0",
            "data-MAX_NUM_FORMS": "20",
            "save": "",
        }
        for i, name in enumerate(["MES history", "Camera images", ""]):
            data[f"data-{i}-name"] = name
            if name:
                data[f"data-{i}-classification"] = "internal"
                data[f"data-{i}-storage_location"] = "Plant server"
        response = client.post(url, data)
        assert response.status_code == 302, response.context["formsets"]
        assert sorted(initiative.data_assets.values_list("name", flat=True)) == [
            "Camera images",
            "MES history",
        ]


@pytest.mark.django_db
def test_rows_and_pickers_speak_german(named):
    from django.test import Client

    initiative = factories.draft_initiative(sponsor=named["sponsor"])
    client = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    client.force_login(named["sponsor"])
    rows = client.get(f"/initiatives/{initiative.pk}/edit/3/").content.decode()
    assert "Datenquelle hinzufügen" in rows and "Diese Zeile entfernen" in rows
    assert "Entwurf speichern" in rows
    people_step = client.get(f"/initiatives/{initiative.pk}/edit/2/").content.decode()
    assert 'data-search-label="Einen Teil des Namens eingeben"' in people_step
    assert 'data-none-label="Niemand gefunden"' in people_step
    response = client.post(
        f"/initiatives/{initiative.pk}/edit/2/",
        {"version": initiative.version, "decision_owner": "ghost", "save": ""},
    )
    assert response.context["form"].errors["decision_owner"] == [
        "Kein aktives Portalkonto mit dem Benutzernamen oder der E-Mail-Adresse „ghost“."
    ]
