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


@register.simple_tag
def person_picker(name, role="person", initiative=None, **attrs):
    """A people picker for a form written by hand in a template: a select of the people
    allowed for `role` (display names as labels), enhanced into a combobox by portal.js.
    Keyword arguments become attributes of the select (id, aria-label, required, class)."""
    from initiatives.forms import UserField

    field = UserField(role=role, required=bool(attrs.get("required")))
    if initiative is not None:
        field.for_initiative(initiative)
    attrs = {key.replace("_", "-"): value for key, value in attrs.items() if value}
    attrs["class"] = f"form-select {attrs.get('class', '')}".strip()
    return field.widget.render(name, None, attrs=attrs)


@register.filter(name="display_name")
def display_name_filter(person):
    """The person's full name (`core.people.display_name`), never the username."""
    from core.people import display_name

    return display_name(person, fallback="—")
