"""Small template filters the portal's pages share."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template; None when the key is absent."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def person_picker(context, name, role="person", initiative=None, **attrs):
    """A people picker for a form written by hand in a template: a select of the people
    allowed for `role` (display names as labels), enhanced into a combobox by portal.js.
    Keyword arguments become attributes of the select (id, aria-label, required, class).
    The people are read once per request and role, however many pickers a page has (one per
    obligation, say)."""
    from django.utils.translation import gettext

    from core.people import display_name
    from initiatives import people
    from initiatives.forms import PersonPicker

    # On the request when the template has it; else for this template's rendering (an
    # inclusion tag's template has no request, but its loop shares the render context).
    request = context.get("request")
    cache = getattr(request, "_person_picker_choices", None)
    if cache is None:
        cache = context.render_context.setdefault("person_picker_choices", {})
        if request is not None:
            request._person_picker_choices = cache
    key = (role, getattr(initiative, "pk", None))
    if key not in cache:
        cache[key] = [
            (p.username, display_name(p)) for p in people.people_for_role(role, initiative)
        ]
    widget = PersonPicker(choices=[("", gettext("Nobody chosen")), *cache[key]])
    widget.role, widget.initiative_id = role, key[1]
    attrs = {attr.replace("_", "-"): value for attr, value in attrs.items() if value}
    attrs["class"] = f"form-select {attrs.get('class', '')}".strip()
    return widget.render(name, None, attrs=attrs)


@register.filter(name="display_name")
def display_name_filter(person):
    """The person's full name (`core.people.display_name`), never the username."""
    from core.people import display_name

    return display_name(person, fallback="—")
