"""Every browser form that edits a versioned object is version-checked (core.forms): posted
as the page rendered it but with the version removed, it is refused with the form's message;
posted after someone else saved, it gets the "saved by someone else" message. Either way the
object is re-read and nothing changed. One row per form."""

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from core.forms import MISSING_VERSION
from governance.compliance import services as compliance_services
from governance.compliance.models import FrameworkReference, Obligation
from initiatives import services as initiative_services
from initiatives.models import Initiative
from landscape.models import EnterpriseSystem
from reviews import services as review_services
from reviews.models import ComponentOwnership, ConcernAssessment, DesignInput
from tests.core.conftest import (
    SAVED_IN_BETWEEN,
    edit_design_input,
    edit_reference,
    edit_system,
    state_of,
)

pytestmark = pytest.mark.django_db

CHANGED = "Changed in the browser"


class FormReader(HTMLParser):
    """The fields of one form of a page as a browser would post them: the first form that
    has a `version` field and every (name, value) in `marker`."""

    def __init__(self, marker: dict[str, str]):
        super().__init__()
        self.marker = marker
        self.forms: list[list[tuple[str, str]]] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = [("__action__", a.get("action") or "")]
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self._form.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in a:
                self._select[1] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "textarea" and self._textarea:
            self._form.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select:
            name, selected, first = self._select
            self._form.append((name, selected if selected is not None else first or ""))
            self._select = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None

    def form(self) -> dict[str, str]:
        """The fields, and under `__action__` where the form posts (empty: to the page)."""
        for fields in self.forms:
            data = dict(fields)
            if "version" in data and all(data.get(k) == v for k, v in self.marker.items()):
                return data
        raise AssertionError(f"no form with a version and {self.marker} on the page")


def form_as_rendered(client, url: str, marker: dict[str, str]) -> dict[str, str]:
    reader = FormReader(marker)
    page = client.get(url)
    assert page.status_code == 200
    reader.feed(page.content.decode())
    return reader.form()


@dataclass
class EditForm:
    """A page with a versioned form: where, as whom, which form of the page (`marker`), what
    the test changes, what someone else saves in between, the state (version, value) a
    refusal must keep, and the words of the service's "changed in between" refusal."""

    name: str
    actor: str
    url: Callable[[dict], str]
    marker: Callable[[dict], dict]
    change: dict
    save_in_between: Callable[[dict, dict], None]
    state: Callable[[dict], tuple]
    stale: str = "by someone else"


def _intake_step(step: int, change: dict, in_between) -> EditForm:
    (field,) = change

    def save_in_between(objects, users):
        initiative_services.update_initiative(
            initiative=objects["draft"],
            user=users["sponsor"],
            fields={field: in_between},
            expected_version=None,
        )

    return EditForm(
        f"intake step {step}",
        "sponsor",
        lambda o: reverse("initiatives:edit", args=[o["draft"].pk, step]),
        lambda o: {},
        change,
        save_in_between,
        state_of(Initiative, "draft", field),
    )


def _review_screening(objects, users):
    initiative_services.review_screening(
        initiative=objects["reviewed"],
        user=users["it_lead"],
        answers={},
        note=SAVED_IN_BETWEEN,
        expected_version=None,
    )


