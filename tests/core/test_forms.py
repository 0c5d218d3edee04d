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
from initiatives import services as initiative_services
from initiatives.models import Initiative
from reviews import services as review_services
from reviews.models import ComponentOwnership, ConcernAssessment, DesignInput
from tests.core.conftest import SAVED_IN_BETWEEN, edit_design_input, state_of

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
            self._form = []
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
    """A page with a versioned form: where, as whom, which field the test changes, what
    someone else saves in between, and the state (version, value) a refusal must keep."""

    name: str
    actor: str
    url: Callable[[dict], str]
    marker: dict
    field: str
    save_in_between: Callable[[dict, dict], None]
    state: Callable[[dict], tuple]


def _intake_step(step: int, field: str) -> EditForm:
    def save_in_between(objects, users):
        initiative_services.update_initiative(
            initiative=objects["draft"],
            user=users["sponsor"],
            fields={field: SAVED_IN_BETWEEN},
            expected_version=None,
        )

    return EditForm(
        f"intake step {step}",
        "sponsor",
        lambda o: reverse("initiatives:edit", args=[o["draft"].pk, step]),
        {},
        field,
        save_in_between,
        state_of(Initiative, "draft", field),
    )


FORMS = [
    _intake_step(1, "title"),
    _intake_step(2, "output_actors"),
    _intake_step(3, "failure_fallback"),
    _intake_step(4, "sso_requirements"),
    _intake_step(5, "monitored_by"),
    EditForm(
        "assessment",
        "reviewer",
        lambda o: reverse("reviews:assessment", args=[o["assessment"].pk]),
        {},
        "rationale",
        lambda o, u: review_services.update_assessment(
            assessment=o["assessment"], user=u["it_lead"], rationale=SAVED_IN_BETWEEN
        ),
        state_of(ConcernAssessment, "assessment", "rationale"),
    ),
    EditForm(
        "design input edit",
        "reviewer",
        lambda o: reverse("reviews:design_input_edit", args=[o["design_input"].pk]),
        {},
        "description",
        edit_design_input,
        state_of(DesignInput, "design_input", "description"),
    ),
    EditForm(
        "design input lifecycle action",
        "reviewer",
        lambda o: reverse("reviews:design_input", args=[o["design_input"].pk]),
        {"action": "propose"},
        "text",
        edit_design_input,
        state_of(DesignInput, "design_input", "status"),
    ),
    EditForm(
        "component design notes",
        "reviewer",
        lambda o: reverse("reviews:component", args=[o["component"].integration_id]),
        {"what": "notes"},
        "design_notes",
        lambda o, u: review_services.update_component_notes(
            component=o["component"], user=u["it_lead"], design_notes=SAVED_IN_BETWEEN
        ),
        state_of(ComponentOwnership, "component", "design_notes"),
    ),
]


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_form_without_its_version_or_with_a_stale_one_cannot_overwrite(
    form, client, users, objects
):
    client.force_login(users[form.actor])
    url = form.url(objects)
    data = {**form_as_rendered(client, url, form.marker), form.field: CHANGED}
    assert data["version"] == str(form.state(objects)[0])

    without = {k: v for k, v in data.items() if k != "version"}
    before = form.state(objects)
    refused = client.post(url, without)
    assert refused.status_code == 200
    assert escape(MISSING_VERSION) in refused.content.decode()
    assert form.state(objects) == before

    form.save_in_between(objects, users)
    before = form.state(objects)
    stale = client.post(url, data)
    assert stale.status_code in (200, 302)
    page = client.get(stale.url).content.decode() if stale.status_code == 302 else ""
    assert "by someone else" in stale.content.decode() + page
    assert form.state(objects) == before

    fresh = {**form_as_rendered(client, url, form.marker), form.field: CHANGED}
    saved = client.post(url, fresh)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert form.state(objects) != before


def test_a_creation_form_needs_no_version(client, users):
    """Registering a new initiative has nothing to be stale against."""
    client.force_login(users["sponsor"])
    data = form_as_rendered(client, reverse("initiatives:create"), {})
    response = client.post(reverse("initiatives:create"), {**data, "title": "New idea"})
    assert response.status_code == 302
    assert Initiative.objects.filter(title="New idea").count() == 1
