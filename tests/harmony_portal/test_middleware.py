"""Login is required everywhere but where a view opts out."""


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/initiatives/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
