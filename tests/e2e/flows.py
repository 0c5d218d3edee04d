"""Steps of the intake form as a person fills them in, shared by the browser tests."""


def answer_risk_stack_and_support(
    window, *, data: str, system: str, vendor: str, annex_iii: str = "none"
) -> None:
    """Steps 3 to 6 of the intake form (the last, the EU AI Act screening), from the risk step
    to the initiative page."""
    window.fill("#id_forbidden_actions", "Never stop the line or scrap a part on its own.")
    window.fill("#id_failure_fallback", "Manual inspection as today.")
    window.select_option("#id_safety_critical", "no")
    window.select_option("#id_regulated", "no")
    window.fill("#id_data-0-name", data)
    window.select_option("#id_data-0-classification", "confidential")
    window.fill("#id_data-0-storage_location", "Plant network")
    window.click("button[name=continue]")
    window.wait_for_url("**/edit/4/")

    window.select_option("#id_integrations-0-system_type", "mes")
    window.fill("#id_integrations-0-name", system)
    window.fill("#id_sso_requirements", "Entra ID, plant roles")
    window.fill("#id_vendors-0-name", vendor)
    window.click("button[name=continue]")
    window.wait_for_url("**/edit/5/")

    window.fill("#id_maintained_by", "Plant digital team")
    window.fill("#id_monitored_by", "Plant IT operations")
    window.fill("#id_update_process", "Quarterly release through the change board")
    window.click("button[name=continue]")
    window.wait_for_url("**/edit/6/")

    answer_screening(window, annex_iii=annex_iii)
    window.click("button[name=review]")
    window.wait_for_load_state("networkidle")


def answer_screening(window, *, annex_iii: str = "none", prohibited: str = "none") -> None:
    """Step 6, the EU AI Act screening: a deployer, nothing but the given answers."""
    window.select_option("#id_ai_act_role", "deployer")
    window.check(f"input[name=ai_act_prohibited][value={prohibited}]")
    window.select_option("#id_ai_act_annex_i", "no")
    window.check(f"input[name=ai_act_annex_iii][value={annex_iii}]")
    window.check("input[name=ai_act_transparency][value=none]")
    window.select_option("#id_ai_act_gpai", "no")


def choose_person(window, select_id: str, person) -> None:
    """Choose a person in a people picker (portal.js's combobox over the select `select_id`):
    type their name, then take their entry from the list. `person`: a user or a username."""
    from django.contrib.auth import get_user_model

    from core.people import display_name

    if isinstance(person, str):
        person = get_user_model().objects.get(username=person)
    name = display_name(person)
    window.fill(f"#{select_id}-search", name)
    window.locator(f"#{select_id}-listbox [role=option]", has_text=name).first.click()
    assert window.input_value(f"#{select_id}") == person.username
