"""Ids from query strings are read one way (core/query_params.py): odd values are no id,
and pages with such a filter never crash."""

import pytest


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("7", 7),
        (" 12 ", 12),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("abc", None),
        ("", None),
        (None, None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("9" * 30, None),
    ],
)
def test_ids_from_query_strings_are_read_one_way(raw, expected):
    from core.query_params import parse_id

    assert parse_id(raw) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("site", ["²", "99999999999999999999", "-1", "x"])
def test_pages_with_a_site_filter_never_crash_on_odd_ids(client, users, site):
    client.force_login(users["it_lead"])
    for url in ("/governance/dashboard/", "/reviews/", "/initiatives/"):
        assert client.get(url, {"site": site}).status_code == 200, url
    drill = client.get("/governance/dashboard/design-inputs/", {"initiative": site})
    assert drill.status_code == 200