FORMS = [
    _intake_step(1, {"title": CHANGED}, SAVED_IN_BETWEEN),
    _intake_step(2, {"output_actors": CHANGED}, SAVED_IN_BETWEEN),
    _intake_step(3, {"failure_fallback": CHANGED}, SAVED_IN_BETWEEN),
    _intake_step(4, {"sso_requirements": CHANGED}, SAVED_IN_BETWEEN),
    _intake_step(5, {"monitored_by": CHANGED}, SAVED_IN_BETWEEN),
    _intake_step(6, {"ai_act_role": "both"}, "provider"),
    EditForm(
        "EU AI Act screening review",
        "reviewer",
        lambda o: reverse("initiatives:screening_review", args=[o["reviewed"].pk]),
        lambda o: {},
        {"ai_act_review_note": CHANGED},
        _review_screening,
        state_of(Initiative, "reviewed", "ai_act_review_note"),
        stale="changed since you read it",
    ),
    EditForm(
        "assessment",
        "reviewer",
        lambda o: reverse("reviews:assessment", args=[o["assessment"].pk]),
        lambda o: {},
        {"rationale": CHANGED},
        lambda o, u: review_services.update_assessment(
            assessment=o["assessment"], user=u["it_lead"], rationale=SAVED_IN_BETWEEN
        ),
        state_of(ConcernAssessment, "assessment", "rationale"),
    ),
    EditForm(
        "design input edit",
        "reviewer",
        lambda o: reverse("reviews:design_input_edit", args=[o["design_input"].pk]),
        lambda o: {},
        {"description": CHANGED},
        edit_design_input,
        state_of(DesignInput, "design_input", "description"),
    ),
    EditForm(
        "design input lifecycle action",
        "reviewer",
        lambda o: reverse("reviews:design_input", args=[o["design_input"].pk]),
        lambda o: {"action": "propose"},
        {"text": CHANGED},
        edit_design_input,
        state_of(DesignInput, "design_input", "status"),
    ),
    EditForm(
        "component design notes",
        "reviewer",
        lambda o: reverse("reviews:component", args=[o["component"].integration_id]),
        lambda o: {"what": "notes"},
        {"design_notes": CHANGED},
        lambda o, u: review_services.update_component_notes(
            component=o["component"], user=u["it_lead"], design_notes=SAVED_IN_BETWEEN
        ),
        state_of(ComponentOwnership, "component", "design_notes"),
    ),
    EditForm(
        "AI Act obligation action",
        "reviewer",
        lambda o: o["reviewed"].get_absolute_url(),
        lambda o: {
            "__action__": reverse("compliance:obligation", args=[o["obligation"].pk]),
            "action": "assign",
        },
        {"owner": "reviewer"},
        lambda o, u: compliance_services.assign_obligation(
            obligation=o["obligation"], user=u["it_lead"], owner=u["it_lead"]
        ),
        state_of(Obligation, "obligation", "owner"),
        stale="changed since you read it",
    ),
    EditForm(
        "framework reference",
        "it_lead",
        lambda o: reverse("compliance:reference_edit", args=[o["reference"].pk]),
        lambda o: {},
        {"note": CHANGED},
        edit_reference,
        state_of(FrameworkReference, "reference", "note"),
        stale="changed since you opened it",
    ),
    EditForm(
        "plant system",
        "it_lead",
        lambda o: reverse("landscape:edit", args=[o["system"].pk]),
        lambda o: {},
        {"description": CHANGED},
        edit_system,
        state_of(EnterpriseSystem, "system", "description"),
    ),
]


def _post(client, url: str, data: dict):
    """Post the form where it posts; a page that answers with a redirect shows its
    messages on the next page, which is followed."""
    target = data.pop("__action__", "") or url
    response = client.post(target, data, follow=True)
    assert response.status_code == 200
    return response.content.decode(), response.redirect_chain


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_form_without_its_version_or_with_a_stale_one_cannot_overwrite(
    form, client, users, objects
):
    client.force_login(users[form.actor])
    url, marker = form.url(objects), form.marker(objects)
    data = {**form_as_rendered(client, url, marker), **form.change}
    assert data["version"] == str(form.state(objects)[0])

    before = form.state(objects)
    page, _ = _post(client, url, {k: v for k, v in data.items() if k != "version"})
    assert escape(MISSING_VERSION) in page
    assert form.state(objects) == before

    form.save_in_between(objects, users)
    before = form.state(objects)
    page, _ = _post(client, url, dict(data))
    assert form.stale in page
    assert form.state(objects) == before

    fresh = {**form_as_rendered(client, url, marker), **form.change}
    page, redirects = _post(client, url, fresh)
    assert redirects, page[:2000]  # saved: the page sends the browser on
    assert form.state(objects) != before


def test_a_creation_form_needs_no_version(client, users):
    """Registering a new initiative has nothing to be stale against."""
    client.force_login(users["sponsor"])
    url = reverse("initiatives:create")
    data = {**form_as_rendered(client, url, {}), "title": "New idea"}
    assert data["version"] == ""
    _page, redirects = _post(client, url, data)
    assert redirects
    assert Initiative.objects.filter(title="New idea").count() == 1
