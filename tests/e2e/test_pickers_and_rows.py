"""Repeating rows added in place and the people pickers, in a real browser (issue 18, points
4 and 5): two data sources without a round trip, the decision owner chosen with the keyboard,
the IT lead assigning a reviewer by name."""

import pytest

from initiatives.models import Initiative
from reviews.models import ReviewAssignment
from tests import factories


def _name(user, first, last):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.mark.django_db(transaction=True)
def test_rows_in_place_and_the_decision_owner_by_keyboard(page, live_server, login, screenshot):
    users = factories.role_users()
    sponsor = _name(users["sponsor"], "Sam", "Sponsor")
    reviewer = _name(users["reviewer"], "Ravi", "Kumar")
    _name(users["other_reviewer"], "Olga", "Reviewer")
    initiative = factories.draft_initiative(sponsor=sponsor, title="Paint shop defects")
    login(sponsor)

    # Step 3: the blank row, then a second one added in place; a third added and removed again.
    page.goto(f"{live_server.url}/initiatives/{initiative.pk}/edit/3/")
    assert page.locator(".formset-no-js").first.is_hidden()
    page.fill("#id_data-0-name", "Paint line images")
    page.select_option("#id_data-0-classification", "internal")
    page.fill("#id_data-0-storage_location", "Plant network")
    add = page.locator("[data-formset=data] .formset-add")
    add.click()
    assert page.evaluate("document.activeElement.id") == "id_data-1-name"
    page.keyboard.type("Robot logs")
    page.select_option("#id_data-1-classification", "confidential")
    page.fill("#id_data-1-storage_location", "MES database")
    add.click()
    assert page.input_value("input[name=data-TOTAL_FORMS]") == "3"
    page.locator("[data-formset=data] .formset-row").nth(2).locator(".formset-remove").click()
    assert page.input_value("input[name=data-TOTAL_FORMS]") == "2"
    assert page.locator("#id_data-2-name").count() == 0
    screenshot("intake-rows-in-place")
    page.click("button[name=save]")
    page.wait_for_url("**/edit/3/")
    assert sorted(
        Initiative.objects.get(pk=initiative.pk).data_assets.values_list("name", flat=True)
    ) == [
        "Paint line images",
        "Robot logs",
    ]

    # Step 2: the decision owner with the keyboard only: part of a name, ArrowDown, Enter.
    page.goto(f"{live_server.url}/initiatives/{initiative.pk}/edit/2/")
    box = page.locator("#id_decision_owner-search")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("label[for=id_decision_owner-search]").count() == 1
    box.focus()
    page.keyboard.type("avi ku")
    page.wait_for_selector("#id_decision_owner-listbox [role=option]:has-text('Ravi Kumar')")
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator(".person-picker [role=status]").first.inner_text() == "People found: 1"
    page.keyboard.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert page.locator(f"#{active}").inner_text() == "Ravi Kumar"
    page.keyboard.press("Enter")
    assert box.input_value() == "Ravi Kumar"
    assert box.get_attribute("aria-expanded") == "false"
    assert page.url.endswith("/edit/2/")  # Enter chose; it did not submit the form
    page.keyboard.press("Escape")
    assert box.input_value() == "Ravi Kumar"
    # "Who acts on the AI's output" stays free text; the picker beside it adds a name.
    page.fill("#id_output_actors", "Paint line operators")
    page.fill("#id_output_actors-person-search", "olga")
    page.locator("#id_output_actors-person-listbox [role=option]", has_text="Olga Reviewer").click()
    assert page.input_value("#id_output_actors") == "Paint line operators, Olga Reviewer"
    assert page.input_value("#id_output_actors-person-search") == ""
    screenshot("intake-decision-owner-picker")
    page.click("button[name=save]")
    page.wait_for_load_state("networkidle")
    saved = Initiative.objects.get(pk=initiative.pk)
    assert saved.decision_owner == reviewer
    assert saved.output_actors == "Paint line operators, Olga Reviewer"
    assert page.locator("#id_decision_owner-search").input_value() == "Ravi Kumar"


@pytest.mark.django_db(transaction=True)
def test_it_lead_assigns_a_reviewer_by_name(page, live_server, login, screenshot):
    users = factories.role_users()
    _name(users["sponsor"], "Sam", "Sponsor")
    reviewer = _name(users["reviewer"], "Ravi", "Kumar")
    _name(users["it_lead"], "Lena", "Lead")
    initiative = factories.submitted_initiative(sponsor=users["sponsor"], title="Weld seams")
    login(users["it_lead"])
    # The reviewers' card is on the initiative page's Review tab.
    page.goto(f"{live_server.url}{initiative.get_absolute_url()}#reviewers")

    page.fill("#assign-reviewer-search", "Sam")
    page.wait_for_selector("#assign-reviewer-listbox:has-text('No one found')")  # not IT
    page.fill("#assign-reviewer-search", "Rav")
    page.locator("#assign-reviewer-listbox [role=option]", has_text="Ravi Kumar").click()
    page.click("form[action$='/assign/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Ravi Kumar assigned." in page.content()
    assert "reviewer assigned" not in page.content()
    assert ReviewAssignment.objects.filter(initiative=initiative, reviewer=reviewer).exists()
    screenshot("reviewer-assigned-by-name")


@pytest.mark.django_db(transaction=True)
def test_co_sponsors_chosen_and_removed_by_name(page, live_server, login):
    users = factories.role_users()
    sponsor = _name(users["sponsor"], "Sam", "Sponsor")
    cora = _name(users["co_sponsor"], "Cora", "Cosponsor")
    _name(users["other_sponsor"], "Otto", "Other")
    initiative = factories.draft_initiative(sponsor=sponsor, title="Shared draft")
    login(sponsor)
    page.goto(f"{live_server.url}/initiatives/{initiative.pk}/edit/1/")
    box = page.locator("#id_co_sponsors-search")
    for part, name in (("cora", "Cora Cosponsor"), ("otto", "Otto Other")):
        box.fill(part)
        page.locator("#id_co_sponsors-listbox [role=option]", has_text=name).click()
    chosen = page.locator(".person-picker-chosen li")
    assert chosen.all_inner_texts() == ["Cora Cosponsor", "Otto Other"]
    page.get_by_role("button", name="Remove Otto Other").click()
    assert chosen.all_inner_texts() == ["Cora Cosponsor"]
    page.click("button[name=save]")
    page.wait_for_load_state("networkidle")
    assert list(Initiative.objects.get(pk=initiative.pk).co_sponsors.all()) == [cora]
    assert page.locator(".person-picker-chosen li").all_inner_texts() == ["Cora Cosponsor"]
