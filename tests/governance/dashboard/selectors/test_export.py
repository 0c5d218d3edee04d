"""The portfolio CSV read in chunks with grouped queries: the same rows as the table's path."""

import pytest
from django.contrib.auth import get_user_model

from governance.dashboard.selectors.export import portfolio_export_chunks, portfolio_export_rows
from governance.dashboard.selectors.portfolio import SORT_KEYS, csv_rows, portfolio_rows
from initiatives.models import Initiative
from reviews.models import ConcernAssessment, DesignInput
from tests.governance.dashboard import dashboard_fixture
from tests.governance.dashboard.selectors.conftest import initiatives

SORTS = [key for name in SORT_KEYS for key in (name, f"-{name}")]


def varied_portfolio(users):
    """The dashboard's hand-computed portfolio and a few more: ties on every sort column, a
    sponsor without a name, no site, areas ruled out (one of them with a readiness), a
    not-started assessment, resolved and open inputs of every severity, a title a spreadsheet
    would run, and overall means that round both ways."""
    made = dashboard_fixture.build(users)
    nameless = get_user_model().objects.create(username="zz-nameless")
    extra = []
    for n in range(7):
        extra.append(
            Initiative.objects.create(
                title=["=cmd()", "Ähnlich", "a tie", "a tie", "B tie", "ß", ""][n] or "untitled",
                sponsor=nameless if n % 2 else users["sponsor"],
                site=made.s2 if n % 3 == 0 else None,
                business_unit=made.quality if n == 4 else None,
                phase=["idea", "design", "build", "design", "pilot", "idea", "production"][n],
                status=[
                    "submitted",
                    "in_review",
                    "draft",
                    "withdrawn",
                    "in_review",
                    "draft",
                    "ready_for_build",
                ][n],
                risk_level=[
                    "blocked",
                    "on_track",
                    "at_risk",
                    "on_track",
                    "blocked",
                    "at_risk",
                    "on_track",
                ][n],
                confidential=n in (1, 5),
                submitted_at=dashboard_fixture.at(1 + n % 3, 3) if n != 2 else None,
                phase_at_it_involvement=["", "build", "idea", "", "design", "", "pilot"][n],
            )
        )
    readings = {
        0: {"security": 33, "vendor": 34},  # mean 33.5: rounds to 34 (to even)
        1: {"security": 33, "governance": 32},  # 32.5: rounds to 32
        2: {"security": 80, "explainability": 1, "performance": 100},
        3: {"architecture": 80},
        5: {"security": 80},
    }
    for n, areas in readings.items():
        for area, value in areas.items():
            ConcernAssessment.objects.create(
                initiative=extra[n], area=area, readiness=value, status="in_progress"
            )
    # Ruled out, with and without a readiness kept from before; a not-started concern.
    ConcernAssessment.objects.create(
        initiative=extra[2], area="vendor", not_applicable_reason="Built in-house"
    )
    ConcernAssessment.objects.filter(initiative=extra[0], area="vendor").update(
        not_applicable_reason="No vendor"
    )
    ConcernAssessment.objects.create(initiative=extra[4], area="ownership", readiness=55)
    for n, severity, status in [
        (0, "high", "raised"),
        (0, "high", "incorporated"),
        (3, "low", "raised"),
        (3, "high", "solution_proposed"),
        (3, "high", "raised"),
        (6, "medium", "withdrawn"),
    ]:
        DesignInput.objects.create(
            initiative=extra[n],
            area="security",
            title="input",
            severity=severity,
            status=status,
            raised_by=users["reviewer"],
        )
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("sort", SORTS)
def test_export_has_exactly_the_rows_of_the_table_path_in_every_sort(users, sort):
    made = varied_portfolio(users)
    executive = users["executive"]
    for qs in (initiatives(executive), initiatives(executive, site=made.s2.pk)):
        expected = list(csv_rows(portfolio_rows(qs, sort)))
        assert len(expected) > 3
        assert list(portfolio_export_rows(qs, sort, chunk_size=3)) == expected


@pytest.mark.django_db
def test_export_covers_every_column(users):
    """The comparison above means something only if the portfolio varies in every column."""
    varied_portfolio(users)
    rows = list(portfolio_export_rows(initiatives(users["executive"]), "reference"))
    header, body = rows[0], rows[1:]
    for index, column in enumerate(header):
        assert len({row[index] for row in body}) > 1, column
    assert ["not applicable" in row for row in body].count(True) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["reference", "-security", "readiness", "-open_high", "sponsor"])
def test_a_fixed_number_of_queries_per_chunk(users, sort, django_assert_num_queries):
    """One query streams the initiatives, two per chunk read assessments and open inputs."""
    varied_portfolio(users)  # 12 initiatives
    qs = initiatives(users["executive"])
    with django_assert_num_queries(1 + 2 * 3):
        chunks = list(portfolio_export_chunks(qs, sort, chunk_size=5))
    assert [len(chunk) for chunk in chunks] == [5, 5, 2]
    with django_assert_num_queries(1 + 2 * 12):
        assert [r for c in portfolio_export_chunks(qs, sort, chunk_size=1) for r in c] == [
            r for c in chunks for r in c
        ]


@pytest.mark.django_db
def test_order_is_stable_across_chunk_sizes_and_ties_go_by_reference(users):
    varied_portfolio(users)
    qs = initiatives(users["executive"])
    whole = list(portfolio_export_rows(qs, "-title"))
    for size in (1, 2, 7, 1000):
        assert list(portfolio_export_rows(qs, "-title", chunk_size=size)) == whole
    ties = [row[0] for row in whole[1:] if row[1] == "a tie"]
    assert ties == sorted(ties) and len(ties) == 2


@pytest.mark.django_db
def test_an_empty_portfolio_is_the_header_alone(users):
    rows = list(portfolio_export_rows(initiatives(users["executive"]), "-security"))
    assert rows == [list(csv_rows([]))[0]]
