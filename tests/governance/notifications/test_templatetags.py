"""The bell in the navigation bar."""


def test_bell_costs_one_query(rf, users, django_assert_num_queries):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = users["reviewer"]
    template = Template("{% load notification_tags %}{% unread_notification_count as n %}{{ n }}")
    users["reviewer"].notifications.create(text="Hello")
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "1"
        template.render(Context({"request": request}))
