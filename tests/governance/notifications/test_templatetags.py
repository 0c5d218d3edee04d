"""The bell in the navigation bar."""

from initiatives.roles import roles_of


def test_bell_costs_one_query(rf, users, django_assert_num_queries):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = users["reviewer"]
    template = Template("{% load notification_tags %}{% unread_notification_count as n %}{{ n }}")
    users["reviewer"].notifications.create(text="Hello")
    # Every page knows the user's roles already (the navigation shows them).
    roles_of(users["reviewer"])
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "1"
        template.render(Context({"request": request}))
