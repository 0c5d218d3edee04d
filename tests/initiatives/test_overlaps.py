"""Overlap detection (initiatives.overlaps): similar problem, same system, same vendor, same
site — and never an initiative the sponsor may not see, in a table of hidden kinds and for
random portfolios; the intake's JSON endpoint, the list without JavaScript, the dashboard's
pairs across sites, and the SQLite fallback."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from initiatives import overlaps, permissions, services
from initiatives.models import Initiative, InitiativeWord, Status
from initiatives.roles import Role
from landscape.models import EnterpriseSystem
from tests import factories
from tests.conftest import rolled_back

pytestmark = pytest.mark.django_db

PROBLEM = "Predictive maintenance of hydraulic presses from vibration sensor data"


def drafted(sponsor, title="Press vibration monitoring", problem=PROBLEM, site=None, **fields):
    """A complete draft with this title, problem and site (the factory sets its own)."""
    initiative = factories.complete_initiative(sponsor=sponsor, **fields)
    initiative.title, initiative.business_problem = title, problem
    if site is not None:
        initiative.site = site
    initiative.save(update_fields=["title", "business_problem", "site"])
    initiative.refresh_from_db()
    return initiative


def existing(sponsor, title="Press vibration monitoring", problem=PROBLEM, **fields):
    initiative = drafted(sponsor, title, problem, **fields)
    return services.submit_initiative(initiative=initiative, user=sponsor)


def look(user, **values):
    return overlaps.similar_initiatives(user, overlaps.Description(**values))


def test_the_pg_trgm_extension_is_installed():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)


def test_the_same_problem_in_other_words_is_found(users):
    found = existing(users["other_sponsor"])
    existing(users["other_sponsor"], title="Canteen menu planning", problem="Less food waste")
    [match] = look(
        users["sponsor"],
        title="Predictive maintenance for presses",
        problem="Use vibration sensors on our hydraulic presses to predict failures",
    )
    assert match.initiative == found
    assert "similar problem" in match.reasons


def test_same_site_system_and_vendor_are_reasons(users):
    site = factories.SiteFactory(name="Augsburg Plant")
    mes = EnterpriseSystem.objects.create(site=site, name="Opcenter MES", kind="mes")
    other = existing(users["other_sponsor"], title="Scheduling", problem="Sequencing orders")
    other.integrations.update(system=mes, vendor="DELMIA")
    [match] = look(
        users["sponsor"],
        title="Something else entirely",
        site_id=site.pk,
        system_ids=frozenset({mes.pk}),
        vendor_names=frozenset({"delmia"}),
    )
    assert match.reasons == ["same site", "same system: Opcenter MES", "same vendor: DELMIA"]


def test_a_saved_initiative_is_compared_by_its_own_answers_and_left_out(users):
    mine = drafted(users["sponsor"], title="Vibration analytics")
    theirs = existing(users["other_sponsor"])
    withdrawn = existing(users["other_sponsor"], title="Press vibration monitoring again")
    services.transition_initiative(
        initiative=withdrawn, user=users["other_sponsor"], to_status=Status.WITHDRAWN, reason="x"
    )
    found = overlaps.similar_initiatives(users["sponsor"], overlaps.Description.of(mine))
    assert [o.initiative for o in found] == [theirs]


# Each kind of initiative a sponsor of another team may not see.
HIDDEN = {
    "confidential, submitted": {"confidential": True},
    "draft": {"submit": False},
    "confidential draft": {"confidential": True, "submit": False},
}


@pytest.mark.parametrize("kind", list(HIDDEN))
@pytest.mark.parametrize("actor", ["sponsor", "co_sponsor", "norole", "reviewer"])
def test_a_hidden_initiative_is_never_suggested(users, kind, actor):
    spec = dict(HIDDEN[kind])
    submit = spec.pop("submit", True)
    hidden = drafted(users["other_sponsor"], **spec)
    if submit:
        services.submit_initiative(initiative=hidden, user=users["other_sponsor"])
    hidden.vendors.create(name="Augury")
    found = look(
        users[actor],
        title="Press vibration monitoring",
        problem=PROBLEM,
        vendor_names=frozenset({"augury"}),
    )
    assert hidden.pk not in [o.initiative.pk for o in found]
    # ... while those who may see it get it.
    assert hidden.pk in [
        o.initiative.pk
        for o in look(users["it_lead"], title="Press vibration monitoring", problem=PROBLEM)
    ]


a_initiative = st.tuples(
    st.sampled_from(Status.values),
    st.booleans(),  # confidential
    st.sampled_from(["sponsor", "other_sponsor"]),
)


@given(
    portfolio=st.lists(a_initiative, min_size=1, max_size=5),
    role=st.sampled_from([None, Role.SPONSOR, Role.REVIEWER, Role.IT_LEAD]),
)
def test_suggestions_are_always_visible_to_the_asker(users, portfolio, role):
    with rolled_back():
        for n, (status, secret, sponsor) in enumerate(portfolio):
            initiative = Initiative.objects.create(
                title=f"Press vibration monitoring {n}",
                business_problem=PROBLEM,
                sponsor=users[sponsor],
                status=status,
                confidential=secret,
            )
            services.grant_membership(initiative, users[sponsor], can_change=True, record=False)
        asker = factories.UserFactory(username="asker")
        if role:
            asker.groups.add(Group.objects.get(name=role))
        for person in (asker, users["sponsor"]):
            person = type(person).objects.get(pk=person.pk)
            found = look(person, title="Press vibration monitoring", problem=PROBLEM)
            assert all(permissions.can_view(person, o.initiative) for o in found)
            expected = {
                i.pk
                for i in Initiative.objects.exclude(status=Status.WITHDRAWN)
                if permissions.can_view(person, i)
            }
            # Every visible initiative like it, and nothing else (five fit under the limit).
            assert {o.initiative.pk for o in found} == expected


def test_words_are_significant_and_fold_plurals():
    assert overlaps.words_of("Press sensors", "The batteries of our presses, with data") == {
        "press",
        "sensor",
        "battery",
        "presse",
        "data",
    }
    assert overlaps.words_of("AI", "to be or not") == set()


def _indexed(initiative) -> set[str]:
    return set(InitiativeWord.objects.filter(initiative=initiative).values_list("word", flat=True))


def test_the_word_index_follows_every_save(users):
    initiative = drafted(users["sponsor"], title="Vibration analytics")
    assert _indexed(initiative) == overlaps.words_of("Vibration analytics", PROBLEM)
    initiative.title = "Acoustic analytics"
    initiative.save()
    assert "acoustic" in _indexed(initiative) and "vibration" in _indexed(initiative)  # problem
    initiative.business_problem = "Hearing bearings fail"
    initiative.save(update_fields=["business_problem"])
    assert _indexed(initiative) == {"acoustic", "analytic", "hearing", "bearing", "fail"}
    # A save of other fields neither reads nor writes the index.
    with CaptureQueriesContext(connection) as captured:
        initiative.save(update_fields=["expected_value"])
    assert captured and not [q for q in captured if "initiativeword" in q["sql"]]
    # A new initiative is indexed as it is created.
    made = Initiative.objects.create(title="Weld seams", sponsor=users["sponsor"])
    assert _indexed(made) == {"weld", "seam"}


def test_index_words_finds_and_repairs_writes_that_bypass_save(users):
    from django.core.management import CommandError, call_command

    initiative = drafted(users["sponsor"])
    call_command("index_words", "--check")
    Initiative.objects.filter(pk=initiative.pk).update(title="Canteen menu planning")
    with pytest.raises(CommandError, match=rf"STALE on 1 initiative\(s\): {initiative.pk}\b"):
        call_command("index_words", "--check")
    call_command("index_words")
    call_command("index_words", "--check")
    assert {"canteen", "menu", "planning"} <= _indexed(initiative)


_vocabulary = ["press", "vibration", "sensor", "bearing", "weld", "paint", "scrap", "energy"]


@given(
    texts=st.lists(
        st.lists(st.sampled_from(_vocabulary), min_size=0, max_size=6), min_size=1, max_size=8
    ),
    asked=st.lists(st.sampled_from(_vocabulary), min_size=0, max_size=6),
)
def test_the_index_finds_exactly_the_initiatives_a_full_comparison_finds(users, texts, asked):
    """The oracle compares the description with every initiative, word set by word set; the
    index must find the same initiatives with the same shares."""
    with rolled_back():
        made = [
            Initiative.objects.create(
                title=f"T{n}", business_problem=" ".join(words), sponsor=users["sponsor"]
            )
            for n, words in enumerate(texts)
        ]
        mine = overlaps.words_of("", " ".join(asked))
        expected = {}
        for initiative in made:
            theirs = overlaps.words_of(initiative.title, initiative.business_problem)
            union = mine | theirs
            share = len(mine & theirs) / len(union) if union else 0.0
            if mine and share >= overlaps.TEXT_THRESHOLD:
                expected[initiative.pk] = share
        found = overlaps.text_scores(overlaps.Description(problem=" ".join(asked)))
        assert found.keys() == expected.keys()
        assert all(found[pk] == pytest.approx(expected[pk]) for pk in expected)


def test_the_search_reads_the_same_number_of_queries_at_any_size(users):
    def queries_for_a_look() -> int:
        with CaptureQueriesContext(connection) as captured:
            look(users["it_lead"], title="Press vibration monitoring", problem=PROBLEM)
        return len(captured)

    existing(users["other_sponsor"])
    queries_for_a_look()  # the asker's roles, read once per user
    few = queries_for_a_look()
    for n in range(6):
        existing(users["other_sponsor"], title=f"Press vibration monitoring {n}")
    assert queries_for_a_look() == few


def test_anonymous_gets_nothing(users):
    from django.contrib.auth.models import AnonymousUser

    existing(users["other_sponsor"])
    assert look(AnonymousUser(), title="Press vibration monitoring") == []


# ---- the endpoint, the pages, the dashboard -----------------------------------------------------


def test_the_endpoint_answers_what_the_selector_finds(api_as, users):
    found = existing(users["other_sponsor"])
    secret = existing(users["other_sponsor"], title="Press vibration secret", confidential=True)
    response = api_as("sponsor").get(
        "/api/initiatives/similar/",
        {"title": "Press vibration monitoring", "problem": PROBLEM, "site": found.site_id},
    )
    assert response.status_code == 200
    rows = response.json()
    assert [row["id"] for row in rows] == [found.pk]
    assert rows[0]["reasons"] == ["similar problem", "same site"]
    assert rows[0]["url"] == found.get_absolute_url()
    assert secret.title not in response.content.decode()
    assert api_as("anonymous").get("/api/initiatives/similar/").status_code == 401


def test_an_initiative_without_a_site_is_listed_with_site_null_as_documented(api_as, users):
    """A draft need not name its site yet: the endpoint lists it with `site: null`, which
    the schema allows (schemathesis found a 200 that broke the schema's plain string)."""
    found = existing(users["other_sponsor"])
    Initiative.objects.filter(pk=found.pk).update(site=None)
    response = api_as("sponsor").get(
        "/api/initiatives/similar/", {"title": "Press vibration monitoring", "problem": PROBLEM}
    )
    assert response.status_code == 200
    assert [(row["id"], row["site"]) for row in response.json()] == [(found.pk, None)]
    schema = api_as("sponsor").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["schemas"]["Overlap"]["properties"]["site"]["nullable"] is True


@pytest.mark.parametrize(
    "params, field",
    [
        ({"site": "99999"}, "site"),
        ({"initiative": "x"}, "initiative"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_bad_parameters_are_a_400(api_as, users, params, field):
    response = api_as("sponsor").get("/api/initiatives/similar/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_hidden_or_missing_initiative_as_the_base_is_the_same_field_error(api_as, users):
    secret = existing(users["other_sponsor"], confidential=True)
    for pk in (secret.pk, secret.pk + 1000):
        response = api_as("sponsor").get("/api/initiatives/similar/", {"initiative": pk})
        assert response.status_code == 400
        assert response.json()["errors"]["initiative"] == ["No such initiative."]


def test_without_javascript_the_saved_step_lists_similar_initiatives(users):
    found = existing(users["other_sponsor"])
    mine = drafted(users["sponsor"], title="Hydraulic press vibration")
    client = Client()
    client.force_login(users["sponsor"])
    page = client.get(f"/initiatives/{mine.pk}/edit/1/").content.decode()
    assert found.title in page and 'id="similar-initiatives"' in page
    assert "js/similar.js" in page
    assert found.title in client.get(f"/initiatives/{mine.pk}/").content.decode()


def test_the_dashboard_shows_overlaps_across_sites(users):
    augsburg = factories.SiteFactory(name="Augsburg Plant")
    brno = factories.SiteFactory(name="Brno Plant")
    a = existing(users["sponsor"], site=augsburg)
    b = existing(users["other_sponsor"], title="Presses: vibration-based maintenance", site=brno)
    twin = existing(users["other_sponsor"], title="Canteen", site=brno, problem="Food waste")
    twin.integrations.update(name="Canteen tills")
    pairs = overlaps.cross_site_overlaps(users["executive"])
    assert [(p.first, p.second) for p in pairs] == [(a, b)]
    assert pairs[0].reasons == ["similar problem", "same system: Opcenter MES"]
    client = Client()
    client.force_login(users["executive"])
    page = client.get("/governance/dashboard/").content.decode()
    assert 'id="site-overlaps"' in page and b.title in page


def test_the_demo_is_indexed_and_shows_similar_initiatives():
    """The demo's initiatives are saved through the services, so the word index follows them,
    and its portfolio holds overlaps for the panel to show (the same as before the index)."""
    from django.core.management import call_command

    from initiatives import demo

    context: dict = {}
    demo.load(context)
    call_command("index_words", "--check")
    lena = context["users"]["lena"]
    found = {
        key: overlaps.similar_initiatives(lena, overlaps.Description.of(initiative))
        for key, initiative in context["initiatives"].items()
    }
    assert {k for k, v in found.items() if v} >= {"vqi", "pdm", "air", "sched", "toolwear"}
    assert [o.reasons for o in found["pdm"]] == [["same site", "same system: AVEVA PI Server Brno"]]
