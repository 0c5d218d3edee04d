"""The sign-in page."""


def test_login_page_is_styled_with_vendored_assets(client):
    response = client.get("/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert "cdn" not in body.lower()
